package io.jmir.benchmarks.iss;

import io.jmir.codecs.engine.Scheme;
import io.jmir.examples.client.ClientAuthenticator;
import io.jmir.examples.client.ClusterClient;
import io.jmir.examples.client.Ed25519Authenticator;
import io.jmir.examples.client.HmacAuthenticator;
import io.jmir.examples.client.LocalClusterSender;
import io.jmir.examples.client.ReplyRouter;
import io.jmir.protocols.app.Application;
import io.jmir.protocols.app.Batch;
import io.jmir.protocols.app.Results;
import io.jmir.protocols.iss.IssConfig;
import io.jmir.protocols.iss.IssStats;
import io.jmir.protocols.testkit.PipelineCluster;
import io.jmir.protocols.testkit.TestKeys;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;
import org.bouncycastle.math.ec.rfc8032.Ed25519;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * End-to-end ordering throughput and latency of ISS with PBFT orderers: 4 nodes in one JVM (pipeline runtime,
 * in-JVM LocalNetwork, or with {@code --net aeron} the transport's AeronNet over UDP on 127.0.0.1 with 4 embedded
 * drivers), closed-loop pipelined clients (each keeps {@code window} requests outstanding, submits to
 * all 4 nodes, completes at f+1 = 2 matching replies), a no-op application (results are empty): what is measured is
 * admission (authentication, digest, store), ordering (3 PBFT phases, WAL append with follow-ups) and delivery.
 * <pre>
 *   client threads --submit x4--> [clients -> crypto/hasher -> reqstore -> iss <-> net(LocalNetwork) -> wal -> app
 *        ^                                                                                          -> replies]
 *        +------------------------------ f+1 matching replies (ReplyRouter) -----------------------------+
 * </pre>
 * Baseline in the same run: the single-core Ed25519 verify rate (BouncyCastle rfc8032; 16 keys in turn, 16-byte
 * messages, as the requests' signed bytes with 0 B payloads), from which the signature
 * ceiling is {@code verifyRate x 2 cores / 4 nodes} (every node verifies every request).
 * <p>
 * With Ed25519 the clients' signatures are computed before the run ({@code --presign N} per client, default
 * 2500 x (seconds + warmup + 5); 0 signs live): in a deployment clients sign on their own machines, here they would
 * take CPU from the nodes.
 * <p>
 * Latency is recorded per request from first submission to completion with HdrHistogram; the load is closed-loop,
 * so the figures are service latencies at saturation, not coordinated-omission-corrected open-loop latencies.
 * <p>
 * Usage: {@code java -cp benchmarks/target/benchmarks.jar io.jmir.benchmarks.iss.IssFourNodeLocalThroughput
 * [--seconds 10] [--warmup 5] [--clients 4] [--window 512] [--threads 1] [--crypto-workers 0] [--presign N]
 * [--net local|aeron] [--auth HMAC_SHA256|ED25519|ALL]
 * [--payload 0|500|ALL]}
 */
public final class IssFourNodeLocalThroughput
{
    private static final int NODES = 4;

    private IssFourNodeLocalThroughput()
    {
    }

    /**
     * @param args options, see the class javadoc.
     * @throws Exception on failure.
     */
    public static void main(final String[] args) throws Exception
    {
        int seconds = 10;
        int warmup = 5;
        int clients = 4;
        int window = 512;
        int threads = 1;
        int workers = 0;
        int presign = -1;
        String net = "local";
        String auth = "ALL";
        String payload = "ALL";
        for (int i = 0; i + 1 < args.length; i += 2)
        {
            switch (args[i])
            {
                case "--seconds" -> seconds = Integer.parseInt(args[i + 1]);
                case "--warmup" -> warmup = Integer.parseInt(args[i + 1]);
                case "--clients" -> clients = Integer.parseInt(args[i + 1]);
                case "--window" -> window = Integer.parseInt(args[i + 1]);
                case "--threads" -> threads = Integer.parseInt(args[i + 1]);
                case "--crypto-workers" -> workers = Integer.parseInt(args[i + 1]);
                case "--presign" -> presign = Integer.parseInt(args[i + 1]);
                case "--net" -> net = args[i + 1];
                case "--auth" -> auth = args[i + 1];
                case "--payload" -> payload = args[i + 1];
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        ed25519VerifyRate(TimeUnit.SECONDS.toNanos(3));
        final double verifyRate = ed25519VerifyRate(TimeUnit.SECONDS.toNanos(3));
        System.out.printf("baseline: Ed25519 verify, 1 core: %.0f/s -> signature ceiling 2 cores / %d nodes: " +
            "%.0f req/s%n", verifyRate, NODES, verifyRate * 2 / NODES);
        for (final Scheme scheme : new Scheme[]{Scheme.HMAC_SHA256, Scheme.ED25519})
        {
            if (!auth.equals("ALL") && !auth.equals(scheme.name()))
            {
                continue;
            }
            for (final int bytes : new int[]{0, 500})
            {
                if (!payload.equals("ALL") && Integer.parseInt(payload) != bytes)
                {
                    continue;
                }
                final int signatures = presign >= 0 ? presign : 2500 * (seconds + warmup + 5);
                final Result r = run(scheme, bytes, seconds, warmup, clients, window, threads, workers, signatures,
                    net);
                System.out.printf("iss 4 nodes " + net + " auth=%s payload=%dB clients=%d window=%d: " +
                    "%.0f req/s, latency us p50=%d p90=%d p99=%d p99.9=%d max=%d, JVM used %.2f cores%s%n", scheme,
                    bytes, clients,
                    window, r.throughput, r.histogram.getValueAtPercentile(50) / 1000,
                    r.histogram.getValueAtPercentile(90) / 1000, r.histogram.getValueAtPercentile(99) / 1000,
                    r.histogram.getValueAtPercentile(99.9) / 1000, r.histogram.getMaxValue() / 1000, r.coresUsed,
                    scheme == Scheme.ED25519 ? String.format(" (%.0f%% of the 2-core signature ceiling; %.0f%% of" +
                    " the ceiling for the cores the JVM got)", 100 * r.throughput / (verifyRate * 2 / NODES),
                    100 * r.throughput / (verifyRate * r.coresUsed / NODES)) : "");
                System.out.println("  node 0: " + r.stats);
            }
        }
        System.out.printf("baseline again after the runs: Ed25519 verify, 1 core: %.0f/s%n",
            ed25519VerifyRate(TimeUnit.SECONDS.toNanos(3)));
    }

    static double ed25519VerifyRate(final long durationNs)
    {
        final int keys = 16;
        final byte[][] publicKeys = new byte[keys][32];
        final byte[][] messages = new byte[keys][16];
        final byte[][] signatures = new byte[keys][64];
        for (int k = 0; k < keys; k++)
        {
            final byte[] privateKey = new byte[32];
            privateKey[0] = (byte)(k + 1);
            Ed25519.generatePublicKey(privateKey, 0, publicKeys[k], 0);
            messages[k][0] = (byte)k;
            Ed25519.sign(privateKey, 0, publicKeys[k], 0, messages[k], 0, 16, signatures[k], 0);
        }
        long count = 0;
        final long start = System.nanoTime();
        long now = start;
        while (now - start < durationNs)
        {
            for (int i = 0; i < 100; i++)
            {
                final int k = i & (keys - 1);
                if (!Ed25519.verify(signatures[k], 0, publicKeys[k], 0, messages[k], 0, 16))
                {
                    throw new IllegalStateException("verify failed");
                }
            }
            count += 100;
            now = System.nanoTime();
        }
        return count * 1e9 / (now - start);
    }

    record Result(double throughput, Histogram histogram, IssStats stats, double coresUsed)
    {
    }

    static Result run(final Scheme scheme, final int payloadBytes, final int seconds, final int warmup,
        final int clientCount, final int window, final int threadsPerNode, final int cryptoWorkers, final int presign,
        final String net)
        throws Exception
    {
        final IssConfig config = new IssConfig().nodeCount(NODES).maxBatchSize(payloadBytes == 0 ? 512 : 128)
            .batchTimeoutNs(TimeUnit.MILLISECONDS.toNanos(1)).segmentLength(16).clientCount(clientCount)
            .clientWatermarkWindow(Math.max(1024, Integer.highestOneBit(window) * 4)).epochWindow(2)
            .maxRequestBytes(Math.max(64, payloadBytes)).clientAuthScheme(scheme);
        final TestKeys keys = new TestKeys(1, clientCount, NODES);
        final ReplyRouter router = new ReplyRouter(clientCount);
        final Recorder recorder = new Recorder(3);
        final AtomicLong completed = new AtomicLong();
        final AtomicBoolean running = new AtomicBoolean(true);
        final List<Thread> threads = new ArrayList<>();
        final java.nio.file.Path aeronDirs = net.equals("aeron") ?
            java.nio.file.Files.createTempDirectory("jmir-iss-bench-aeron") : null;
        final io.jmir.transport.AeronNet[] nets = aeronDirs == null ? null : connectedAeronNets(aeronDirs, config);
        final PipelineCluster cluster = new PipelineCluster(config, keys, i -> new NoOpApp(), router, threadsPerNode,
            cryptoWorkers, nets == null ? null : i -> nets[i]);
        try
        {
            final LocalClusterSender sender = new LocalClusterSender(cluster.nodes(), TimeUnit.SECONDS.toNanos(1));
            for (int c = 0; c < clientCount; c++)
            {
                final ClientAuthenticator auth = scheme == Scheme.ED25519 ? (presign > 0 ?
                    new PresignedAuthenticator(c, keys.privateKey(c), keys.publicKey(c), presign,
                        n -> payloadOf(payloadBytes, n)) :
                    new Ed25519Authenticator(keys.privateKey(c), keys.publicKey(c))) :
                    new HmacAuthenticator(new byte[][]{
                        keys.macKey(c, 0), keys.macKey(c, 1), keys.macKey(c, 2), keys.macKey(c, 3)});
                final ClusterClient client = router.register(
                    new ClusterClient(c, NODES, config.f(), auth, sender, window));
                final Thread thread = new Thread(() -> load(client, payloadBytes, running, recorder, completed),
                    "client-" + c);
                thread.setDaemon(true);
                threads.add(thread);
                thread.start();
            }
            waitFor(TimeUnit.SECONDS.toNanos(warmup));
            recorder.getIntervalHistogram();
            final long startCount = completed.get();
            final long startCpu = processCpuNs();
            final long start = System.nanoTime();
            waitFor(TimeUnit.SECONDS.toNanos(seconds));
            final long endCount = completed.get();
            final long end = System.nanoTime();
            final long endCpu = processCpuNs();
            final Histogram histogram = recorder.getIntervalHistogram();
            running.set(false);
            for (final Thread thread : threads)
            {
                thread.interrupt();
                thread.join(TimeUnit.SECONDS.toMillis(5));
            }
            for (final io.jmir.engine.Node node : cluster.nodes())
            {
                if (node.failure() != null || !node.isRunning())
                {
                    System.out.println("  node " + node.definition().nodeId() + " failed: " + node.failure());
                }
            }
            System.out.println("  node 0 counters: " + cluster.nodes()[0].counters());
            if (nets != null)
            {
                for (int i = 0; i < NODES; i++)
                {
                    System.out.println("  node " + i + " transport: send drops " + nets[i].counters().sendDrops() +
                        ", receive drops " + nets[i].counters().receiveDrops());
                }
            }
            cluster.close();
            final IssStats stats = cluster.issNode(0).iss.stats();
            System.out.printf("  node 0: verified %d items in %d VerifyRequests (%d invalid); tracker accepted %d, " +
                "duplicates %d, out of window %d%n", cluster.issNode(0).crypto.verifiedItems(),
                cluster.issNode(0).crypto.verifyRequests(), cluster.issNode(0).crypto.invalidItems(),
                cluster.issNode(0).clients.accepted(), cluster.issNode(0).clients.duplicates(),
                cluster.issNode(0).clients.outOfWindow());
            return new Result((endCount - startCount) * 1e9 / (end - start), histogram, stats,
                (endCpu - startCpu) / (double)(end - start));
        }
        finally
        {
            cluster.close();
            if (aeronDirs != null)
            {
                deleteRecursively(aeronDirs.toFile());
            }
        }
    }

    /**
     * Launch the 4 AeronNets and wait until every publication is connected: the transport drops messages to a
     * peer that is not connected yet, and ISS has no retransmission before view change.
     */
    private static io.jmir.transport.AeronNet[] connectedAeronNets(final java.nio.file.Path dirs,
        final IssConfig config)
    {
        final io.jmir.transport.AeronNet[] nets = new io.jmir.transport.AeronNet[NODES];
        for (int i = 0; i < NODES; i++)
        {
            nets[i] = aeronNet(i, dirs, config);
        }
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        for (int i = 0; i < NODES; i++)
        {
            for (int peer = 0; peer < NODES; peer++)
            {
                while (peer != i && !nets[i].isConnected(peer))
                {
                    if (System.nanoTime() > deadline)
                    {
                        throw new IllegalStateException("node " + i + " not connected to " + peer);
                    }
                    java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
                }
            }
        }
        return nets;
    }

    private static io.jmir.transport.AeronNet aeronNet(final int nodeId, final java.nio.file.Path dirs,
        final IssConfig config)
    {
        final io.jmir.transport.TransportContext context = new io.jmir.transport.TransportContext().nodeId(nodeId)
            .clusterId(5).clusterSecret("jmir-iss-benchmark-secret".getBytes(java.nio.charset.StandardCharsets.UTF_8))
            .dirBase(dirs.toString()).maxMessageSize(Math.max(262144, config.maxBatchSize() * 64 + 4096));
        for (int i = 0; i < NODES; i++)
        {
            context.endpoint(i, "127.0.0.1:" + (23400 + i));
        }
        return io.jmir.transport.AeronNet.launch(context);
    }

    private static void deleteRecursively(final java.io.File file)
    {
        final java.io.File[] children = file.listFiles();
        if (children != null)
        {
            for (final java.io.File child : children)
            {
                deleteRecursively(child);
            }
        }
        if (!file.delete() && file.exists())
        {
            System.err.println("could not delete " + file);
        }
    }

    static byte[] payloadOf(final int payloadBytes, final long requestNo)
    {
        final byte[] payload = new byte[payloadBytes];
        if (payloadBytes >= 8)
        {
            java.nio.ByteBuffer.wrap(payload).putLong(requestNo);
        }
        return payload;
    }

    private static long processCpuNs()
    {
        final java.lang.management.OperatingSystemMXBean os =
            java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        return os instanceof com.sun.management.OperatingSystemMXBean sun ? sun.getProcessCpuTime() : 0;
    }

    private static void load(final ClusterClient client, final int payloadBytes, final AtomicBoolean running,
        final Recorder recorder, final AtomicLong completed)
    {
        final ClusterClient.ResultListener listener = (requestNo, result, latencyNs) ->
        {
            recorder.recordValue(Math.min(latencyNs, TimeUnit.SECONDS.toNanos(60)));
            completed.incrementAndGet();
        };
        long submitted = 0;
        try
        {
            while (running.get())
            {
                client.submit(payloadOf(payloadBytes, submitted), listener);
                if ((++submitted & 255) == 0)
                {
                    client.resendOlderThan(TimeUnit.SECONDS.toNanos(2));
                }
            }
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }

    /** Ordering only: every request gets an empty result. */
    private static final class NoOpApp implements Application
    {
        private long applied;

        @Override
        public void apply(final long seqNo, final Batch batch, final Results results)
        {
            applied += batch.size();
        }

        @Override
        public byte[] snapshot()
        {
            final byte[] snapshot = new byte[8];
            java.nio.ByteBuffer.wrap(snapshot).putLong(applied);
            return snapshot;
        }

        @Override
        public void restore(final byte[] snapshot)
        {
            applied = java.nio.ByteBuffer.wrap(snapshot).getLong();
        }
    }

    /**
     * The measurement window: parks the calling thread until {@code durationNs} have passed (unparks and spurious
     * wake-ups are absorbed).
     */
    private static void waitFor(final long durationNs)
    {
        final long deadline = System.nanoTime() + durationNs;
        long remaining;
        while ((remaining = deadline - System.nanoTime()) > 0)
        {
            java.util.concurrent.locks.LockSupport.parkNanos(remaining);
        }
    }
}
