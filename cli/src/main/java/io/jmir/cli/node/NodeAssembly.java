package io.jmir.cli.node;

import io.jmir.cli.client.ClientEndpoint;
import io.jmir.cli.config.ClusterConfig;
import io.jmir.cli.config.KeyFiles;
import io.jmir.engine.Module;
import io.jmir.engine.Node;
import io.jmir.engine.NodeDefinition;
import io.jmir.engine.modules.crypto.CryptoModule;
import io.jmir.engine.modules.crypto.KeyRegistry;
import io.jmir.engine.modules.hasher.HasherModule;
import io.jmir.engine.modules.reqstore.InMemoryRequestStore;
import io.jmir.engine.modules.timer.TimerModule;
import io.jmir.journal.eventlog.ChronicleEventLog;
import io.jmir.journal.requests.ChronicleRequestStore;
import io.jmir.journal.wal.ChronicleWal;
import io.jmir.protocols.app.ApplicationModule;
import io.jmir.protocols.app.ReplyModule;
import io.jmir.protocols.clients.ClientTrackerModule;
import io.jmir.protocols.iss.IssConfig;
import io.jmir.protocols.iss.IssModule;
import io.jmir.protocols.iss.IssSchema;
import io.jmir.transport.AeronNet;
import io.jmir.transport.TransportContext;
import org.agrona.CloseHelper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Builds one full ISS node of a {@link ClusterConfig} on the pipeline runtime: {@code net} (AeronNet, UDP,
 * authenticated), {@code clientnet} (the {@link ClientEndpoint} clients reach), hasher, crypto (client
 * signatures/MACs), timer, {@code wal} (ChronicleWal under {@code dataDir/wal}, recovered into {@code iss}),
 * {@code reqstore} (in memory, or a Chronicle store under {@code dataDir/requests}), the client tracker, ISS, the
 * app module running the {@link ObservedKv} store, and {@code replies} (to the client endpoint); the event log
 * under {@code dataDir/events} when enabled; stage threads, CPUs and idle modes from the config's runtime section.
 * Used by {@code jmir node}, the demo, the tests and the embedding example.
 * <pre>
 *   NodeAssembly assembly = NodeAssembly.create(ConfigLoader.load(Path.of("cluster.yaml")), 0);
 *   Node node = assembly.start();       // waits for the peers (see start()), then launches
 *   ...
 *   assembly.close();                   // node, event log, Aeron (driver directory deleted)
 * </pre>
 * <p>
 * <b>Threading:</b> create, start and close on one thread; {@link #kv()}, {@link #endpoint()} and {@link #net()}
 * counters may be read from any thread while the node runs.
 */
public final class NodeAssembly implements AutoCloseable
{
    /** Once a quorum of peers is connected, the longest further wait for the others at start, in ms. */
    public static final long ALL_PEERS_GRACE_MS = 2_000;

    private final ClusterConfig config;
    private final int nodeId;
    private final AeronNet net;
    private final ClientEndpoint endpoint;
    private final ObservedKv kv = new ObservedKv();
    private final NodeDefinition definition;
    private final ChronicleEventLog eventLog;
    private Node node;
    private int peersConnectedAtStart;
    private long startWaitMs;

    private NodeAssembly(final ClusterConfig config, final int nodeId, final AeronNet net,
        final ClientEndpoint endpoint, final KeyRegistry keys)
    {
        this.config = config;
        this.nodeId = nodeId;
        this.net = net;
        this.endpoint = endpoint;
        final IssConfig iss = config.issConfig();
        final Path dataDir = dataDirectory();
        final Module requestStore = config.persistentRequestStore() ?
            new ChronicleRequestStore(new ChronicleRequestStore.Context().directory(dataDir.resolve("requests"))
                .syncPolicy(config.syncPolicy())) : new InMemoryRequestStore();
        definition = IssSchema.register(new NodeDefinition(nodeId, config.nodes().size()))
            .module("net", net)
            .module("clientnet", endpoint)
            .module("hasher", new HasherModule())
            .module("crypto", new CryptoModule(keys).workers(config.cryptoWorkers()))
            .module("timer", new TimerModule())
            .module("wal", new ChronicleWal(new ChronicleWal.Context().directory(dataDir.resolve("wal"))
                .recoveryDestination("iss").syncPolicy(config.syncPolicy())))
            .module("reqstore", requestStore)
            .module("clients", new ClientTrackerModule(iss, 16 * 1024))
            .module("iss", new IssModule(iss, nodeId))
            .module("app", new ApplicationModule(kv))
            .module("replies", new ReplyModule(endpoint));
        eventLog = config.eventLog() ? new ChronicleEventLog(dataDir.resolve("events"), definition) : null;
        if (eventLog != null)
        {
            definition.interceptor(eventLog);
        }
    }

    /**
     * Build node {@code nodeId} of the cluster: reads the keys, starts the transport (media driver) and binds the
     * client endpoint; nothing runs until {@link #start()}.
     *
     * @param config the cluster.
     * @param nodeId this node.
     * @return the assembly.
     * @throws io.jmir.engine.ConfigurationException naming the setting at fault.
     */
    public static NodeAssembly create(final ClusterConfig config, final int nodeId)
    {
        final ClusterConfig.NodeEntry self = config.node(nodeId);
        config.issConfig();
        final KeyRegistry keys = KeyFiles.nodeRegistry(config, nodeId);
        final byte[] secret = KeyFiles.readSecret(config.secretFile());
        try
        {
            Files.createDirectories(config.resolve(self.dataDirectory()));
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot create " + self.dataDirectory(), ex);
        }
        final TransportContext transport = new TransportContext().nodeId(nodeId).clusterId(config.clusterId())
            .clusterSecret(secret).idleStrategy(config.aeronIdleStrategy())
            .maxMessageSize(Math.max(256 * 1024, 4 * config.maxRequestBytes() + 64 * 1024));
        for (final ClusterConfig.NodeEntry node : config.nodes())
        {
            transport.endpoint(node.id(), node.address());
        }
        if (config.externalDriverDirectory() != null)
        {
            transport.externalDriver(config.externalDriverDirectory());
        }
        else if (config.aeronDirBase() != null)
        {
            transport.dirBase(config.aeronDirBase());
        }
        final AeronNet net = AeronNet.launch(transport);
        ClientEndpoint endpoint = null;
        try
        {
            endpoint = new ClientEndpoint(net.aeronDirectoryName(), self.clientAddress(), nodeId,
                config.clientCount(), config.maxRequestBytes(), keys);
            return new NodeAssembly(config, nodeId, net, endpoint, keys);
        }
        catch (final RuntimeException ex)
        {
            CloseHelper.quietCloseAll(endpoint, net);
            throw ex;
        }
    }

    /**
     * Wait for the peers, then launch the node on the pipeline runtime. The wait ends when every peer's endpoint is
     * connected; once a quorum is (2f + 1 nodes, this one included) it waits at most {@link #ALL_PEERS_GRACE_MS}
     * more for the others, and without a quorum at most {@code runtime.connectTimeoutMs}. ISS tolerates peers that
     * join later (they catch up); a restarted node must not wait for a peer that is down itself.
     *
     * @return the running node.
     */
    public Node start()
    {
        final int peers = config.nodes().size() - 1;
        final int quorumPeers = peers - config.f();
        final long startNs = System.nanoTime();
        final long deadline = startNs + TimeUnit.MILLISECONDS.toNanos(config.connectTimeoutMs());
        long waitUntil = deadline;
        boolean quorum = false;
        int connected = connectedPeers();
        while (connected < peers && System.nanoTime() - waitUntil < 0)
        {
            if (!quorum && connected >= quorumPeers)
            {
                quorum = true;
                waitUntil = Math.min(deadline, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(ALL_PEERS_GRACE_MS));
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
            connected = connectedPeers();
        }
        peersConnectedAtStart = connected;
        startWaitMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNs);
        node = Node.launch(definition, runtime());
        return node;
    }

    /**
     * @return peers whose endpoints were connected when {@link #start()} stopped waiting.
     */
    public int peersConnectedAtStart()
    {
        return peersConnectedAtStart;
    }

    /**
     * @return how long {@link #start()} waited for the peers, in ms.
     */
    public long startWaitMs()
    {
        return startWaitMs;
    }

    private int connectedPeers()
    {
        int connected = 0;
        for (int peer = 0; peer < config.nodes().size(); peer++)
        {
            if (peer != nodeId && net.isConnected(peer))
            {
                connected++;
            }
        }
        return connected;
    }

    private Node.Context runtime()
    {
        final Node.Context context = new Node.Context().ringSize(config.ringSize())
            .slotCapacity(config.slotCapacity());
        for (final ClusterConfig.ThreadSpec thread : config.threads())
        {
            context.thread(thread.name(), thread.idleMode(), thread.cpu(), thread.modules().toArray(new String[0]));
        }
        if (config.shareUnassigned())
        {
            context.sharedThread(config.idleMode());
        }
        else
        {
            context.defaultIdleMode(config.idleMode());
        }
        return context;
    }

    /**
     * @return the node (null before {@link #start()}).
     */
    public Node node()
    {
        return node;
    }

    /**
     * @return the node's definition (modules in {@link ClusterConfig#MODULES} order).
     */
    public NodeDefinition definition()
    {
        return definition;
    }

    /**
     * @return the replicated KV store.
     */
    public ObservedKv kv()
    {
        return kv;
    }

    /**
     * @return the client endpoint.
     */
    public ClientEndpoint endpoint()
    {
        return endpoint;
    }

    /**
     * @return the transport.
     */
    public AeronNet net()
    {
        return net;
    }

    /**
     * @return this node's data directory (resolved).
     */
    public Path dataDirectory()
    {
        return config.resolve(config.node(nodeId).dataDirectory());
    }

    /**
     * @return one line: delivered sequence number, applied requests, state digest, client endpoint counters.
     */
    public String status()
    {
        return "node " + nodeId + " seqNo " + kv.lastSeqNo() + " applied " + kv.applied() + " digest " + kv.digest() +
            " clientFrames " + endpoint.received() + " malformed " + endpoint.malformed() + " replies " +
            endpoint.repliesSent() + " repliesDropped " + endpoint.repliesDropped() + " running " +
            (node != null && node.isRunning());
    }

    /**
     * Stop the node (closes every module: WAL, transport and its driver directory), then the event log.
     * Idempotent.
     */
    @Override
    public void close()
    {
        if (node != null)
        {
            node.close();
        }
        else
        {
            CloseHelper.quietCloseAll(endpoint, net);
        }
        if (eventLog != null)
        {
            eventLog.close();
        }
    }
}
