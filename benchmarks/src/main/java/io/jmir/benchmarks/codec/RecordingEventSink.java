package io.jmir.benchmarks.codec;

import io.jmir.engine.internal.EventSink;

/**
 * A trivial {@link EventSink} for driving an {@link io.jmir.engine.EventBuilder} outside a runtime: it records
 * where the committed envelope lies, as a ring slot would, and accepts any destination up to its capacity.
 * <p>
 * <b>Threading:</b> single thread, like the builder it serves.
 */
final class RecordingEventSink implements EventSink
{
    private final int capacity;
    private int offset;
    private int length;

    RecordingEventSink(final int capacity)
    {
        this.capacity = capacity;
    }

    @Override
    public void commit(final int offset, final int length)
    {
        this.offset = offset;
        this.length = length;
    }

    @Override
    public void abort()
    {
        length = 0;
    }

    @Override
    public int capacity(final int destination)
    {
        return capacity;
    }

    int offset()
    {
        return offset;
    }

    int length()
    {
        return length;
    }
}
