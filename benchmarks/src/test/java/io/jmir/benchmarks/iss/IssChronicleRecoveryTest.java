package io.jmir.benchmarks.iss;

import io.jmir.codecs.engine.Scheme;
import io.jmir.engine.IdleMode;
import io.jmir.engine.Node;
import io.jmir.engine.NodeDefinition;
import io.jmir.engine.SubmitResult;
import io.jmir.engine.modules.crypto.CryptoModule;
import io.jmir.engine.modules.hasher.HasherModule;
import io.jmir.engine.modules.reqstore.InMemoryRequestStore;
import io.jmir.engine.modules.timer.TimerModule;
import io.jmir.engine.net.LocalNetwork;
import io.jmir.examples.client.ClusterClient;
import io.jmir.examples.client.HmacAuthenticator;
import io.jmir.examples.client.ReplyRouter;
import io.jmir.examples.client.RequestSender;
import io.jmir.examples.kv.KvCommands;
import io.jmir.examples.kv.KvStore;
import io.jmir.journal.wal.ChronicleWal;
import io.jmir.protocols.app.Application;
import io.jmir.protocols.app.ApplicationModule;
import io.jmir.protocols.app.Batch;
import io.jmir.protocols.app.ReplyModule;
import io.jmir.protocols.app.Results;
import io.jmir.protocols.clients.ClientTrackerModule;
import io.jmir.protocols.iss.IssConfig;
import io.jmir.protocols.iss.IssModule;
import io.jmir.protocols.iss.IssSchema;
import io.jmir.protocols.testkit.TestKeys;
import org.agrona.DirectBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.locks.LockSupport;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Crash recovery (ADR 0014) in the pipeline runtime with the Chronicle WAL on disk: 4 ISS nodes in one JVM over
 * the in-JVM LocalNetwork, each with a {@link ChronicleWal} in its own directory and the replicated KV store; KV
 * load from 2 clients; node 1 (a segment leader) is stopped mid-run and a new node — fresh modules, fresh app —
 * is started on the same WAL directory (or, second test, on an empty one: a lost disk), twice; the load continues.
 * Checks: the restarted node replayed its WAL (or installed a checkpoint fetched from its peers); every request
 * completed; every incarnation of every node delivered the same batch at every sequence number it delivered; the
 * final KV state is identical on all nodes, the restarted one included. This test lives in
 * {@code benchmarks} because {@code protocols} may not depend on {@code journal} (enforcer rule).
 */
class IssChronicleRecoveryTest
{
    private static final int NODES = 4;
    private static final int CLIENTS = 2;
    private static final int REQUESTS_PER_PHASE = 30;
    private static final int RESTARTED = 1;

    private final Map<Long, String> batches = new ConcurrentHashMap<>();
    private final List<String> conflicts = java.util.Collections.synchronizedList(new ArrayList<>());
    private final AtomicReferenceArray<Node> nodes = new AtomicReferenceArray<>(NODES);
    private final LoggingKv[] apps = new LoggingKv[NODES];
    private final IssModule[] protocols = new IssModule[NODES];
    private final ChronicleWal[] wals = new ChronicleWal[NODES];

    @Test
    @Timeout(180)
    void shouldRestartANodeOnItsChronicleWalAndConvergeWithTheOthers(@TempDir final Path data) throws Exception
    {
        run(data, false);
        assertThat(protocols[RESTARTED].recoveryStats().recoveredEntries()).as("replayed the Chronicle WAL")
            .isPositive();
    }

    @Test
    @Timeout(180)
    void shouldCatchUpByStateTransferWhenTheRestartedNodeLostItsWalDirectory(@TempDir final Path data)
        throws Exception
    {
        run(data, true);
        assertThat(protocols[RESTARTED].recoveryStats().recoveredEntries()).as("empty WAL").isZero();
        assertThat(protocols[RESTARTED].recoveryStats().installs()).as("installed a checkpoint from its peers: " +
            protocols[RESTARTED].recoveryStats()).isPositive();
    }

    private void run(final Path data, final boolean wipe) throws Exception
    {
        final IssConfig config = new IssConfig().nodeCount(NODES).maxBatchSize(16).batchTimeoutNs(2_000_000)
            .segmentLength(2).clientCount(CLIENTS).clientWatermarkWindow(256).maxRequestBytes(256)
            .clientAuthScheme(Scheme.HMAC_SHA256);
        final TestKeys keys = new TestKeys(5, CLIENTS, NODES);
        final LocalNetwork network = new LocalNetwork(NODES);
        final ReplyRouter router = new ReplyRouter(CLIENTS);
        try
        {
            for (int i = 0; i < NODES; i++)
            {
                start(i, config, keys, network, router, data.resolve("node-" + i).resolve("wal"));
            }
            final RequestSender sender = this::send;
            final List<ClusterClient> clients = new ArrayList<>();
            for (int c = 0; c < CLIENTS; c++)
            {
                clients.add(router.register(new ClusterClient(c, NODES, config.f(), new HmacAuthenticator(
                    new byte[][]{keys.macKey(c, 0), keys.macKey(c, 1), keys.macKey(c, 2), keys.macKey(c, 3)}),
                    sender, 8)));
            }
            runPhase(clients, 0);
            for (int restart = 1; restart <= 2; restart++)
            {
                final Node stopped = nodes.get(RESTARTED);
                network.unregister(RESTARTED);
                stopped.close();
                final Path wal = data.resolve("node-" + RESTARTED).resolve(wipe ? "wal-" + restart : "wal");
                start(RESTARTED, config, keys, network, router, wal);
                runPhase(clients, restart);
            }
            final long target = lastDelivered();
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            for (int i = 0; i < NODES; i++)
            {
                while (apps[i].lastSeqNo < target)
                {
                    assertThat(System.nanoTime()).as("node " + i + " reaches seq " + target + ", at " +
                        apps[i].lastSeqNo).isLessThan(deadline);
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
                }
            }
        }
        finally
        {
            for (int i = 0; i < NODES; i++)
            {
                network.unregister(i);
                final Node node = nodes.get(i);
                if (node != null)
                {
                    node.close();
                }
            }
        }
        assertThat(conflicts).as("same batch at every sequence number on every incarnation").isEmpty();
        for (int i = 0; i < NODES; i++)
        {
            assertThat(apps[i].store.copyOfState().keySet()).as("node " + i + " KV keys")
                .isEqualTo(apps[0].store.copyOfState().keySet());
            assertThat(apps[i].store.snapshot()).as("node " + i + " KV state").isEqualTo(apps[0].store.snapshot());
        }
        assertThat(apps[0].store.copyOfState()).isNotEmpty();
    }

    private void start(final int nodeId, final IssConfig config, final TestKeys keys, final LocalNetwork network,
        final ReplyRouter router, final Path walDirectory)
    {
        apps[nodeId] = new LoggingKv(batches, conflicts);
        protocols[nodeId] = new IssModule(config, nodeId);
        wals[nodeId] = new ChronicleWal(new ChronicleWal.Context()
            .directory(walDirectory).recoveryDestination("iss"));
        final NodeDefinition definition = IssSchema.register(new NodeDefinition(nodeId, NODES))
            .module("net", network.module(nodeId))
            .module("hasher", new HasherModule())
            .module("crypto", new CryptoModule(keys.registry()))
            .module("timer", new TimerModule())
            .module("wal", wals[nodeId])
            .module("reqstore", new InMemoryRequestStore())
            .module("clients", new ClientTrackerModule(config, 16 * 1024))
            .module("iss", protocols[nodeId])
            .module("app", new ApplicationModule(apps[nodeId]))
            .module("replies", new ReplyModule(router));
        final Node node = Node.launch(definition, new Node.Context().ringSize(256).slotCapacity(64 * 1024)
            .ringSize("timer", 16).slotCapacity("timer", 1024).sharedThread(IdleMode.BLOCKING));
        nodes.set(nodeId, node);
        network.register(nodeId, node);
    }

    private boolean send(final int nodeId, final DirectBuffer buffer, final int offset, final int length)
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
        while (System.nanoTime() < deadline)
        {
            final Node node = nodes.get(nodeId);
            if (node == null || !node.isRunning())
            {
                return false;
            }
            final SubmitResult result = node.submit(node.moduleId("clients"), buffer, offset, length);
            if (result == SubmitResult.ACCEPTED)
            {
                return true;
            }
            if (result == SubmitResult.REJECTED)
            {
                return false;
            }
            LockSupport.parkNanos(TimeUnit.MICROSECONDS.toNanos(50));
        }
        return false;
    }

    private static void runPhase(final List<ClusterClient> clients, final int phase) throws Exception
    {
        final List<CompletableFuture<byte[]>> futures = new ArrayList<>();
        for (int r = 0; r < REQUESTS_PER_PHASE; r++)
        {
            for (final ClusterClient client : clients)
            {
                final String key = "k" + (r % 7);
                futures.add(client.submit(KvCommands.put(key,
                    ("v" + client.clientId() + "-" + phase + "-" + r).getBytes(StandardCharsets.UTF_8))));
            }
        }
        final CompletableFuture<Void> all = CompletableFuture.allOf(futures.toArray(new CompletableFuture<?>[0]));
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true)
        {
            try
            {
                all.get(300, TimeUnit.MILLISECONDS);
                return;
            }
            catch (final TimeoutException ex)
            {
                assertThat(System.nanoTime()).as("phase " + phase + " completes").isLessThan(deadline);
                for (final ClusterClient client : clients)
                {
                    client.resendOlderThan(TimeUnit.MILLISECONDS.toNanos(300));
                }
            }
        }
    }

    private long lastDelivered()
    {
        long last = 0;
        for (final LoggingKv app : apps)
        {
            last = Math.max(last, app.lastSeqNo);
        }
        return last;
    }

    /**
     * KvStore recording every delivered batch in a map shared by all nodes and incarnations (seqNo to request ids):
     * a different batch at a known sequence number is a conflict. Called on the app's stage thread.
     */
    private static final class LoggingKv implements Application
    {
        final KvStore store = new KvStore();
        final Map<Long, String> batches;
        final List<String> conflicts;
        volatile long lastSeqNo = -1;

        LoggingKv(final Map<Long, String> batches, final List<String> conflicts)
        {
            this.batches = batches;
            this.conflicts = conflicts;
        }

        @Override
        public void apply(final long seqNo, final Batch batch, final Results results)
        {
            final long[] ids = new long[batch.size()];
            for (int i = 0; i < batch.size(); i++)
            {
                ids[i] = (batch.clientId(i) << 32) | batch.requestNo(i);
            }
            final String entry = Arrays.toString(ids);
            final String previous = batches.putIfAbsent(seqNo, entry);
            if (previous != null && !previous.equals(entry))
            {
                conflicts.add(seqNo + ": " + previous + " vs " + entry);
            }
            store.apply(seqNo, batch, results);
            lastSeqNo = seqNo;
        }

        @Override
        public byte[] snapshot()
        {
            return store.snapshot();
        }

        @Override
        public void restore(final byte[] snapshot)
        {
            store.restore(snapshot);
        }
    }
}
