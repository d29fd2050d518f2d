package io.jmir.transport;

import io.jmir.engine.ConfigurationException;
import org.agrona.BitUtil;
import org.agrona.ErrorHandler;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.ManyToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.RingBufferDescriptor;
import org.agrona.concurrent.status.CountersManager;
import org.agrona.concurrent.status.CountersReader;

import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * A network of nodes inside one JVM: the in-JVM transport for single-process clusters, tests and benchmarks.
 * Each node's {@link InJvmNet} module has the same API as {@link AeronNet} — it takes {@code SendMessage} and
 * emits {@code MessageReceived} — but messages travel through a bounded many-to-one ring buffer (the receiving
 * node's inbox) instead of UDP. Frames need no MAC here (nothing leaves the process; the sender id is set by the
 * sending module itself), but the same limits apply: the maximum message size is enforced at send and at receive,
 * a full inbox drops and counts ({@link DropReason#SEND_BACK_PRESSURED}), a node that is not up (no open net
 * module) drops and counts ({@link DropReason#SEND_NOT_CONNECTED}).
 * <p>
 * A node "restarts" by closing its net module and asking {@link #net(int)} again; its counters persist.
 * <p>
 * <b>Threading:</b> {@link #net(int)} and {@link #close()} may be called from any thread; each {@link InJvmNet}
 * is used by its own node's thread; {@link #counters(int)} may be read from any thread.
 */
public final class InJvmNetwork implements AutoCloseable
{
    /** Default inbox capacity per node: 4 MiB. */
    public static final int DEFAULT_INBOX_CAPACITY = 4 * 1024 * 1024;
    /** Bytes an in-JVM frame adds to a message: sender id and destination module. */
    static final int FRAME_HEADER_LENGTH = 8;

    private final int clusterId;
    private final int nodeCount;
    private final int maxMessageSize;
    private final int inboxCapacity;
    private final int fragmentLimit;
    private final ErrorHandler errorHandler;
    private final AtomicReferenceArray<ManyToOneRingBuffer> inboxes;
    private final InJvmNet[] nets;
    private final NetCounters[] counters;
    private boolean closed;

    /**
     * A network with default inbox capacity, fragment limit and error handler.
     *
     * @param nodeCount      nodes 0..nodeCount-1.
     * @param maxMessageSize largest message in bytes.
     */
    public InJvmNetwork(final int nodeCount, final int maxMessageSize)
    {
        this(0, nodeCount, maxMessageSize, DEFAULT_INBOX_CAPACITY, TransportConfiguration.FRAGMENT_LIMIT_DEFAULT,
            TransportConfiguration::printError);
    }

    /**
     * @param clusterId      id of the cluster (counter labels).
     * @param nodeCount      nodes 0..nodeCount-1.
     * @param maxMessageSize largest message in bytes.
     * @param inboxCapacity  bytes of each node's inbox, a power of two of at least 8 x (maxMessageSize + 16).
     * @param fragmentLimit  most messages read per duty cycle.
     * @param errorHandler   told about oversized sends.
     * @throws ConfigurationException naming the parameter when invalid.
     */
    public InJvmNetwork(
        final int clusterId,
        final int nodeCount,
        final int maxMessageSize,
        final int inboxCapacity,
        final int fragmentLimit,
        final ErrorHandler errorHandler)
    {
        if (nodeCount < 1)
        {
            throw new ConfigurationException("nodeCount", "must be at least 1, was " + nodeCount);
        }
        if (maxMessageSize < 1 || maxMessageSize > TransportConfiguration.MAX_MESSAGE_SIZE_LIMIT)
        {
            throw new ConfigurationException("maxMessageSize", "must be in [1, " +
                TransportConfiguration.MAX_MESSAGE_SIZE_LIMIT + "], was " + maxMessageSize);
        }
        if (!BitUtil.isPowerOfTwo(inboxCapacity) || (long)inboxCapacity < 8L * (maxMessageSize + 16))
        {
            throw new ConfigurationException("inboxCapacity", "must be a power of two of at least 8 x " +
                "(maxMessageSize + 16) = " + 8L * (maxMessageSize + 16) + ", was " + inboxCapacity);
        }
        if (fragmentLimit < 1)
        {
            throw new ConfigurationException("fragmentLimit", "must be >= 1, was " + fragmentLimit);
        }
        this.clusterId = clusterId;
        this.nodeCount = nodeCount;
        this.maxMessageSize = maxMessageSize;
        this.inboxCapacity = inboxCapacity;
        this.fragmentLimit = fragmentLimit;
        this.errorHandler = errorHandler;
        inboxes = new AtomicReferenceArray<>(nodeCount);
        nets = new InJvmNet[nodeCount];
        counters = new NetCounters[nodeCount];
        final int countersPerNode = nodeCount * 4 + DropReason.all().length;
        final int totalCounters = countersPerNode * nodeCount;
        final CountersManager countersManager = new CountersManager(
            new UnsafeBuffer(ByteBuffer.allocateDirect(totalCounters * CountersReader.METADATA_LENGTH)),
            new UnsafeBuffer(ByteBuffer.allocateDirect(totalCounters * CountersReader.COUNTER_LENGTH)));
        for (int node = 0; node < nodeCount; node++)
        {
            counters[node] = new NetCounters(
                clusterId, node, nodeCount, (typeId, label) -> countersManager.newCounter(label, typeId));
        }
    }

    /**
     * Bring a node up: create its net module with an empty inbox. Messages sent to the node flow from now on.
     *
     * @param nodeId node to bring up.
     * @return its net module.
     * @throws ConfigurationException naming {@code nodeId} when out of range.
     * @throws IllegalStateException  when the node's net module is open already or the network is closed.
     */
    public synchronized InJvmNet net(final int nodeId)
    {
        if (nodeId < 0 || nodeId >= nodeCount)
        {
            throw new ConfigurationException("nodeId", "must be in [0, " + nodeCount + "), was " + nodeId);
        }
        if (closed)
        {
            throw new IllegalStateException("network is closed");
        }
        if (nets[nodeId] != null)
        {
            throw new IllegalStateException("node " + nodeId + " is up already: close its net module first");
        }
        final ManyToOneRingBuffer inbox = new ManyToOneRingBuffer(new UnsafeBuffer(
            ByteBuffer.allocateDirect(inboxCapacity + RingBufferDescriptor.TRAILER_LENGTH)));
        final InJvmNet net = new InJvmNet(this, nodeId, nodeCount, maxMessageSize, fragmentLimit, inbox,
            counters[nodeId], errorHandler);
        nets[nodeId] = net;
        inboxes.set(nodeId, inbox);
        return net;
    }

    /**
     * @param nodeId node.
     * @return its counters (kept across restarts of its net module).
     */
    public NetCounters counters(final int nodeId)
    {
        return counters[nodeId];
    }

    /**
     * @return id of the cluster.
     */
    public int clusterId()
    {
        return clusterId;
    }

    /**
     * @return number of nodes.
     */
    public int nodeCount()
    {
        return nodeCount;
    }

    /**
     * @param nodeId node.
     * @return true while the node's net module is open.
     */
    public boolean isUp(final int nodeId)
    {
        return inboxes.get(nodeId) != null;
    }

    /**
     * Close every open net module; the network cannot be used afterwards. Counters stay readable.
     */
    @Override
    public void close()
    {
        final InJvmNet[] open;
        synchronized (this)
        {
            closed = true;
            open = nets.clone();
        }
        for (final InJvmNet net : open)
        {
            if (net != null)
            {
                net.close();
            }
        }
    }

    ManyToOneRingBuffer inbox(final int nodeId)
    {
        return inboxes.get(nodeId);
    }

    synchronized void onClosed(final InJvmNet net)
    {
        final int nodeId = net.nodeId();
        if (nets[nodeId] == net)
        {
            nets[nodeId] = null;
            inboxes.set(nodeId, null);
        }
    }
}
