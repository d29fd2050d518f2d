package io.jmir.engine;

import org.agrona.DirectBuffer;

/**
 * Sees every event dispatched to every module of a node, after validation and before the module — the hook
 * behind the event log. Disabled (null) by default, which costs one null check per event.
 * <p>
 * <b>Threading:</b> in the pipeline runtime it is called concurrently from every stage thread of the node and
 * must be thread safe; in the simulation runtime from the simulation thread. It must not block for long and
 * must copy what it keeps: the buffer is valid only during the call.
 */
public interface EventInterceptor
{
    /**
     * An event is about to be delivered.
     *
     * @param nodeId      node dispatching it.
     * @param moduleId    module receiving it.
     * @param buffer      holding the envelope (with its follow-ups).
     * @param offset      of the envelope.
     * @param length      of the envelope.
     * @param timestampNs wall-clock epoch ns in the pipeline runtime, virtual time in simulation.
     */
    void onDispatch(int nodeId, int moduleId, DirectBuffer buffer, int offset, int length, long timestampNs);

    /**
     * The dispatching thread finished a batch: a good moment to flush.
     */
    default void onEndOfBatch()
    {
    }

    /**
     * The node stopped; release resources.
     */
    default void close()
    {
    }
}
