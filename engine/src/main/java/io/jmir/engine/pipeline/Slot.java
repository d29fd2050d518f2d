package io.jmir.engine.pipeline;

import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteBuffer;

/**
 * One pre-allocated ring slot: a fixed-capacity buffer holding one envelope and its length. Length 0 marks a
 * claimed slot that was abandoned (the consumer skips it). Internal API.
 * <p>
 * <b>Threading:</b> written by the producer between claim and publish, read by the stage thread after publish;
 * the ring's sequence publication orders the accesses.
 */
public final class Slot
{
    final UnsafeBuffer buffer;
    int length;

    Slot(final ByteBuffer memory, final int offset, final int capacity)
    {
        buffer = new UnsafeBuffer(memory, offset, capacity);
    }

    /**
     * @return the slot's buffer (capacity = slot capacity).
     */
    public UnsafeBuffer buffer()
    {
        return buffer;
    }

    /**
     * @return length of the envelope in the slot, 0 when abandoned.
     */
    public int length()
    {
        return length;
    }
}
