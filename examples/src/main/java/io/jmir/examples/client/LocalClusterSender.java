package io.jmir.examples.client;

import io.jmir.engine.Node;
import io.jmir.engine.SubmitResult;
import org.agrona.DirectBuffer;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Sends client requests to the pipeline-runtime nodes of one JVM through {@link Node#submit} to their "clients"
 * module. A back-pressured node makes the sending thread wait (short parks) up to {@code maxWaitNs}, so load
 * generators slow down to what the cluster takes instead of piling up requests.
 * <p>
 * <b>Threading:</b> thread safe ({@link Node#submit} is).
 */
public final class LocalClusterSender implements RequestSender
{
    private final Node[] nodes;
    private final int[] moduleIds;
    private final long maxWaitNs;

    /**
     * @param nodes     the cluster's nodes, indexed by node id.
     * @param maxWaitNs longest wait for a back-pressured node before dropping the send.
     */
    public LocalClusterSender(final Node[] nodes, final long maxWaitNs)
    {
        this.nodes = nodes.clone();
        this.moduleIds = new int[nodes.length];
        for (int i = 0; i < nodes.length; i++)
        {
            moduleIds[i] = nodes[i].moduleId("clients");
        }
        this.maxWaitNs = maxWaitNs;
    }

    @Override
    public boolean send(final int nodeId, final DirectBuffer buffer, final int offset, final int length)
    {
        final long deadline = System.nanoTime() + maxWaitNs;
        while (true)
        {
            final SubmitResult result = nodes[nodeId].submit(moduleIds[nodeId], buffer, offset, length);
            if (result == SubmitResult.ACCEPTED)
            {
                return true;
            }
            if (result == SubmitResult.REJECTED || !nodes[nodeId].isRunning() || System.nanoTime() > deadline)
            {
                return false;
            }
            LockSupport.parkNanos(TimeUnit.MICROSECONDS.toNanos(20));
        }
    }
}
