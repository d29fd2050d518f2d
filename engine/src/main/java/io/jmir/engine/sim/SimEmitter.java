package io.jmir.engine.sim;

import io.jmir.engine.Emitter;
import io.jmir.engine.EventBuilder;
import io.jmir.engine.internal.EventSink;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * The emitter of one module of a simulated node. {@link #event(int)} opens the module's {@link EventBuilder}
 * over the node's scratch buffer, bounded to the slot capacity; {@link #commit(int, int)} copies the finished
 * envelope into the destination module's inbox. Inboxes are unbounded, so a simulated emitter is never
 * back-pressured. An unknown destination is refused at {@link #event(int)} (the module fails, as in the pipeline
 * runtime). Closed when its node crashes: later commits are discarded.
 * <p>
 * <b>Threading:</b> the simulation thread, during a callback of its module.
 */
final class SimEmitter implements Emitter, EventSink
{
    private final SimNode node;
    private final int sourceId;
    private final UnsafeBuffer scratch;
    private final EventBuilder builder = new EventBuilder();
    private boolean closed;

    SimEmitter(final SimNode node, final int sourceId, final UnsafeBuffer scratch)
    {
        this.node = node;
        this.sourceId = sourceId;
        this.scratch = scratch;
    }

    @Override
    public EventBuilder event(final int destination)
    {
        if (destination < 0 || destination >= node.moduleCount())
        {
            throw new IllegalArgumentException("unknown destination module id " + destination + " (node has " +
                node.moduleCount() + " modules)");
        }
        return builder.begin(this, scratch, 0, scratch.capacity(), destination, sourceId);
    }

    @Override
    public boolean isBackPressured()
    {
        return false;
    }

    @Override
    public void commit(final int offset, final int length)
    {
        if (!closed)
        {
            node.emitted(scratch, offset, length);
        }
    }

    @Override
    public void abort()
    {
    }

    @Override
    public int capacity(final int destination)
    {
        return destination >= 0 && destination < node.moduleCount() ? scratch.capacity() : 0;
    }

    EventBuilder builder()
    {
        return builder;
    }

    void close()
    {
        closed = true;
        builder.abort();
    }
}
