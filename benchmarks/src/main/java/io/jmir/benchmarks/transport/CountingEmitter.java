package io.jmir.benchmarks.transport;

import io.jmir.engine.Emitter;
import io.jmir.engine.EventBuilder;
import io.jmir.engine.internal.EventSink;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * A minimal runtime stand-in for benchmarks: events are encoded into one reused slot and counted on commit.
 * Allocation free. Used by one thread.
 */
final class CountingEmitter implements Emitter, EventSink
{
    private final EventBuilder builder = new EventBuilder();
    private final UnsafeBuffer slot;
    private long committed;

    CountingEmitter(final int slotCapacity)
    {
        slot = new UnsafeBuffer(new byte[slotCapacity]);
    }

    @Override
    public EventBuilder event(final int destination)
    {
        return builder.begin(this, slot, 0, slot.capacity(), destination, 0);
    }

    @Override
    public boolean isBackPressured()
    {
        return false;
    }

    @Override
    public void commit(final int offset, final int length)
    {
        committed++;
    }

    @Override
    public void abort()
    {
    }

    @Override
    public int capacity(final int destination)
    {
        return slot.capacity();
    }

    long committed()
    {
        return committed;
    }
}
