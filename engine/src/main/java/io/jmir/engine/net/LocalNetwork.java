package io.jmir.engine.net;

import io.jmir.engine.Node;
import io.jmir.engine.SubmitResult;
import org.agrona.DirectBuffer;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * An in-JVM network linking the pipeline-runtime nodes of one process: each node registers a
 * {@link LocalNetModule} as its "net" module; a SendMessage becomes a MessageReceived submitted to the destination
 * node's module through its edge ({@link Node#submit}), so the receiver's back-pressure applies and no stage ever
 * blocks. Messages are not authenticated: all nodes share the process.
 * <p>
 * <b>Threading:</b> {@link #register} from any thread (typically right after {@link Node#launch}); delivery from
 * the net modules' stage threads.
 */
public final class LocalNetwork
{
    private final AtomicReferenceArray<Node> nodes;
    private final AtomicLong undeliverable = new AtomicLong();

    /**
     * @param nodeCount number of nodes that may join.
     */
    public LocalNetwork(final int nodeCount)
    {
        nodes = new AtomicReferenceArray<>(nodeCount);
    }

    /**
     * @param nodeId node the module serves.
     * @return a new net module for that node.
     */
    public LocalNetModule module(final int nodeId)
    {
        return new LocalNetModule(this, nodeId);
    }

    /**
     * Make a launched node reachable. Messages sent to it before wait in the senders' pending queues.
     *
     * @param nodeId id of the node.
     * @param node   the launched node.
     */
    public void register(final int nodeId, final Node node)
    {
        nodes.set(nodeId, node);
    }

    /**
     * Remove a node (it stopped); messages to it are dropped and counted from then on.
     *
     * @param nodeId id of the node.
     */
    public void unregister(final int nodeId)
    {
        nodes.set(nodeId, null);
    }

    /**
     * @return number of nodes the network links.
     */
    public int nodeCount()
    {
        return nodes.length();
    }

    /**
     * @return messages dropped because their destination does not exist.
     */
    public long undeliverable()
    {
        return undeliverable.get();
    }

    SubmitResult deliver(
        final int nodeId, final int module, final DirectBuffer buffer, final int offset, final int length)
    {
        if (nodeId < 0 || nodeId >= nodes.length())
        {
            undeliverable.incrementAndGet();
            return SubmitResult.REJECTED;
        }
        final Node node = nodes.get(nodeId);
        if (node == null)
        {
            return SubmitResult.BACK_PRESSURED;
        }
        return node.submit(module, buffer, offset, length);
    }
}
