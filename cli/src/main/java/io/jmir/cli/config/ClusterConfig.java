package io.jmir.cli.config;

import io.jmir.codecs.engine.Scheme;
import io.jmir.engine.ConfigurationException;
import io.jmir.engine.IdleMode;
import io.jmir.journal.SyncPolicy;
import io.jmir.protocols.iss.IssConfig;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Everything needed to run the nodes of one ISS + KV cluster and to reach it as a client: the nodes (peer UDP
 * endpoint, client UDP endpoint, data directory), the keys (cluster secret file, client key directory), the
 * protocol parameters, the runtime (stage threads, CPUs, idle modes, ring sizes), the transport's media driver and
 * the journals. Loaded from YAML by {@link ConfigLoader} (whose javadoc shows the format), written by
 * {@link ConfigWriter}, or built in code with the fluent setters. Relative paths are resolved against
 * {@link #baseDirectory()} (the config file's directory).
 * <p>
 * <b>Threading:</b> mutable while being built; hand it to other threads only after building (read-only then).
 */
public final class ClusterConfig
{
    /** Module names of an ISS node, in registration order. */
    public static final List<String> MODULES = List.of(
        "net", "clientnet", "hasher", "crypto", "timer", "wal", "reqstore", "clients", "iss", "app", "replies");

    private Path baseDirectory = Path.of(".");
    private int clusterId = 1;
    private Path secretFile = Path.of("keys/cluster.secret");
    private Path keysDirectory = Path.of("keys");
    private Scheme clientAuth = Scheme.HMAC_SHA256;
    private int clientCount = 16;
    private final List<NodeEntry> nodes = new ArrayList<>();
    private int maxBatchSize = 64;
    private long batchTimeoutUs = 2_000;
    private int segmentLength = 4;
    private int bucketCount;
    private int clientWatermarkWindow = 256;
    private int epochWindow = 2;
    private int maxRequestBytes = 4096;
    private int ringSize = 128;
    private int slotCapacity = 64 * 1024;
    private IdleMode idleMode = IdleMode.BLOCKING;
    private final List<ThreadSpec> threads = new ArrayList<>();
    private int cryptoWorkers = 1;
    private boolean shareUnassigned = true;
    private long connectTimeoutMs = 30_000;
    private String aeronDirBase;
    private String externalDriverDirectory;
    private String aeronIdleStrategy = "backoff";
    private SyncPolicy syncPolicy = SyncPolicy.NONE;
    private boolean eventLog = true;
    private boolean persistentRequestStore;

    /**
     * One node of the cluster.
     *
     * @param id            node id, 0..n-1.
     * @param address       host:port of its peer (node-to-node) UDP endpoint.
     * @param clientAddress host:port of its client UDP endpoint.
     * @param dataDirectory its WAL, event log and request store live under here.
     */
    public record NodeEntry(int id, String address, String clientAddress, Path dataDirectory)
    {
    }

    /**
     * One stage thread: which modules it runs, how it idles, which CPU it is pinned to (-1 for none).
     *
     * @param name     thread name.
     * @param idleMode how it waits for work.
     * @param cpu      CPU, -1 for none.
     * @param modules  module names (of {@link #MODULES}).
     */
    public record ThreadSpec(String name, IdleMode idleMode, int cpu, List<String> modules)
    {
    }

    /**
     * A config of n nodes on 127.0.0.1: peer ports basePort..basePort+n-1, client ports basePort+100.., data under
     * {@code dataRoot/node-N}, default protocol and runtime settings.
     *
     * @param n        nodes.
     * @param basePort first peer port.
     * @param dataRoot data directory root.
     * @return the config.
     */
    public static ClusterConfig local(final int n, final int basePort, final Path dataRoot)
    {
        final ClusterConfig config = new ClusterConfig();
        for (int i = 0; i < n; i++)
        {
            config.node(new NodeEntry(i, "127.0.0.1:" + (basePort + i), "127.0.0.1:" + (basePort + 100 + i),
                dataRoot.resolve("node-" + i)));
        }
        return config;
    }

    /**
     * @return the protocol parameters as the ISS module's configuration (concluded).
     * @throws ConfigurationException naming the protocol parameter at fault.
     */
    public IssConfig issConfig()
    {
        final IssConfig config = new IssConfig().nodeCount(nodes.size()).maxBatchSize(maxBatchSize)
            .batchTimeoutNs(batchTimeoutUs * 1000).segmentLength(segmentLength).clientCount(clientCount)
            .clientWatermarkWindow(clientWatermarkWindow).epochWindow(epochWindow).maxRequestBytes(maxRequestBytes)
            .clientAuthScheme(clientAuth);
        if (bucketCount > 0)
        {
            config.bucketCount(bucketCount);
        }
        try
        {
            return config.conclude();
        }
        catch (final ConfigurationException ex)
        {
            throw new ConfigurationException("protocol." + ex.key(), ex.getMessage().substring(ex.key().length() + 2));
        }
    }

    /**
     * @param nodeId a node id.
     * @return its entry.
     * @throws ConfigurationException when there is no such node.
     */
    public NodeEntry node(final int nodeId)
    {
        if (nodeId < 0 || nodeId >= nodes.size())
        {
            throw new ConfigurationException("id", "no node " + nodeId + " in the config (nodes 0.." +
                (nodes.size() - 1) + ")");
        }
        return nodes.get(nodeId);
    }

    /**
     * @param path a path from the config.
     * @return it resolved against the base directory.
     */
    public Path resolve(final Path path)
    {
        return path.isAbsolute() ? path : baseDirectory.resolve(path).normalize();
    }

    /**
     * @return f = (n - 1) / 3.
     */
    public int f()
    {
        return (nodes.size() - 1) / 3;
    }

    /**
     * @param entry a node (ids must be added in order 0, 1, ...).
     * @return this.
     */
    public ClusterConfig node(final NodeEntry entry)
    {
        if (entry.id() != nodes.size())
        {
            throw new ConfigurationException("nodes[" + nodes.size() + "].id", "ids must be 0, 1, 2, ... in order");
        }
        nodes.add(entry);
        return this;
    }

    /**
     * @param thread a stage thread.
     * @return this.
     */
    public ClusterConfig thread(final ThreadSpec thread)
    {
        threads.add(thread);
        return this;
    }

    /**
     * @return the nodes.
     */
    public List<NodeEntry> nodes()
    {
        return nodes;
    }

    /**
     * @return the stage threads (empty: one shared thread).
     */
    public List<ThreadSpec> threads()
    {
        return threads;
    }

    /**
     * @param value directory relative paths are resolved against.
     * @return this.
     */
    public ClusterConfig baseDirectory(final Path value)
    {
        baseDirectory = value;
        return this;
    }

    /**
     * @return directory relative paths are resolved against.
     */
    public Path baseDirectory()
    {
        return baseDirectory;
    }

    /**
     * @param value cluster id (frames of other clusters are dropped).
     * @return this.
     */
    public ClusterConfig clusterId(final int value)
    {
        clusterId = value;
        return this;
    }

    /**
     * @return cluster id.
     */
    public int clusterId()
    {
        return clusterId;
    }

    /**
     * @param value file holding the cluster secret (hex), handed to nodes only.
     * @return this.
     */
    public ClusterConfig secretFile(final Path value)
    {
        secretFile = value;
        return this;
    }

    /**
     * @return the cluster secret file, resolved.
     */
    public Path secretFile()
    {
        return resolve(secretFile);
    }

    /**
     * @param value directory of the client key files (client-N.key, client-N.pub).
     * @return this.
     */
    public ClusterConfig keysDirectory(final Path value)
    {
        keysDirectory = value;
        return this;
    }

    /**
     * @return the client key directory, resolved.
     */
    public Path keysDirectory()
    {
        return resolve(keysDirectory);
    }

    /**
     * @param value how clients authenticate requests.
     * @return this.
     */
    public ClusterConfig clientAuth(final Scheme value)
    {
        clientAuth = value;
        return this;
    }

    /**
     * @return how clients authenticate requests.
     */
    public Scheme clientAuth()
    {
        return clientAuth;
    }

    /**
     * @param value number of client ids (0..value-1).
     * @return this.
     */
    public ClusterConfig clientCount(final int value)
    {
        clientCount = value;
        return this;
    }

    /**
     * @return number of client ids.
     */
    public int clientCount()
    {
        return clientCount;
    }

    /**
     * Protocol parameters (see {@link IssConfig}).
     *
     * @param batchSize        most requests per batch.
     * @param batchTimeoutMicros longest wait for a full batch.
     * @param segment          sequence numbers per leader and epoch.
     * @param watermarkWindow  client watermark window.
     * @param requestBytes     largest request payload.
     * @return this.
     */
    public ClusterConfig protocol(final int batchSize, final long batchTimeoutMicros, final int segment,
        final int watermarkWindow, final int requestBytes)
    {
        maxBatchSize = batchSize;
        batchTimeoutUs = batchTimeoutMicros;
        segmentLength = segment;
        clientWatermarkWindow = watermarkWindow;
        maxRequestBytes = requestBytes;
        return this;
    }

    /**
     * @param buckets   request buckets (0: 4n).
     * @param epochs    epoch window.
     * @return this.
     */
    public ClusterConfig buckets(final int buckets, final int epochs)
    {
        bucketCount = buckets;
        epochWindow = epochs;
        return this;
    }

    /**
     * @return client watermark window.
     */
    public int clientWatermarkWindow()
    {
        return clientWatermarkWindow;
    }

    /**
     * @return largest request payload in bytes.
     */
    public int maxRequestBytes()
    {
        return maxRequestBytes;
    }

    /**
     * Runtime sizes and the default idle mode.
     *
     * @param ring     ring slots per stage.
     * @param slot     bytes per slot.
     * @param idle     idle mode of the shared thread (or of threads without their own).
     * @param workers  crypto verification workers.
     * @return this.
     */
    public ClusterConfig runtime(final int ring, final int slot, final IdleMode idle, final int workers)
    {
        ringSize = ring;
        slotCapacity = slot;
        idleMode = idle;
        cryptoWorkers = workers;
        return this;
    }

    /**
     * @return ring slots per stage.
     */
    public int ringSize()
    {
        return ringSize;
    }

    /**
     * @return bytes per ring slot.
     */
    public int slotCapacity()
    {
        return slotCapacity;
    }

    /**
     * @return default idle mode.
     */
    public IdleMode idleMode()
    {
        return idleMode;
    }

    /**
     * @param value true: modules not on a configured thread share one thread; false: one thread each.
     * @return this.
     */
    public ClusterConfig shareUnassigned(final boolean value)
    {
        shareUnassigned = value;
        return this;
    }

    /**
     * @return true when modules not on a configured thread share one thread.
     */
    public boolean shareUnassigned()
    {
        return shareUnassigned;
    }

    /**
     * @return crypto verification workers.
     */
    public int cryptoWorkers()
    {
        return cryptoWorkers;
    }

    /**
     * @param value longest wait at start for the peers' connections before starting anyway.
     * @return this.
     */
    public ClusterConfig connectTimeoutMs(final long value)
    {
        connectTimeoutMs = value;
        return this;
    }

    /**
     * @return longest wait at start for the peers' connections.
     */
    public long connectTimeoutMs()
    {
        return connectTimeoutMs;
    }

    /**
     * Media driver settings.
     *
     * @param dirBase      where embedded drivers create their directory (null: /dev/shm).
     * @param externalDir  directory of a running external media driver (null: embedded).
     * @param idleStrategy embedded driver idle strategy (backoff, sleeping, yielding, busy-spin).
     * @return this.
     */
    public ClusterConfig aeron(final String dirBase, final String externalDir, final String idleStrategy)
    {
        aeronDirBase = dirBase;
        externalDriverDirectory = externalDir;
        aeronIdleStrategy = idleStrategy;
        return this;
    }

    /**
     * @return where embedded drivers create their directory, null for the default.
     */
    public String aeronDirBase()
    {
        return aeronDirBase;
    }

    /**
     * @return directory of the external media driver, null when embedded.
     */
    public String externalDriverDirectory()
    {
        return externalDriverDirectory;
    }

    /**
     * @return embedded driver idle strategy.
     */
    public String aeronIdleStrategy()
    {
        return aeronIdleStrategy;
    }

    /**
     * Journals.
     *
     * @param sync          WAL (and request store) sync policy.
     * @param withEventLog  record every event in the event log.
     * @param persistentRequests keep requests in a Chronicle request store instead of in memory.
     * @return this.
     */
    public ClusterConfig journal(final SyncPolicy sync, final boolean withEventLog, final boolean persistentRequests)
    {
        syncPolicy = sync;
        eventLog = withEventLog;
        persistentRequestStore = persistentRequests;
        return this;
    }

    /**
     * @return WAL sync policy.
     */
    public SyncPolicy syncPolicy()
    {
        return syncPolicy;
    }

    /**
     * @return true when the event log records every event.
     */
    public boolean eventLog()
    {
        return eventLog;
    }

    /**
     * @return true for the Chronicle request store.
     */
    public boolean persistentRequestStore()
    {
        return persistentRequestStore;
    }

    int maxBatchSize()
    {
        return maxBatchSize;
    }

    long batchTimeoutUs()
    {
        return batchTimeoutUs;
    }

    int segmentLength()
    {
        return segmentLength;
    }

    int bucketCount()
    {
        return bucketCount;
    }

    int epochWindow()
    {
        return epochWindow;
    }

    Path rawSecretFile()
    {
        return secretFile;
    }

    Path rawKeysDirectory()
    {
        return keysDirectory;
    }
}
