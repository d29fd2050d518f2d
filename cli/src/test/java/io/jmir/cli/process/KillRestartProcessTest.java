package io.jmir.cli.process;

import io.jmir.cli.CliRun;
import io.jmir.cli.client.RemoteCluster;
import io.jmir.cli.config.ClusterConfig;
import io.jmir.cli.config.ConfigLoader;
import io.jmir.cli.demo.ClusterSession;
import io.jmir.cli.node.NodeStatus;
import io.jmir.examples.client.ClusterClient;
import io.jmir.examples.kv.KvCommands;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 6 item 6, with real processes: 4 {@code jmir node} processes over Aeron UDP with their WALs on disk, KV load
 * from clients in this JVM over the nodes' client endpoints, and 10 times a random node (every node is a segment
 * leader in every epoch, so leaders are included; each node at least twice) killed with {@code kill -9}
 * ({@code Process.destroyForcibly}) and restarted on the same data directory. Every request is a PUT of a key used
 * once, so each applied request adds exactly one entry and one to the store's applied count. At the end: every
 * request was acknowledged (f + 1 matching replies, retransmitted as needed), every node applied exactly the
 * number of requests sent (none lost, none twice), all state digests are equal, and sampled keys read back their
 * values. Nothing is left: processes stopped by PID, Aeron directories of killed processes deleted.
 */
class KillRestartProcessTest
{
    private static final int NODES = 4;
    private static final int CLIENTS = 2;
    private static final int KILLS = 10;

    @Test
    @Timeout(240)
    void shouldApplyEveryAcknowledgedRequestExactlyOnceAcrossTenKillNineRestarts(
        @TempDir(cleanup = CleanupMode.ON_SUCCESS) final Path dir) throws Exception
    {
        final long seed = System.nanoTime();
        final Random random = new Random(seed);
        final Path file = LocalCluster.prepare(dir, NODES, CliRun.basePort(4),
            new ClusterConfig().clientCount(CLIENTS));
        final ClusterConfig config = ConfigLoader.load(file);
        final LocalCluster cluster = new LocalCluster(file, config,
            List.of("-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"));
        final List<Long> pids = new ArrayList<>();
        final AtomicLong acknowledged = new AtomicLong();
        final ConcurrentHashMap<String, byte[]> written = new ConcurrentHashMap<>();
        final List<Thread> threads = new ArrayList<>();
        final AtomicLong submitted = new AtomicLong();
        final boolean[] running = {true};
        try (cluster)
        {
            cluster.startAll();
            try (RemoteCluster remote = new RemoteCluster(config, "127.0.0.1", 30_000))
            {
                final List<ClusterClient> clients = new ArrayList<>();
                for (int c = 0; c < CLIENTS; c++)
                {
                    final ClusterClient client = remote.client(c, 4);
                    clients.add(client);
                    final Thread thread = new Thread(() -> load(client, running, submitted, acknowledged, written));
                    thread.setDaemon(true);
                    threads.add(thread);
                }
                final Thread resender = new Thread(() ->
                {
                    while (running[0])
                    {
                        clients.forEach(c -> c.resendOlderThan(TimeUnit.MILLISECONDS.toNanos(300)));
                        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
                    }
                });
                resender.setDaemon(true);
                threads.forEach(Thread::start);
                resender.start();
                awaitProgress(acknowledged, 20, 60, cluster, dir, "initial load (seed " + seed + ")");

                final List<Integer> victims = victims(random);
                for (int round = 0; round < KILLS; round++)
                {
                    final int victim = victims.get(round);
                    pids.add(cluster.pid(victim));
                    cluster.kill(victim);
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(200 + random.nextInt(800)));
                    cluster.start(victim);
                    awaitRunning(cluster, victim, dir, "restart " + (round + 1) + " of node " + victim + " (seed " +
                        seed + ")");
                    awaitProgress(acknowledged, 20, 40, cluster, dir, "progress after kill " + (round + 1) +
                        " of node " + victim + " (seed " + seed + ", victims " + victims + ")");
                }
                running[0] = false;
                for (final Thread thread : threads)
                {
                    thread.join(TimeUnit.SECONDS.toMillis(10));
                }
                final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                while (clients.stream().anyMatch(c -> c.inFlight() > 0))
                {
                    assertThat(System.nanoTime()).as("every request acknowledged (seed " + seed + ")")
                        .isLessThan(deadline);
                    clients.forEach(c -> c.resendOlderThan(TimeUnit.MILLISECONDS.toNanos(300)));
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
                }
                resender.join(TimeUnit.SECONDS.toMillis(5));
                assertThat(acknowledged.get()).isEqualTo(submitted.get());
                readBack(clients.get(0), written, random);
            }
            final ClusterSessionView view = new ClusterSessionView(cluster);
            final List<NodeStatus> statuses = view.awaitApplied(submitted.get() + 20, 60_000);
            for (final NodeStatus status : statuses)
            {
                assertThat(status).as("status of a node (seed " + seed + ")").isNotNull();
                assertThat(status.applied()).as("node " + status.nodeId() + " applied every request once (seed " +
                    seed + ")").isEqualTo(submitted.get() + 20);
                assertThat(status.digest()).as("node " + status.nodeId() + " state").isEqualTo(statuses.get(0)
                    .digest());
            }
            for (int i = 0; i < NODES; i++)
            {
                pids.add(cluster.pid(i));
            }
            System.out.println("KillRestartProcessTest: seed " + seed + ", " + KILLS + " kill -9 + restarts, " +
                submitted.get() + " PUTs + 20 GETs acknowledged, every node applied " + statuses.get(0).applied() +
                " with digest " + statuses.get(0).digest());
        }
        assertThat(pids).hasSize(KILLS + NODES);
        for (final long pid : pids)
        {
            assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).as("pid " + pid).isFalse();
        }
        pids.add(ProcessHandle.current().pid());
        assertThat(CliRun.shmLeftovers(pids)).isEmpty();
    }

    private static List<Integer> victims(final Random random)
    {
        final List<Integer> victims = new ArrayList<>();
        for (int i = 0; i < KILLS; i++)
        {
            victims.add(i < 2 * NODES ? i % NODES : random.nextInt(NODES));
        }
        Collections.shuffle(victims, random);
        return victims;
    }

    private static void load(final ClusterClient client, final boolean[] running, final AtomicLong submitted,
        final AtomicLong acknowledged, final ConcurrentHashMap<String, byte[]> written)
    {
        long n = 0;
        try
        {
            while (running[0])
            {
                final String key = "c" + client.clientId() + "-" + n;
                final byte[] value = ("v" + n++).getBytes(StandardCharsets.UTF_8);
                submitted.incrementAndGet();
                client.submit(KvCommands.put(key, value), (requestNo, result, latencyNs) ->
                {
                    if (KvCommands.status(result) == KvCommands.OK && KvCommands.value(result).length == 0)
                    {
                        written.put(key, value);
                    }
                    acknowledged.incrementAndGet();
                });
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
            }
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }

    private static void readBack(final ClusterClient client, final ConcurrentHashMap<String, byte[]> written,
        final Random random) throws Exception
    {
        final List<String> keys = new ArrayList<>(written.keySet());
        Collections.sort(keys);
        assertThat(keys).hasSizeGreaterThan(100);
        for (int i = 0; i < 20; i++)
        {
            final String key = keys.get(random.nextInt(keys.size()));
            final java.util.concurrent.CompletableFuture<byte[]> result = client.submit(KvCommands.get(key));
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!result.isDone() && System.nanoTime() < deadline)
            {
                client.resendOlderThan(TimeUnit.MILLISECONDS.toNanos(300));
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
            }
            assertThat(KvCommands.value(result.get(1, TimeUnit.SECONDS))).as(key).isEqualTo(written.get(key));
        }
    }

    /**
     * The next kill waits until the restarted node runs again: killing a second node while the first is still
     * starting would take down more than f nodes at once, which no BFT protocol stays live through.
     */
    private static void awaitRunning(final LocalCluster cluster, final int nodeId, final Path dir, final String what)
    {
        final long pid = cluster.pid(nodeId);
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true)
        {
            final NodeStatus status = cluster.status(nodeId);
            if (status != null && status.pid() == pid && status.running())
            {
                return;
            }
            if (System.nanoTime() > deadline || !cluster.isAlive(nodeId))
            {
                throw new AssertionError(what + " not running within 60 s (alive=" + cluster.isAlive(nodeId) +
                    ", status " + status + "); journals kept in " + dir + "\n" + cluster.logTail(nodeId, 20));
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
        }
    }

    private static void awaitProgress(final AtomicLong acknowledged, final long requests, final long seconds,
        final LocalCluster cluster, final Path dir, final String what)
    {
        final long target = acknowledged.get() + requests;
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (acknowledged.get() < target)
        {
            if (System.nanoTime() > deadline)
            {
                final StringBuilder logs = new StringBuilder();
                for (int i = 0; i < NODES; i++)
                {
                    logs.append("\n--- node ").append(i).append(" alive=").append(cluster.isAlive(i)).append(' ')
                        .append(cluster.status(i)).append('\n').append(cluster.logTail(i, 8));
                }
                throw new AssertionError("no " + what + " within " + seconds + " s: acknowledged " +
                    acknowledged.get() + "; journals kept in " + dir +
                    " (./jmir cat <node-N>/events, <node-N>/wal)" + logs);
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
        }
    }

    /** Reads the nodes' status files until they all report the expected applied count. */
    private record ClusterSessionView(LocalCluster cluster)
    {
        List<NodeStatus> awaitApplied(final long applied, final long timeoutMs)
        {
            final long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
            while (true)
            {
                final List<NodeStatus> statuses = new ArrayList<>();
                for (int i = 0; i < NODES; i++)
                {
                    statuses.add(cluster.status(i));
                }
                final boolean done = statuses.stream().allMatch(s -> s != null && s.applied() == applied) &&
                    ClusterSession.converged(statuses);
                if (done || System.nanoTime() > deadline)
                {
                    return statuses;
                }
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(200));
            }
        }
    }
}
