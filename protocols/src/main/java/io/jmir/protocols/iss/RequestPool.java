package io.jmir.protocols.iss;

import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.collections.LongArrayQueue;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * The protocol's view of client requests: for every client a window of request numbers
 * [lowWatermark, lowWatermark + window) with, per request number, its state (EMPTY, READY = validated and stored,
 * PROPOSED = in an accepted pre-prepare, DELIVERED), digest and payload; and one FIFO queue per bucket of READY
 * requests, from which a leader cuts batches. Low watermarks move only at epoch boundaries, so every correct node
 * validates proposals of an epoch against the same window. Memory is bounded by clientCount x window requests.
 * <p>
 * <b>Threading:</b> used by the protocol module's thread only. Buffers are allocated when a client or window
 * slot is first used and reused afterwards.
 */
final class RequestPool
{
    static final byte EMPTY = 0;
    static final byte READY = 1;
    static final byte PROPOSED = 2;
    static final byte DELIVERED = 3;

    static final int ADMITTED = 0;
    static final int DUPLICATE = 1;
    static final int OUT_OF_WINDOW = 2;

    static final int VALID = 0;
    static final int MISSING = 1;
    static final int INVALID = 2;

    static final long MAX_REQUEST_NO = (1L << 43) - 1;
    private static final int CLIENT_SHIFT = 44;
    private static final long REQUEST_MASK = (1L << CLIENT_SHIFT) - 1;
    private static final int DIGEST = 32;

    private final int window;
    private final int bucketCount;
    private final ClientWindow[] clients;
    private final LongArrayQueue[] queues;
    private final int[] readyCount;
    private int liveClients;

    RequestPool(final IssConfig config)
    {
        window = config.clientWatermarkWindow();
        bucketCount = config.bucketCount();
        clients = new ClientWindow[config.clientCount()];
        queues = new LongArrayQueue[bucketCount];
        readyCount = new int[bucketCount];
        for (int i = 0; i < bucketCount; i++)
        {
            queues[i] = new LongArrayQueue(64, Long.MIN_VALUE);
        }
    }

    int admit(final long clientId, final long requestNo, final DirectBuffer digest, final int digestOffset,
        final DirectBuffer payload, final int payloadOffset, final int payloadLength)
    {
        final ClientWindow client = windowOf(clientId, requestNo);
        if (client == null)
        {
            return OUT_OF_WINDOW;
        }
        final int index = (int)(requestNo % window);
        if (client.state[index] != EMPTY)
        {
            return DUPLICATE;
        }
        client.state[index] = READY;
        client.requestNo[index] = requestNo;
        digest.getBytes(digestOffset, client.digests, index * DIGEST, DIGEST);
        ExpandableArrayBuffer buffer = client.payloads[index];
        if (buffer == null)
        {
            buffer = new ExpandableArrayBuffer(Math.max(16, payloadLength));
            client.payloads[index] = buffer;
        }
        buffer.putBytes(0, payload, payloadOffset, payloadLength);
        client.lengths[index] = payloadLength;
        final int bucket = Buckets.bucketOf(clientId, requestNo, bucketCount);
        queues[bucket].offerLong((clientId << CLIENT_SHIFT) | requestNo);
        readyCount[bucket]++;
        return ADMITTED;
    }

    /**
     * Check a request a leader proposed.
     */
    int check(final long clientId, final long requestNo, final DirectBuffer digest, final int digestOffset)
    {
        final ClientWindow client = windowOf(clientId, requestNo);
        if (client == null)
        {
            return INVALID;
        }
        final int index = (int)(requestNo % window);
        final byte state = client.state[index];
        if (state == PROPOSED || state == DELIVERED)
        {
            return INVALID;
        }
        if (state == EMPTY)
        {
            return MISSING;
        }
        return sameDigest(client, index, digest, digestOffset) ? VALID : MISSING;
    }

    /**
     * Check a request of a batch installed by a view change or fetched from peers: known here (READY or PROPOSED,
     * same digest) and not delivered.
     */
    int checkInstalled(final long clientId, final long requestNo, final DirectBuffer digest, final int digestOffset)
    {
        final ClientWindow client = windowOf(clientId, requestNo);
        if (client == null)
        {
            return INVALID;
        }
        final int index = (int)(requestNo % window);
        final byte state = client.state[index];
        if (state == DELIVERED)
        {
            return INVALID;
        }
        if (state == EMPTY || client.requestNo[index] != requestNo)
        {
            return MISSING;
        }
        return sameDigest(client, index, digest, digestOffset) ? VALID : MISSING;
    }

    /**
     * A proposed request's batch was replaced (view change, catch-up): READY again and back in its bucket queue.
     */
    void release(final long clientId, final long requestNo)
    {
        final ClientWindow client = clients[(int)clientId];
        final int index = (int)(requestNo % window);
        if (client != null && client.state[index] == PROPOSED && client.requestNo[index] == requestNo)
        {
            unmarkProposed(clientId, requestNo);
            final int bucket = Buckets.bucketOf(clientId, requestNo, bucketCount);
            queues[bucket].offerLong((clientId << CLIENT_SHIFT) | requestNo);
        }
    }

    void markProposed(final long clientId, final long requestNo)
    {
        final ClientWindow client = clients[(int)clientId];
        final int index = (int)(requestNo % window);
        if (client.state[index] == READY)
        {
            readyCount[Buckets.bucketOf(clientId, requestNo, bucketCount)]--;
        }
        client.state[index] = PROPOSED;
    }

    void unmarkProposed(final long clientId, final long requestNo)
    {
        final ClientWindow client = clients[(int)clientId];
        final int index = (int)(requestNo % window);
        if (client.state[index] == PROPOSED)
        {
            client.state[index] = READY;
            readyCount[Buckets.bucketOf(clientId, requestNo, bucketCount)]++;
        }
    }

    void markDelivered(final long clientId, final long requestNo)
    {
        final ClientWindow client = clients[(int)clientId];
        final int index = (int)(requestNo % window);
        if (client.state[index] == READY)
        {
            readyCount[Buckets.bucketOf(clientId, requestNo, bucketCount)]--;
        }
        client.state[index] = DELIVERED;
    }

    /**
     * @return true when the payload of this request is still held (admitted, and its window slot not reused).
     */
    boolean holds(final long clientId, final long requestNo)
    {
        if (clientId < 0 || clientId >= clients.length || clients[(int)clientId] == null)
        {
            return false;
        }
        final ClientWindow client = clients[(int)clientId];
        final int index = (int)(requestNo % window);
        return client.requestNo[index] == requestNo && client.payloads[index] != null &&
            (client.state[index] != EMPTY || requestNo < client.low);
    }

    DirectBuffer payload(final long clientId, final long requestNo)
    {
        return clients[(int)clientId].payloads[(int)(requestNo % window)];
    }

    int payloadLength(final long clientId, final long requestNo)
    {
        return clients[(int)clientId].lengths[(int)(requestNo % window)];
    }

    int readyCount(final int bucket)
    {
        return readyCount[bucket];
    }

    /**
     * Take the oldest READY request of a bucket, marking it PROPOSED, and write its reference (client id,
     * request number, digest: 48 bytes) at {@code offset}.
     *
     * @return true when a request was taken, false when the bucket has none READY.
     */
    boolean pollReady(final int bucket, final MutableDirectBuffer into, final int offset)
    {
        final LongArrayQueue queue = queues[bucket];
        while (!queue.isEmpty())
        {
            final long handle = queue.pollLong();
            final int clientId = (int)(handle >>> CLIENT_SHIFT);
            final long requestNo = handle & REQUEST_MASK;
            final ClientWindow client = clients[clientId];
            final int index = (int)(requestNo % window);
            if (client.state[index] == READY && client.requestNo[index] == requestNo)
            {
                markProposed(clientId, requestNo);
                into.putLong(offset, clientId);
                into.putLong(offset + 8, requestNo);
                into.putBytes(offset + 16, client.digests, index * DIGEST, DIGEST);
                return true;
            }
        }
        return false;
    }

    /**
     * Epoch boundary: move every client's low watermark past its delivered requests, free their window slots and
     * drop queue entries of requests no longer READY.
     *
     * @param changed receives (client id, new low watermark) of every client whose watermark moved.
     * @return number of clients whose watermark moved.
     */
    int advanceWatermarks(final long[] changed)
    {
        int moved = 0;
        for (int c = 0; c < clients.length; c++)
        {
            final ClientWindow client = clients[c];
            if (client == null)
            {
                continue;
            }
            long low = client.low;
            int index = (int)(low % window);
            while (client.state[index] == DELIVERED && client.requestNo[index] == low)
            {
                client.state[index] = EMPTY;
                low++;
                index = (int)(low % window);
            }
            if (low != client.low)
            {
                client.low = low;
                changed[2 * moved] = c;
                changed[2 * moved + 1] = low;
                moved++;
            }
        }
        for (int b = 0; b < bucketCount; b++)
        {
            compact(queues[b]);
        }
        return moved;
    }

    private void compact(final LongArrayQueue queue)
    {
        for (int i = queue.size(); i > 0; i--)
        {
            final long handle = queue.pollLong();
            final ClientWindow client = clients[(int)(handle >>> CLIENT_SHIFT)];
            final long requestNo = handle & REQUEST_MASK;
            final int index = (int)(requestNo % window);
            if (client.state[index] == READY && client.requestNo[index] == requestNo)
            {
                queue.offerLong(handle);
            }
        }
    }

    /**
     * Recovery and state transfer: set a client's window to what a checkpoint records (low watermark and the
     * delivered bitmap above it). Requests held but not delivered there become READY again (the epochs that
     * proposed them are gone); call {@link #finishRestore} after the last client.
     *
     * @param clientId     the client.
     * @param low          its low watermark at the checkpoint.
     * @param bitmap       delivered bitmap (bit i = low + i), may be null for none.
     * @param offset       of the bitmap.
     * @param bitmapLength bytes of the bitmap.
     */
    void restoreClient(
        final int clientId, final long low, final DirectBuffer bitmap, final int offset, final int bitmapLength)
    {
        final ClientWindow client = client(clientId);
        client.low = low;
        client.restored = true;
        for (int i = 0; i < window; i++)
        {
            final long requestNo = low + i;
            final int index = (int)(requestNo % window);
            final boolean delivered = bitmap != null && (i >> 3) < bitmapLength &&
                (bitmap.getByte(offset + (i >> 3)) & (1 << (i & 7))) != 0;
            if (delivered)
            {
                client.state[index] = DELIVERED;
                client.requestNo[index] = requestNo;
            }
            else if (client.state[index] == EMPTY || client.requestNo[index] != requestNo ||
                client.state[index] == DELIVERED)
            {
                client.state[index] = EMPTY;
            }
            else
            {
                client.state[index] = READY;
            }
        }
    }

    /**
     * End a restore: clients the checkpoint did not list start from request 0 with nothing delivered; the bucket
     * queues are rebuilt from the READY requests.
     */
    void finishRestore()
    {
        for (int c = 0; c < clients.length; c++)
        {
            final ClientWindow client = clients[c];
            if (client != null)
            {
                if (!client.restored)
                {
                    restoreClient(c, 0, null, 0, 0);
                }
                client.restored = false;
            }
        }
        for (int b = 0; b < bucketCount; b++)
        {
            queues[b].clear();
            readyCount[b] = 0;
        }
        for (int c = 0; c < clients.length; c++)
        {
            final ClientWindow client = clients[c];
            for (int i = 0; client != null && i < window; i++)
            {
                final long requestNo = client.low + i;
                final int index = (int)(requestNo % window);
                if (client.state[index] == READY && client.requestNo[index] == requestNo)
                {
                    final int bucket = Buckets.bucketOf(c, requestNo, bucketCount);
                    queues[bucket].offerLong(((long)c << CLIENT_SHIFT) | requestNo);
                    readyCount[bucket]++;
                }
            }
        }
    }

    /**
     * @param clientId a client.
     * @return its low watermark.
     */
    long lowWatermark(final int clientId)
    {
        final ClientWindow client = clients[clientId];
        return client == null ? 0 : client.low;
    }

    /**
     * @param clientId a client.
     * @return true when the client sent any request.
     */
    boolean isKnown(final int clientId)
    {
        return clients[clientId] != null;
    }

    /**
     * Write the bitmap of delivered request numbers from the client's low watermark on (window / 8 bytes).
     */
    void deliveredBitmap(final int clientId, final MutableDirectBuffer into, final int offset)
    {
        final ClientWindow client = clients[clientId];
        into.setMemory(offset, window / 8, (byte)0);
        for (int i = 0; i < window; i++)
        {
            final long requestNo = client.low + i;
            final int index = (int)(requestNo % window);
            if (client.state[index] == DELIVERED && client.requestNo[index] == requestNo)
            {
                into.putByte(offset + (i >> 3), (byte)(into.getByte(offset + (i >> 3)) | (1 << (i & 7))));
            }
        }
    }

    int window()
    {
        return window;
    }

    int clientCount()
    {
        return clients.length;
    }

    /**
     * @return requests held (READY, PROPOSED or DELIVERED above the watermark) — for memory-bound checks.
     */
    long heldRequests()
    {
        long held = 0;
        for (final ClientWindow client : clients)
        {
            if (client != null)
            {
                for (final byte state : client.state)
                {
                    held += state != EMPTY ? 1 : 0;
                }
            }
        }
        return held;
    }

    /**
     * @return entries in the bucket queues — for memory-bound checks.
     */
    long queuedEntries()
    {
        long queued = 0;
        for (final LongArrayQueue queue : queues)
        {
            queued += queue.size();
        }
        return queued;
    }

    int liveClients()
    {
        return liveClients;
    }

    /**
     * @return the client's window when the client id is known and the request number lies in its window, else null.
     */
    private ClientWindow windowOf(final long clientId, final long requestNo)
    {
        if (clientId < 0 || clientId >= clients.length || requestNo < 0 || requestNo > MAX_REQUEST_NO)
        {
            return null;
        }
        final ClientWindow client = client((int)clientId);
        return requestNo < client.low || requestNo >= client.low + window ? null : client;
    }

    private static boolean sameDigest(
        final ClientWindow client, final int index, final DirectBuffer digest, final int digestOffset)
    {
        final UnsafeBuffer digests = client.digestView;
        final int base = index * DIGEST;
        for (int i = 0; i < DIGEST; i += 8)
        {
            if (digests.getLong(base + i) != digest.getLong(digestOffset + i))
            {
                return false;
            }
        }
        return true;
    }

    private ClientWindow client(final int clientId)
    {
        ClientWindow client = clients[clientId];
        if (client == null)
        {
            client = new ClientWindow(window);
            clients[clientId] = client;
            liveClients++;
        }
        return client;
    }

    private static final class ClientWindow
    {
        long low;
        boolean restored;
        final byte[] state;
        final long[] requestNo;
        final byte[] digests;
        final UnsafeBuffer digestView;
        final ExpandableArrayBuffer[] payloads;
        final int[] lengths;

        ClientWindow(final int window)
        {
            state = new byte[window];
            requestNo = new long[window];
            digests = new byte[window * DIGEST];
            digestView = new UnsafeBuffer(digests);
            payloads = new ExpandableArrayBuffer[window];
            lengths = new int[window];
        }
    }
}
