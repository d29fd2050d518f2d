package io.jmir.transport;

import io.aeron.Aeron;
import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;
import io.jmir.engine.ConfigurationException;
import org.agrona.BitUtil;
import org.agrona.ErrorHandler;
import org.agrona.collections.Int2ObjectHashMap;
import org.agrona.concurrent.IdleStrategy;

import java.io.File;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * Configuration of one node's Aeron transport, Aeron style: fluent setters starting from system properties
 * ({@link TransportConfiguration}), then {@link #conclude()} validates everything and derives the rest. Every
 * problem is a {@link ConfigurationException} naming the setting.
 * <ul>
 *   <li>{@code nodeId}, {@code endpoints} (node id to {@code host:port}, ids 0..n-1, one UDP endpoint each),
 *   {@code clusterId}, {@code clusterSecret} (at least 16 bytes; pairwise keys are derived from it, see
 *   {@link PairwiseKeys}) or explicit {@code peerKey}s;</li>
 *   <li>{@code maxMessageSize} (enforced at send and at receive), {@code sendRetries}, {@code fragmentLimit},
 *   {@code streamId}, {@code termLength} (0: derived), {@code mtu};</li>
 *   <li>the media driver: embedded by default ({@code threadingMode} SHARED, {@code idleStrategy} backoff, a
 *   unique directory under {@code dirBase}) or external ({@code externalDriver(aeronDir)}).</li>
 * </ul>
 * <b>Threading:</b> configured and concluded on one thread before the transport starts; read-only afterwards.
 */
public final class TransportContext
{
    private static final int MIN_SECRET_LENGTH = 16;
    private static final int MIN_TERM_LENGTH = 64 * 1024;
    private static final int MAX_TERM_LENGTH = 1024 * 1024 * 1024;
    private static final int FRAME_ALIGNMENT = 32;
    private static final int MIN_MTU = 64;
    private static final int MAX_MTU = 65504;
    private static final int MIN_BATCH_LENGTH = 128;

    private boolean concluded;
    private int nodeId;
    private int clusterId;
    private final TreeMap<Integer, String> endpointMap = new TreeMap<>();
    private byte[] clusterSecret;
    private final Int2ObjectHashMap<byte[]> peerKeys = new Int2ObjectHashMap<>();
    private int maxMessageSize;
    private int sendRetries;
    private int fragmentLimit;
    private int streamId;
    private int termLength;
    private int mtu;
    private int batchLength;
    private boolean embeddedDriver = true;
    private String aeronDirectoryName;
    private String dirBase;
    private ThreadingMode threadingMode;
    private String idleStrategy;
    private ErrorHandler errorHandler = TransportConfiguration::printError;
    private Consumer<MediaDriver.Context> driverCustomizer;
    private Consumer<Aeron.Context> clientCustomizer;
    private String[] endpoints;
    private byte[][] keys;

    /**
     * A context initialised from system properties and defaults.
     *
     * @throws ConfigurationException naming the property when a system property cannot be parsed.
     */
    public TransportContext()
    {
        TransportConfiguration.applySystemProperties(this);
    }

    /**
     * Validate the configuration and derive keys, term length and the aeron directory. Idempotent.
     *
     * @return this.
     * @throws ConfigurationException naming the first invalid setting.
     */
    public TransportContext conclude()
    {
        if (concluded)
        {
            return this;
        }
        concludeEndpoints();
        if (nodeId < 0 || nodeId >= endpoints.length)
        {
            throw new ConfigurationException("nodeId", "must be one of the endpoints' ids 0.." +
                (endpoints.length - 1) + ", was " + nodeId);
        }
        if (clusterId < 0)
        {
            throw new ConfigurationException("clusterId", "must be >= 0, was " + clusterId);
        }
        if (maxMessageSize < 1 || maxMessageSize > TransportConfiguration.MAX_MESSAGE_SIZE_LIMIT)
        {
            throw new ConfigurationException("maxMessageSize", "must be in [1, " +
                TransportConfiguration.MAX_MESSAGE_SIZE_LIMIT + "], was " + maxMessageSize);
        }
        require(sendRetries >= 0, "sendRetries", "must be >= 0, was " + sendRetries);
        require(fragmentLimit >= 1, "fragmentLimit", "must be >= 1, was " + fragmentLimit);
        require(streamId != 0, "streamId", "must not be 0");
        require(mtu >= MIN_MTU && mtu <= MAX_MTU && mtu % FRAME_ALIGNMENT == 0, "mtu",
            "must be a multiple of " + FRAME_ALIGNMENT + " in [" + MIN_MTU + ", " + MAX_MTU + "], was " + mtu);
        require(batchLength == 0 || (batchLength >= MIN_BATCH_LENGTH &&
            batchLength <= TransportConfiguration.MAX_MESSAGE_SIZE_LIMIT), "batchLength",
            "must be 0 (no coalescing) or in [" + MIN_BATCH_LENGTH + ", " +
            TransportConfiguration.MAX_MESSAGE_SIZE_LIMIT + "], was " + batchLength);
        concludeTermLength();
        keys = PairwiseKeys.forNode(nodeId, endpoints.length, clusterId, clusterSecret, peerKeys);
        concludeDriver();
        concluded = true;
        return this;
    }

    private void concludeEndpoints()
    {
        if (endpointMap.isEmpty())
        {
            throw new ConfigurationException("endpoints", "no endpoints configured (node id -> host:port)");
        }
        endpoints = new String[endpointMap.size()];
        int expected = 0;
        for (final Map.Entry<Integer, String> entry : endpointMap.entrySet())
        {
            if (entry.getKey() != expected)
            {
                throw new ConfigurationException("endpoints[" + expected + "]",
                    "node ids must be 0..n-1 without gaps; missing " + expected);
            }
            endpoints[expected++] = entry.getValue();
        }
    }

    private void concludeTermLength()
    {
        final int maxFrameLength = maxFrameLength();
        if (termLength == 0)
        {
            termLength = Math.max(TransportConfiguration.TERM_LENGTH_MIN_DERIVED,
                BitUtil.findNextPositivePowerOfTwo(maxFrameLength * 8));
        }
        require(termLength >= MIN_TERM_LENGTH && termLength <= MAX_TERM_LENGTH && BitUtil.isPowerOfTwo(termLength),
            "termLength", "must be a power of two in [64 KiB, 1 GiB], was " + termLength);
        require(maxFrameLength <= termLength / 8, "termLength",
            "must be at least 8 x the largest frame (" + maxFrameLength + " bytes for maxMessageSize " +
            maxMessageSize + "), was " + termLength);
    }

    private void concludeDriver()
    {
        if (embeddedDriver)
        {
            require(dirBase != null && !dirBase.isEmpty(), "dirBase", "must name a directory");
            if (aeronDirectoryName == null)
            {
                aeronDirectoryName = AeronDirectories.uniqueDirectory(dirBase, clusterId, nodeId);
            }
            newIdleStrategy();
        }
        else
        {
            require(aeronDirectoryName != null && new File(aeronDirectoryName).isDirectory(), "aeronDirectoryName",
                "external driver directory does not exist: " + aeronDirectoryName);
        }
    }

    /**
     * @param nodeId id of this node (property {@value TransportConfiguration#NODE_ID_PROP}).
     * @return this.
     */
    public TransportContext nodeId(final int nodeId)
    {
        this.nodeId = nodeId;
        return this;
    }

    /**
     * @return id of this node.
     */
    public int nodeId()
    {
        return nodeId;
    }

    /**
     * @param clusterId id of the cluster (property {@value TransportConfiguration#CLUSTER_ID_PROP}).
     * @return this.
     */
    public TransportContext clusterId(final int clusterId)
    {
        this.clusterId = clusterId;
        return this;
    }

    /**
     * @return id of the cluster.
     */
    public int clusterId()
    {
        return clusterId;
    }

    /**
     * Set the UDP endpoint of one node.
     *
     * @param nodeId   node id.
     * @param hostPort {@code host:port}, e.g. {@code 127.0.0.1:20000}.
     * @return this.
     * @throws ConfigurationException naming {@code endpoints[nodeId]} when malformed.
     */
    public TransportContext endpoint(final int nodeId, final String hostPort)
    {
        if (nodeId < 0)
        {
            throw new ConfigurationException("endpoints[" + nodeId + "]", "node ids must be >= 0");
        }
        TransportConfiguration.checkHostPort("endpoints[" + nodeId + "]", hostPort);
        endpointMap.put(nodeId, hostPort);
        return this;
    }

    /**
     * Set all endpoints from a list (property {@value TransportConfiguration#ENDPOINTS_PROP}).
     *
     * @param list {@code 0=host:port,1=host:port,...}.
     * @return this.
     * @throws ConfigurationException naming {@code endpoints} when malformed.
     */
    public TransportContext endpoints(final String list)
    {
        TransportConfiguration.parseEndpoints(list, (hostPort, id) -> endpoint(id, hostPort));
        return this;
    }

    /**
     * @return endpoints indexed by node id (after {@link #conclude()}).
     */
    public String[] endpoints()
    {
        return endpoints.clone();
    }

    /**
     * @return number of nodes (after {@link #conclude()}).
     */
    public int nodeCount()
    {
        return endpoints.length;
    }

    /**
     * @param secret cluster secret the pairwise keys are derived from; at least 16 bytes (copied).
     * @return this.
     * @throws ConfigurationException naming {@code clusterSecret} when shorter.
     */
    public TransportContext clusterSecret(final byte[] secret)
    {
        require(secret != null && secret.length >= MIN_SECRET_LENGTH, "clusterSecret",
            "must be at least " + MIN_SECRET_LENGTH + " bytes");
        this.clusterSecret = secret.clone();
        return this;
    }

    /**
     * Use an explicit key for one peer instead of the derived one (the peer must configure the same key for
     * this node).
     *
     * @param peer node id of the peer.
     * @param key  at least 16 bytes (copied).
     * @return this.
     * @throws ConfigurationException naming {@code peerKey[peer]} when shorter.
     */
    public TransportContext peerKey(final int peer, final byte[] key)
    {
        require(key != null && key.length >= MIN_SECRET_LENGTH, "peerKey[" + peer + "]",
            "must be at least " + MIN_SECRET_LENGTH + " bytes");
        peerKeys.put(peer, key.clone());
        return this;
    }

    /**
     * @param maxMessageSize largest message in bytes (property
     *                       {@value TransportConfiguration#MAX_MESSAGE_SIZE_PROP}).
     * @return this.
     */
    public TransportContext maxMessageSize(final int maxMessageSize)
    {
        this.maxMessageSize = maxMessageSize;
        return this;
    }

    /**
     * @return largest message in bytes.
     */
    public int maxMessageSize()
    {
        return maxMessageSize;
    }

    /**
     * @param sendRetries immediate retries of a back-pressured or admin-action offer before the message is dropped
     *                    (property {@value TransportConfiguration#SEND_RETRIES_PROP}).
     * @return this.
     */
    public TransportContext sendRetries(final int sendRetries)
    {
        this.sendRetries = sendRetries;
        return this;
    }

    /**
     * @return immediate retries before a drop.
     */
    public int sendRetries()
    {
        return sendRetries;
    }

    /**
     * @param fragmentLimit most fragments read per duty cycle (property
     *                      {@value TransportConfiguration#FRAGMENT_LIMIT_PROP}).
     * @return this.
     */
    public TransportContext fragmentLimit(final int fragmentLimit)
    {
        this.fragmentLimit = fragmentLimit;
        return this;
    }

    /**
     * @return most fragments read per duty cycle.
     */
    public int fragmentLimit()
    {
        return fragmentLimit;
    }

    /**
     * @param streamId Aeron stream id (property {@value TransportConfiguration#STREAM_ID_PROP}).
     * @return this.
     */
    public TransportContext streamId(final int streamId)
    {
        this.streamId = streamId;
        return this;
    }

    /**
     * @return Aeron stream id.
     */
    public int streamId()
    {
        return streamId;
    }

    /**
     * @param termLength term buffer length of the publications, 0 to derive it (property
     *                   {@value TransportConfiguration#TERM_LENGTH_PROP}).
     * @return this.
     */
    public TransportContext termLength(final int termLength)
    {
        this.termLength = termLength;
        return this;
    }

    /**
     * @return term buffer length (derived after {@link #conclude()} when it was 0).
     */
    public int termLength()
    {
        return termLength;
    }

    /**
     * @param batchLength largest frame of coalesced messages: the messages sent to one peer within one batch
     *                    (until {@code onEndOfBatch} or the next duty cycle) travel in frames of up to this many
     *                    bytes with one MAC each; 0 sends every message in a frame of its own (property
     *                    {@value TransportConfiguration#BATCH_LENGTH_PROP}). Same value on every node.
     * @return this.
     */
    public TransportContext batchLength(final int batchLength)
    {
        this.batchLength = batchLength;
        return this;
    }

    /**
     * @return largest frame of coalesced messages, 0 for none.
     */
    public int batchLength()
    {
        return batchLength;
    }

    /**
     * @return largest frame sent or accepted: a single maximum-size message or a full batch.
     */
    public int maxFrameLength()
    {
        return FrameCodec.maxFrameLength(maxMessageSize, batchLength);
    }

    /**
     * @param mtu MTU of the publications (property {@value TransportConfiguration#MTU_PROP}).
     * @return this.
     */
    public TransportContext mtu(final int mtu)
    {
        this.mtu = mtu;
        return this;
    }

    /**
     * @return MTU of the publications.
     */
    public int mtu()
    {
        return mtu;
    }

    /**
     * Use an external media driver instead of the embedded one.
     *
     * @param aeronDirectoryName directory of the running driver.
     * @return this.
     */
    public TransportContext externalDriver(final String aeronDirectoryName)
    {
        this.embeddedDriver = false;
        this.aeronDirectoryName = aeronDirectoryName;
        return this;
    }

    /**
     * @return true when the transport launches its own media driver.
     */
    public boolean embeddedDriver()
    {
        return embeddedDriver;
    }

    /**
     * @param aeronDirectoryName directory of the embedded driver, instead of a unique one under the base.
     * @return this.
     */
    public TransportContext aeronDirectoryName(final String aeronDirectoryName)
    {
        this.aeronDirectoryName = aeronDirectoryName;
        return this;
    }

    /**
     * @return the aeron directory (derived after {@link #conclude()} for an embedded driver).
     */
    public String aeronDirectoryName()
    {
        return aeronDirectoryName;
    }

    /**
     * @param dirBase directory under which the embedded driver's unique directory is created (property
     *                {@value TransportConfiguration#DIR_BASE_PROP}).
     * @return this.
     */
    public TransportContext dirBase(final String dirBase)
    {
        this.dirBase = dirBase;
        return this;
    }

    /**
     * @return directory under which embedded drivers create their directories.
     */
    public String dirBase()
    {
        return dirBase;
    }

    /**
     * @param threadingMode of the embedded driver (property {@value TransportConfiguration#THREADING_MODE_PROP}).
     * @return this.
     */
    public TransportContext threadingMode(final ThreadingMode threadingMode)
    {
        this.threadingMode = threadingMode;
        return this;
    }

    /**
     * @return threading mode of the embedded driver.
     */
    public ThreadingMode threadingMode()
    {
        return threadingMode;
    }

    /**
     * @param idleStrategy of the embedded driver's threads: backoff, sleeping, yielding or busy-spin (property
     *                     {@value TransportConfiguration#IDLE_STRATEGY_PROP}).
     * @return this.
     */
    public TransportContext idleStrategy(final String idleStrategy)
    {
        this.idleStrategy = idleStrategy;
        return this;
    }

    /**
     * @return name of the embedded driver's idle strategy.
     */
    public String idleStrategy()
    {
        return idleStrategy;
    }

    /**
     * @param errorHandler receives errors of the driver, the client and dropped oversized sends.
     * @return this.
     */
    public TransportContext errorHandler(final ErrorHandler errorHandler)
    {
        this.errorHandler = errorHandler;
        return this;
    }

    /**
     * @return the error handler.
     */
    public ErrorHandler errorHandler()
    {
        return errorHandler;
    }

    /**
     * @param customizer applied to the embedded driver's context last, before launch (timeouts, buffers).
     * @return this.
     */
    public TransportContext driverCustomizer(final Consumer<MediaDriver.Context> customizer)
    {
        this.driverCustomizer = customizer;
        return this;
    }

    /**
     * @return the driver customizer, or null.
     */
    public Consumer<MediaDriver.Context> driverCustomizer()
    {
        return driverCustomizer;
    }

    /**
     * @param customizer applied to the Aeron client's context last, before it connects (e.g. driver timeout).
     * @return this.
     */
    public TransportContext clientCustomizer(final Consumer<Aeron.Context> customizer)
    {
        this.clientCustomizer = customizer;
        return this;
    }

    /**
     * @return the client customizer, or null.
     */
    public Consumer<Aeron.Context> clientCustomizer()
    {
        return clientCustomizer;
    }

    /**
     * @return a new idle strategy instance of the configured kind.
     * @throws ConfigurationException naming {@code idleStrategy} when unknown.
     */
    public IdleStrategy newIdleStrategy()
    {
        return TransportConfiguration.newIdleStrategy("idleStrategy", idleStrategy);
    }

    byte[] key(final int peer)
    {
        return keys[peer];
    }

    private static void require(final boolean condition, final String key, final String problem)
    {
        if (!condition)
        {
            throw new ConfigurationException(key, problem);
        }
    }
}
