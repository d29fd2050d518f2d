package io.jmir.benchmarks.pipeline;

import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteBuffer;

/**
 * A pre-allocated slot of a raw Disruptor ring: a fixed-capacity buffer and the length of the bytes in it,
 * laid out like the pipeline runtime's slots (one direct buffer per ring, sliced).
 * <p>
 * <b>Threading:</b> written by the ring's producer between claim and publish, read by its consumer after.
 */
final class RawSlot
{
    final UnsafeBuffer buffer;
    int length;

    RawSlot(final ByteBuffer memory, final int offset, final int capacity)
    {
        buffer = new UnsafeBuffer(memory, offset, capacity);
    }
}
