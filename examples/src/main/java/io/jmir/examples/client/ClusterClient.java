package io.jmir.examples.client;

import io.jmir.codecs.engine.ClientRequestEncoder;
import io.jmir.codecs.engine.MessageHeaderEncoder;
import io.jmir.protocols.clients.RequestAuth;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.Arrays;
import java.util.concurrent.CompletableFuture;

/**
 * A client of an ISS cluster. Each request gets the next request number, is authenticated
 * ({@link ClientAuthenticator}) and sent to every node; it completes when f + 1 nodes returned the same result
 * (at most f nodes are faulty, so one of them is correct). Two APIs:
 * <ul>
 *   <li>{@link #submit(byte[])}: a {@link CompletableFuture} of the result.</li>
 *   <li>{@link #submit(byte[], ResultListener)}: the pipelined path for load generation — up to
 *   {@code maxInFlight} requests outstanding, a callback per completion with its latency, no future.</li>
 * </ul>
 * Requests not complete after a while can be sent again with {@link #resendOlderThan(long)}; the nodes'
 * client trackers drop copies of a request already admitted, so it is ordered at most once. Keep
 * {@code maxInFlight} at most half the cluster's {@code clientWatermarkWindow}: nodes move a client's watermark only
 * at epoch ends and drop request numbers beyond it (they are then retransmitted).
 * <p>
 * <b>Threading:</b> the submit and resend methods must be called by one thread at a time (the client's thread);
 * they block while {@code maxInFlight} requests are outstanding. {@link #onReply} is called by the nodes' reply
 * threads (through a {@link ReplyRouter}); listeners and futures are completed on those threads — do not block
 * there (use the futures' *Async methods for heavy work).
 */
public final class ClusterClient
{
    /**
     * Told when a request completed.
     */
    @FunctionalInterface
    public interface ResultListener
    {
        /**
         * @param requestNo the request's number.
         * @param result    the result f + 1 nodes agreed on.
         * @param latencyNs time from first submission to completion.
         */
        void onResult(long requestNo, byte[] result, long latencyNs);
    }

    private final Object lock = new Object();
    private final long clientId;
    private final int nodeCount;
    private final int weakQuorum;
    private final ClientAuthenticator authenticator;
    private final RequestSender sender;
    private final Pending[] slots;
    private final ClientRequestEncoder request = new ClientRequestEncoder();
    private final MessageHeaderEncoder header = new MessageHeaderEncoder();
    private final ExpandableArrayBuffer encoded = new ExpandableArrayBuffer(1024);
    private final ExpandableArrayBuffer signable = new ExpandableArrayBuffer(1024);
    private byte[] message = new byte[1024];
    private long nextRequestNo;
    private long completed;
    private long resent;

    /**
     * @param clientId      this client's id (in [0, clientCount) of the cluster).
     * @param nodeCount     n.
     * @param f             tolerated faulty nodes.
     * @param authenticator signs or MACs requests per the cluster's scheme.
     * @param sender        reaches the nodes.
     * @param maxInFlight   most outstanding requests.
     */
    public ClusterClient(final long clientId, final int nodeCount, final int f,
        final ClientAuthenticator authenticator, final RequestSender sender, final int maxInFlight)
    {
        if (maxInFlight < 1)
        {
            throw new IllegalArgumentException("maxInFlight must be at least 1, was " + maxInFlight);
        }
        this.clientId = clientId;
        this.nodeCount = nodeCount;
        this.weakQuorum = f + 1;
        this.authenticator = authenticator;
        this.sender = sender;
        this.slots = new Pending[maxInFlight];
        for (int i = 0; i < maxInFlight; i++)
        {
            slots[i] = new Pending(nodeCount);
        }
    }

    /**
     * @return this client's id.
     */
    public long clientId()
    {
        return clientId;
    }

    /**
     * Submit a request; blocks while the window is full.
     *
     * @param payload request payload (copied).
     * @return the result once f + 1 nodes agree.
     * @throws InterruptedException when interrupted while waiting for window space.
     */
    public CompletableFuture<byte[]> submit(final byte[] payload) throws InterruptedException
    {
        final CompletableFuture<byte[]> future = new CompletableFuture<>();
        submit(payload, (requestNo, result, latencyNs) -> future.complete(result));
        return future;
    }

    /**
     * Submit a request (pipelined path); blocks while the window is full.
     *
     * @param payload  request payload (copied).
     * @param listener told when the request completes (on a reply thread).
     * @return the request number.
     * @throws InterruptedException when interrupted while waiting for window space.
     */
    public long submit(final byte[] payload, final ResultListener listener) throws InterruptedException
    {
        final long requestNo;
        final Pending slot;
        synchronized (lock)
        {
            requestNo = nextRequestNo;
            slot = slots[(int)(requestNo % slots.length)];
            while (!slot.done)
            {
                lock.wait(100);
            }
            nextRequestNo++;
            slot.start(requestNo, payload, listener, System.nanoTime());
        }
        final int length = RequestAuth.signable(signable, 0, clientId, requestNo, new UnsafeBuffer(payload), 0,
            payload.length);
        if (message.length < length)
        {
            message = new byte[Math.max(length, 2 * message.length)];
        }
        signable.getBytes(0, message, 0, length);
        for (int node = 0; node < nodeCount; node++)
        {
            slot.authenticators[node] = authenticator.perNode() || node == 0 ?
                authenticator.authenticate(node, message, length) : slot.authenticators[0];
        }
        send(slot);
        return requestNo;
    }

    /**
     * Send again every outstanding request first sent more than {@code ageNs} ago.
     *
     * @param ageNs minimum age.
     * @return number of requests sent again.
     */
    public int resendOlderThan(final long ageNs)
    {
        final long now = System.nanoTime();
        int count = 0;
        for (final Pending slot : slots)
        {
            final boolean due;
            synchronized (lock)
            {
                due = !slot.done && now - slot.lastSendNs > ageNs;
                if (due)
                {
                    slot.lastSendNs = now;
                }
            }
            if (due)
            {
                send(slot);
                count++;
                resent++;
            }
        }
        return count;
    }

    /**
     * One node's reply (from {@link ReplyRouter}).
     *
     * @param nodeId    node.
     * @param requestNo request number.
     * @param result    buffer holding the result.
     * @param offset    of the result.
     * @param length    of the result.
     */
    public void onReply(final int nodeId, final long requestNo, final DirectBuffer result, final int offset,
        final int length)
    {
        if (nodeId < 0 || nodeId >= nodeCount)
        {
            return;
        }
        final ResultListener listener;
        final byte[] agreed;
        final long latency;
        synchronized (lock)
        {
            final Pending slot = slots[(int)(requestNo % slots.length)];
            if (slot.done || slot.requestNo != requestNo || slot.replies[nodeId] != null)
            {
                return;
            }
            final byte[] bytes = new byte[length];
            result.getBytes(offset, bytes);
            slot.replies[nodeId] = bytes;
            int matching = 0;
            for (final byte[] other : slot.replies)
            {
                if (other != null && Arrays.equals(other, bytes))
                {
                    matching++;
                }
            }
            if (matching < weakQuorum)
            {
                return;
            }
            slot.done = true;
            listener = slot.listener;
            slot.listener = null;
            agreed = bytes;
            latency = System.nanoTime() - slot.firstSendNs;
            completed++;
            lock.notifyAll();
        }
        listener.onResult(requestNo, agreed, latency);
    }

    /**
     * @return requests completed.
     */
    public long completed()
    {
        synchronized (lock)
        {
            return completed;
        }
    }

    /**
     * @return requests sent again by {@link #resendOlderThan}.
     */
    public long resent()
    {
        return resent;
    }

    /**
     * @return requests outstanding.
     */
    public int inFlight()
    {
        synchronized (lock)
        {
            int count = 0;
            for (final Pending slot : slots)
            {
                count += slot.done ? 0 : 1;
            }
            return count;
        }
    }

    private void send(final Pending slot)
    {
        for (int node = 0; node < nodeCount; node++)
        {
            final byte[] auth = slot.authenticators[node];
            request.wrapAndApplyHeader(encoded, 0, header).clientId(clientId).requestNo(slot.requestNo)
                .scheme(authenticator.scheme()).putPayload(slot.payload, 0, slot.payload.length)
                .putAuthenticator(auth, 0, auth.length);
            sender.send(node, encoded, 0, MessageHeaderEncoder.ENCODED_LENGTH + request.encodedLength());
        }
    }

    private static final class Pending
    {
        long requestNo = -1;
        byte[] payload;
        final byte[][] authenticators;
        final byte[][] replies;
        ResultListener listener;
        long firstSendNs;
        long lastSendNs;
        boolean done = true;

        Pending(final int nodeCount)
        {
            authenticators = new byte[nodeCount][];
            replies = new byte[nodeCount][];
        }

        void start(final long requestNo, final byte[] payload, final ResultListener listener, final long nowNs)
        {
            this.requestNo = requestNo;
            this.payload = payload.clone();
            this.listener = listener;
            this.firstSendNs = nowNs;
            this.lastSendNs = nowNs;
            this.done = false;
            Arrays.fill(replies, null);
        }
    }
}
