package io.jmir.examples.client;

import io.jmir.protocols.app.ReplySink;
import org.agrona.DirectBuffer;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The {@link ReplySink} of an in-JVM cluster: every node's "replies" module calls it; it routes each reply to the
 * {@link ClusterClient} of its client id. Replies for unregistered clients are counted and dropped.
 * <p>
 * <b>Threading:</b> thread safe: called concurrently by the reply threads of all nodes; clients may be registered
 * from any thread.
 */
public final class ReplyRouter implements ReplySink
{
    private final AtomicReferenceArray<ClusterClient> clients;
    private final AtomicLong unrouted = new AtomicLong();

    /**
     * @param clientCount clients of the cluster.
     */
    public ReplyRouter(final int clientCount)
    {
        clients = new AtomicReferenceArray<>(clientCount);
    }

    /**
     * @param client a client to route replies to.
     * @return the client.
     */
    public ClusterClient register(final ClusterClient client)
    {
        clients.set((int)client.clientId(), client);
        return client;
    }

    @Override
    public void onReply(final int nodeId, final long clientId, final long requestNo, final long seqNo,
        final DirectBuffer result, final int offset, final int length)
    {
        final ClusterClient client = clientId >= 0 && clientId < clients.length() ? clients.get((int)clientId) : null;
        if (client == null)
        {
            unrouted.incrementAndGet();
            return;
        }
        client.onReply(nodeId, requestNo, result, offset, length);
    }

    /**
     * @return replies for unknown clients.
     */
    public long unrouted()
    {
        return unrouted.get();
    }
}
