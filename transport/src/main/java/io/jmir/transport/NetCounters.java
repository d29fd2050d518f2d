package io.jmir.transport;

import org.agrona.concurrent.status.AtomicCounter;

/**
 * The counters of one node's net module: messages and bytes sent to and received from each peer, and drops by
 * {@link DropReason}. On Aeron they are Aeron counters in the media driver's CnC file, so
 * {@code io.aeron.samples.AeronStat} lists them next to the driver's own (labels start with {@code jmir-net});
 * the in-JVM transport keeps them in a local counters buffer.
 * <p>
 * Messages are counted one by one; bytes count whole frames on Aeron (messages coalesced into one frame per peer
 * and batch, plus 60 bytes per frame and 6 per message: {@code FrameCodec}), the message plus 8 bytes in JVM.
 * Drops count messages, except frame-level receive drops, which count frames (a bad frame's content is unknown).
 * <p>
 * <b>Threading:</b> written only by the net module's thread; read from any thread. After {@link #close()} (or
 * after the Aeron client closed itself) the values stay readable and keep counting in a heap snapshot; the
 * underlying counters are released.
 */
public final class NetCounters implements AutoCloseable
{
    /** Aeron counter type id: messages sent to a peer. */
    public static final int MESSAGES_SENT_TYPE_ID = 4101;
    /** Aeron counter type id: bytes sent to a peer. */
    public static final int BYTES_SENT_TYPE_ID = 4102;
    /** Aeron counter type id: messages received from a peer. */
    public static final int MESSAGES_RECEIVED_TYPE_ID = 4103;
    /** Aeron counter type id: bytes received from a peer. */
    public static final int BYTES_RECEIVED_TYPE_ID = 4104;
    /** Aeron counter type id: drops for one {@link DropReason}. */
    public static final int DROPS_TYPE_ID = 4105;

    /**
     * Creates one counter; Aeron's {@code aeron::addCounter} or a local {@code CountersManager::newCounter}.
     */
    @FunctionalInterface
    public interface Allocator
    {
        /**
         * @param typeId of the counter.
         * @param label  human-readable label shown by AeronStat.
         * @return the counter.
         */
        AtomicCounter allocate(int typeId, String label);
    }

    private static final int MESSAGES_SENT = 0;
    private static final int BYTES_SENT = 1;
    private static final int MESSAGES_RECEIVED = 2;
    private static final int BYTES_RECEIVED = 3;
    private static final int PER_PEER = 4;

    private final int nodeCount;
    private final AtomicCounter[] peerCounters;
    private final AtomicCounter[] dropCounters;
    private final long[] peerSnapshot;
    private final long[] dropSnapshot;
    private volatile boolean closed;

    /**
     * Allocate the counters of a node. On failure the counters already allocated are closed.
     *
     * @param clusterId id of the cluster (for labels).
     * @param nodeId    id of the node.
     * @param nodeCount nodes in the cluster; one set of peer counters per node id (self counts loopback).
     * @param allocator creates each counter.
     */
    public NetCounters(final int clusterId, final int nodeId, final int nodeCount, final Allocator allocator)
    {
        this.nodeCount = nodeCount;
        peerCounters = new AtomicCounter[nodeCount * PER_PEER];
        dropCounters = new AtomicCounter[DropReason.all().length];
        peerSnapshot = new long[peerCounters.length];
        dropSnapshot = new long[dropCounters.length];
        final String suffix = " cluster=" + clusterId + " node=" + nodeId;
        try
        {
            for (int peer = 0; peer < nodeCount; peer++)
            {
                final String peerSuffix = suffix + " peer=" + peer;
                final int base = peer * PER_PEER;
                peerCounters[base + MESSAGES_SENT] =
                    allocator.allocate(MESSAGES_SENT_TYPE_ID, "jmir-net messages-sent:" + peerSuffix);
                peerCounters[base + BYTES_SENT] =
                    allocator.allocate(BYTES_SENT_TYPE_ID, "jmir-net bytes-sent:" + peerSuffix);
                peerCounters[base + MESSAGES_RECEIVED] =
                    allocator.allocate(MESSAGES_RECEIVED_TYPE_ID, "jmir-net messages-received:" + peerSuffix);
                peerCounters[base + BYTES_RECEIVED] =
                    allocator.allocate(BYTES_RECEIVED_TYPE_ID, "jmir-net bytes-received:" + peerSuffix);
            }
            for (final DropReason reason : DropReason.all())
            {
                dropCounters[reason.ordinal()] =
                    allocator.allocate(DROPS_TYPE_ID, "jmir-net drops " + reason.label() + ":" + suffix);
            }
        }
        catch (final RuntimeException ex)
        {
            close();
            throw ex;
        }
    }

    /**
     * @return number of nodes counted for.
     */
    public int nodeCount()
    {
        return nodeCount;
    }

    /**
     * @param peer node id.
     * @return messages sent to it.
     */
    public long messagesSent(final int peer)
    {
        return read(peer * PER_PEER + MESSAGES_SENT);
    }

    /**
     * @param peer node id.
     * @return frame bytes sent to it.
     */
    public long bytesSent(final int peer)
    {
        return read(peer * PER_PEER + BYTES_SENT);
    }

    /**
     * @param peer node id.
     * @return messages received from it and delivered.
     */
    public long messagesReceived(final int peer)
    {
        return read(peer * PER_PEER + MESSAGES_RECEIVED);
    }

    /**
     * @param peer node id.
     * @return frame bytes received from it and delivered.
     */
    public long bytesReceived(final int peer)
    {
        return read(peer * PER_PEER + BYTES_RECEIVED);
    }

    /**
     * @param reason of the drops.
     * @return how many messages or frames were dropped for it.
     */
    public long drops(final DropReason reason)
    {
        final int index = reason.ordinal();
        if (closed)
        {
            return dropSnapshot[index];
        }
        final AtomicCounter counter = dropCounters[index];
        return counter != null ? counter.get() : 0;
    }

    /**
     * @return drops on the receive path (bad or undeliverable frames), all reasons summed.
     */
    public long receiveDrops()
    {
        long total = 0;
        for (final DropReason reason : DropReason.all())
        {
            if (reason.isReceiveSide())
            {
                total += drops(reason);
            }
        }
        return total;
    }

    /**
     * @return drops on the send path, all reasons summed.
     */
    public long sendDrops()
    {
        long total = 0;
        for (final DropReason reason : DropReason.all())
        {
            if (!reason.isReceiveSide())
            {
                total += drops(reason);
            }
        }
        return total;
    }

    /**
     * Release the counters, keeping their last values readable. Idempotent. Call it from the thread that owns
     * the counters; reads racing with it are not supported.
     */
    public void close()
    {
        if (closed)
        {
            return;
        }
        snapshotAndDetach();
        for (final AtomicCounter counter : peerCounters)
        {
            closeQuietly(counter);
        }
        for (final AtomicCounter counter : dropCounters)
        {
            closeQuietly(counter);
        }
    }

    /**
     * {@inheritDoc}
     */
    @Override
    public String toString()
    {
        final StringBuilder sb = new StringBuilder("NetCounters{");
        for (int peer = 0; peer < nodeCount; peer++)
        {
            sb.append("peer").append(peer).append("[sent=").append(messagesSent(peer))
                .append(" received=").append(messagesReceived(peer)).append("] ");
        }
        for (final DropReason reason : DropReason.all())
        {
            final long value = drops(reason);
            if (value != 0)
            {
                sb.append(reason.label()).append('=').append(value).append(' ');
            }
        }
        return sb.append('}').toString();
    }

    /**
     * Take the snapshot and stop touching the live counters, without releasing them (their owner, e.g. the Aeron
     * client, releases them all at once). From then on counting continues in the snapshot. Called by the owner at
     * close, and by the Aeron client's close handler when the client closes itself (driver timeout): Aeron runs
     * close handlers before it unmaps the counters, so no access to unmapped memory can follow.
     */
    synchronized void snapshotAndDetach()
    {
        if (closed)
        {
            return;
        }
        for (int i = 0; i < peerCounters.length; i++)
        {
            peerSnapshot[i] = peerCounters[i] != null ? peerCounters[i].get() : 0;
        }
        for (int i = 0; i < dropCounters.length; i++)
        {
            dropSnapshot[i] = dropCounters[i] != null ? dropCounters[i].get() : 0;
        }
        closed = true;
    }

    void onSent(final int peer, final int messages, final int bytes)
    {
        add(peer * PER_PEER + MESSAGES_SENT, messages, peer * PER_PEER + BYTES_SENT, bytes);
    }

    void onReceived(final int peer, final int messages, final int bytes)
    {
        add(peer * PER_PEER + MESSAGES_RECEIVED, messages, peer * PER_PEER + BYTES_RECEIVED, bytes);
    }

    void onDrop(final DropReason reason)
    {
        onDrop(reason, 1);
    }

    void onDrop(final DropReason reason, final int messages)
    {
        final int index = reason.ordinal();
        if (closed)
        {
            dropSnapshot[index] += messages;
        }
        else
        {
            dropCounters[index].getAndAddRelease(messages);
        }
    }

    private void add(final int messagesIndex, final int messages, final int bytesIndex, final int bytes)
    {
        if (closed)
        {
            peerSnapshot[messagesIndex] += messages;
            peerSnapshot[bytesIndex] += bytes;
        }
        else
        {
            if (messages != 0)
            {
                peerCounters[messagesIndex].getAndAddRelease(messages);
            }
            if (bytes != 0)
            {
                peerCounters[bytesIndex].getAndAddRelease(bytes);
            }
        }
    }

    private long read(final int index)
    {
        if (closed)
        {
            return peerSnapshot[index];
        }
        final AtomicCounter counter = peerCounters[index];
        return counter != null ? counter.get() : 0;
    }

    private static void closeQuietly(final AtomicCounter counter)
    {
        if (counter != null && !counter.isClosed())
        {
            counter.close();
        }
    }
}
