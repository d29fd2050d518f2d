package io.jmir.cli.config;

import io.jmir.codecs.engine.Scheme;
import io.jmir.engine.ConfigurationException;
import io.jmir.engine.IdleMode;
import io.jmir.journal.SyncPolicy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Reads a {@link ClusterConfig} from YAML. The format (every section but {@code nodes} optional; relative paths
 * are relative to the file's directory):
 * <pre>
 * cluster:
 *   id: 1                          # frames of other clusters are dropped
 *   secretFile: keys/cluster.secret  # hex; nodes only (jmir keys writes it)
 *   keysDir: keys                  # client-N.pub (Ed25519) and client-N.key files
 *   clientAuth: HMAC_SHA256        # or ED25519
 *   clients: 16                    # client ids 0..clients-1
 * nodes:
 *   - id: 0
 *     address: 10.0.0.1:20000      # peer (node-to-node) UDP endpoint
 *     clientAddress: 10.0.0.1:20100  # client UDP endpoint
 *     dataDir: data/node-0         # wal/, events/, requests/, status
 * protocol:   { maxBatchSize: 64, batchTimeoutUs: 2000, segmentLength: 4, bucketCount: 0,
 *               clientWatermarkWindow: 256, epochWindow: 2, maxRequestBytes: 4096 }
 * runtime:
 *   ringSize: 128                  # slots per module ring (ringSize x slotCapacity bytes each, direct memory)
 *   slotCapacity: 65536
 *   idle: BLOCKING                 # BLOCKING, SLEEPING, YIELDING, BUSY_SPIN
 *   cryptoWorkers: 1
 *   connectTimeoutMs: 30000
 *   shareUnassigned: true          # modules on no listed thread share one thread
 *   threads:
 *     - { name: io, idle: SLEEPING, cpu: 1, modules: [net, clientnet] }
 * aeron:      { dirBase: /dev/shm, externalDriver: /dev/shm/aeron-root, idleStrategy: backoff }
 * journal:    { sync: NONE, eventLog: true, requestStore: memory }   # sync MSYNC_PER_BATCH; chronicle
 * </pre>
 * Every error is a {@link ConfigurationException} naming the key path and the line.
 * <p>
 * <b>Threading:</b> stateless; any thread.
 */
public final class ConfigLoader
{
    private static final int MAX_PORT = 65535;

    private ConfigLoader()
    {
    }

    /**
     * @param file the YAML file.
     * @return the configuration, base directory = the file's directory.
     * @throws ConfigurationException naming the key and line of the first problem.
     */
    public static ClusterConfig load(final Path file)
    {
        final Path absolute = file.toAbsolutePath();
        final ClusterConfig config = parse(YamlTree.parse(absolute));
        return config.baseDirectory(absolute.getParent());
    }

    /**
     * @param text YAML text.
     * @param baseDirectory directory relative paths are resolved against.
     * @return the configuration.
     * @throws ConfigurationException naming the key and line of the first problem.
     */
    public static ClusterConfig parse(final String text, final Path baseDirectory)
    {
        return parse(YamlTree.parse(text)).baseDirectory(baseDirectory);
    }

    private static ClusterConfig parse(final YamlTree root)
    {
        root.allowOnly(Set.of("cluster", "nodes", "protocol", "runtime", "aeron", "journal"));
        final ClusterConfig config = new ClusterConfig();
        if (root.has("cluster"))
        {
            final YamlTree cluster = root.get("cluster")
                .allowOnly(Set.of("id", "secretFile", "keysDir", "clientAuth", "clients"));
            config.clusterId((int)cluster.number("id", 0, Integer.MAX_VALUE, 1))
                .secretFile(Path.of(cluster.text("secretFile", "keys/cluster.secret")))
                .keysDirectory(Path.of(cluster.text("keysDir", "keys")))
                .clientCount((int)cluster.number("clients", 1, MAX_PORT, 16));
            final Scheme scheme = cluster.choice(Scheme.class, "clientAuth", Scheme.HMAC_SHA256);
            if (scheme != Scheme.HMAC_SHA256 && scheme != Scheme.ED25519)
            {
                throw cluster.get("clientAuth").error("expected HMAC_SHA256 or ED25519");
            }
            config.clientAuth(scheme);
        }
        nodes(root.get("nodes"), config);
        if (root.has("protocol"))
        {
            protocol(root.get("protocol"), config);
        }
        if (root.has("runtime"))
        {
            runtime(root.get("runtime"), config);
        }
        if (root.has("aeron"))
        {
            final YamlTree aeron = root.get("aeron").allowOnly(Set.of("dirBase", "externalDriver", "idleStrategy"));
            final String idle = aeron.text("idleStrategy", "backoff");
            if (!Set.of("backoff", "sleeping", "yielding", "busy-spin").contains(idle))
            {
                throw aeron.get("idleStrategy").error("expected backoff, sleeping, yielding or busy-spin, was '" +
                    idle + "'");
            }
            config.aeron(aeron.text("dirBase", null), aeron.text("externalDriver", null), idle);
        }
        if (root.has("journal"))
        {
            final YamlTree journal = root.get("journal").allowOnly(Set.of("sync", "eventLog", "requestStore"));
            final String store = journal.text("requestStore", "memory");
            if (!"memory".equals(store) && !"chronicle".equals(store))
            {
                throw journal.get("requestStore").error("expected memory or chronicle, was '" + store + "'");
            }
            config.journal(journal.choice(SyncPolicy.class, "sync", SyncPolicy.NONE), journal.flag("eventLog", true),
                "chronicle".equals(store));
        }
        final int n = config.nodes().size();
        if (n < 1)
        {
            throw root.get("nodes").error("at least one node is needed");
        }
        try
        {
            config.issConfig();
        }
        catch (final ConfigurationException ex)
        {
            final String setting = ex.key().substring(ex.key().indexOf('.') + 1);
            if (ex.key().startsWith("protocol.") && root.has("protocol") && root.get("protocol").has(setting))
            {
                throw root.get("protocol").get(setting).error(ex.getMessage().substring(ex.key().length() + 2));
            }
            throw ex;
        }
        return config;
    }

    private static void nodes(final YamlTree list, final ClusterConfig config)
    {
        final Set<String> addresses = new HashSet<>();
        for (final YamlTree node : list.elements())
        {
            node.allowOnly(Set.of("id", "address", "clientAddress", "dataDir"));
            final int id = (int)node.get("id").number(0, 1023);
            if (id != config.nodes().size())
            {
                throw node.get("id").error("node ids must be 0, 1, 2, ... in order; expected " +
                    config.nodes().size() + ", was " + id);
            }
            final String address = hostPort(node.get("address"), addresses);
            final String clientAddress = hostPort(node.get("clientAddress"), addresses);
            final Path dataDir = Path.of(node.text("dataDir", "data/node-" + id));
            config.node(new ClusterConfig.NodeEntry(id, address, clientAddress, dataDir));
        }
    }

    private static String hostPort(final YamlTree value, final Set<String> seen)
    {
        final String text = value.text();
        final int colon = text.lastIndexOf(':');
        if (colon <= 0 || colon == text.length() - 1)
        {
            throw value.error("expected host:port, was '" + text + "'");
        }
        final int port;
        try
        {
            port = Integer.parseInt(text.substring(colon + 1));
        }
        catch (final NumberFormatException ex)
        {
            throw value.error("port is not a number in '" + text + "'");
        }
        if (port < 1 || port > MAX_PORT)
        {
            throw value.error("port must be in [1, 65535], was " + port);
        }
        if (!seen.add(text))
        {
            throw value.error("endpoint " + text + " is used twice");
        }
        return text;
    }

    private static void protocol(final YamlTree protocol, final ClusterConfig config)
    {
        protocol.allowOnly(Set.of("maxBatchSize", "batchTimeoutUs", "segmentLength", "bucketCount",
            "clientWatermarkWindow", "epochWindow", "maxRequestBytes"));
        config.protocol((int)protocol.number("maxBatchSize", 1, 4096, 64),
            protocol.number("batchTimeoutUs", 1, 60_000_000, 2_000),
            (int)protocol.number("segmentLength", 1, 1 << 20, 4),
            (int)protocol.number("clientWatermarkWindow", 64, 1 << 20, 256),
            (int)protocol.number("maxRequestBytes", 0, 1 << 20, 4096));
        config.buckets((int)protocol.number("bucketCount", 0, 65536, 0), (int)protocol.number("epochWindow", 1, 16, 2));
        if (config.clientWatermarkWindow() % 64 != 0)
        {
            throw protocol.get("clientWatermarkWindow").error("must be a multiple of 64");
        }
    }

    private static void runtime(final YamlTree runtime, final ClusterConfig config)
    {
        runtime.allowOnly(Set.of("ringSize", "slotCapacity", "idle", "cryptoWorkers", "connectTimeoutMs",
            "shareUnassigned", "threads"));
        final int ring = (int)runtime.number("ringSize", 2, 1 << 20, 128);
        if (Integer.bitCount(ring) != 1)
        {
            throw runtime.get("ringSize").error("must be a power of two, was " + ring);
        }
        config.runtime(ring, (int)runtime.number("slotCapacity", 1024, 64 << 20, 64 * 1024),
            runtime.choice(IdleMode.class, "idle", IdleMode.BLOCKING),
            (int)runtime.number("cryptoWorkers", 1, 64, 1));
        config.connectTimeoutMs(runtime.number("connectTimeoutMs", 0, 3_600_000, 30_000));
        config.shareUnassigned(runtime.flag("shareUnassigned", true));
        if (!runtime.has("threads"))
        {
            return;
        }
        final Set<String> names = new HashSet<>();
        final Set<String> placed = new HashSet<>();
        for (final YamlTree thread : runtime.get("threads").elements())
        {
            thread.allowOnly(Set.of("name", "idle", "cpu", "modules"));
            final String name = thread.get("name").text();
            if (!names.add(name))
            {
                throw thread.get("name").error("thread name '" + name + "' is used twice");
            }
            final List<String> modules = new ArrayList<>();
            for (final YamlTree module : thread.get("modules").elements())
            {
                final String moduleName = module.text();
                if (!ClusterConfig.MODULES.contains(moduleName))
                {
                    throw module.error("unknown module '" + moduleName + "' (modules: " +
                        String.join(", ", ClusterConfig.MODULES) + ")");
                }
                if (!placed.add(moduleName))
                {
                    throw module.error("module '" + moduleName + "' is already on another thread");
                }
                modules.add(moduleName);
            }
            config.thread(new ClusterConfig.ThreadSpec(name, thread.choice(IdleMode.class, "idle", config.idleMode()),
                (int)thread.number("cpu", -1, 4095, -1), List.copyOf(modules)));
        }
    }
}
