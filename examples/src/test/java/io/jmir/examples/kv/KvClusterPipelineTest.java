package io.jmir.examples.kv;

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
import io.jmir.protocols.testkit.PipelineCluster;
import io.jmir.protocols.testkit.TestKeys;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The replicated KV store on 4 pipeline-runtime nodes in one JVM over the in-JVM LocalNetwork, with 4 concurrent
 * clients (random put/get/delete/compare-and-set on a small key space, futures completing at f+1 matching
 * replies). Checks: every request completes and is answered by n - f nodes; where nodes applied the same sequence
 * number they applied the same batch, every request exactly once over all nodes; identical final KV state on every
 * node that applied all batches (at least n - f: a node that fell behind may install a checkpoint instead).
 */
class KvClusterPipelineTest
{
    private static final int NODES = 4;
    private static final int CLIENTS = 4;
    private static final int REQUESTS = 150;

    @ParameterizedTest
    @EnumSource(value = Scheme.class, names = {"HMAC_SHA256", "ED25519"})
    @Timeout(120)
    void shouldReplicateTheKvStoreOnFourNodesInOneJvm(final Scheme scheme) throws Exception
    {
        final IssConfig config = new IssConfig().nodeCount(NODES).maxBatchSize(32).batchTimeoutNs(2_000_000)
            .segmentLength(4).clientCount(CLIENTS).clientWatermarkWindow(256).maxRequestBytes(256)
            .clientAuthScheme(scheme);
        final TestKeys keys = new TestKeys(11, CLIENTS, NODES);
        final ReplyRouter router = new ReplyRouter(CLIENTS);
        // A request counts once n - f nodes replied: a node that fell behind may install a checkpoint covering some
        // requests (state transfer) and never execute or answer them.
        final int quorum = NODES - (NODES - 1) / 3;
        final ConcurrentHashMap<Long, AtomicInteger> replies =
            new ConcurrentHashMap<>();
        final CountDownLatch allReplies = new CountDownLatch(CLIENTS * REQUESTS);
        final LoggingKv[] apps = new LoggingKv[NODES];
        try (PipelineCluster cluster = new PipelineCluster(config, keys, i -> apps[i] = new LoggingKv(),
            (node, client, requestNo, seqNo, result, offset, length) ->
            {
                router.onReply(node, client, requestNo, seqNo, result, offset, length);
                if (replies.computeIfAbsent(client * 1_000_000L + requestNo,
                    k -> new AtomicInteger()).incrementAndGet() == quorum)
                {
                    allReplies.countDown();
                }
            }, 1, 0))
        {
            final LocalClusterSender sender = new LocalClusterSender(cluster.nodes(), TimeUnit.SECONDS.toNanos(1));
            final ExecutorService executor = Executors.newFixedThreadPool(CLIENTS);
            try
            {
                final List<Future<Integer>> runs = new ArrayList<>();
                for (int c = 0; c < CLIENTS; c++)
                {
                    final ClientAuthenticator auth = scheme == Scheme.ED25519 ?
                        new Ed25519Authenticator(keys.privateKey(c), keys.publicKey(c)) :
                        new HmacAuthenticator(new byte[][]{
                            keys.macKey(c, 0), keys.macKey(c, 1), keys.macKey(c, 2), keys.macKey(c, 3)});
                    final ClusterClient client = router.register(new ClusterClient(c, NODES, config.f(), auth,
                        sender, 16));
                    final int seed = c;
                    runs.add(executor.submit(() -> runClient(client, seed)));
                }
                for (final Future<Integer> run : runs)
                {
                    assertThat(run.get(90, TimeUnit.SECONDS)).isEqualTo(REQUESTS);
                }
                assertThat(allReplies.await(60, TimeUnit.SECONDS)).as("n - f nodes replied to every request; " +
                    "reply counts: " +
                    replies.values().stream().collect(Collectors.groupingBy(
                        AtomicInteger::get, Collectors.counting())) +
                    ", keys " + replies.size()).isTrue();
            }
            finally
            {
                executor.shutdownNow();
            }
        }
        assertThat(router.unrouted()).isZero();
        // Batches by sequence number over all nodes: where two nodes applied a sequence number they applied the
        // same batch; a node that installed a checkpoint has a gap instead.
        final TreeMap<Long, String> bySeqNo = new TreeMap<>();
        long lastWithRequests = -1;
        for (final LoggingKv app : apps)
        {
            for (final String entry : app.log)
            {
                final long seqNo = Long.parseLong(entry.substring(0, entry.indexOf(':')));
                final String previous = bySeqNo.putIfAbsent(seqNo, entry);
                assertThat(previous == null ? entry : previous).as("batch at " + seqNo).isEqualTo(entry);
                if (!entry.endsWith(":"))
                {
                    lastWithRequests = Math.max(lastWithRequests, seqNo);
                }
            }
        }
        final Set<String> seen = new HashSet<>();
        for (final String entry : bySeqNo.values())
        {
            for (final String id : entry.substring(entry.indexOf(':') + 1).split(","))
            {
                if (!id.isEmpty())
                {
                    assertThat(seen.add(id)).as("request " + id + " delivered once").isTrue();
                }
            }
        }
        assertThat(seen).hasSize(CLIENTS * REQUESTS);
        int complete = 0;
        byte[] reference = null;
        for (int i = 0; i < NODES; i++)
        {
            final List<String> log = apps[i].log;
            final String last = log.isEmpty() ? "-1:" : log.get(log.size() - 1);
            if (Long.parseLong(last.substring(0, last.indexOf(':'))) >= lastWithRequests)
            {
                complete++;
                final byte[] state = apps[i].store.snapshot();
                reference = reference == null ? state : reference;
                assertThat(state).as("node " + i + " KV state").isEqualTo(reference);
            }
        }
        assertThat(complete).as("nodes that applied every batch holding requests").isGreaterThanOrEqualTo(quorum);
        assertThat(reference).isNotNull();
        assertThat(reference.length).as("KV state size").isPositive();
    }

    private static int runClient(final ClusterClient client, final int seed) throws Exception
    {
        final Random random = new Random(seed);
        final List<CompletableFuture<byte[]>> futures = new ArrayList<>();
        for (int r = 0; r < REQUESTS; r++)
        {
            final String key = "k" + random.nextInt(10);
            final byte[] value = ("v" + seed + "-" + r).getBytes(StandardCharsets.UTF_8);
            final byte[] command = switch (random.nextInt(4))
            {
                case 0 -> KvCommands.get(key);
                case 1 -> KvCommands.delete(key);
                case 2 -> KvCommands.compareAndSet(key, null, value);
                default -> KvCommands.put(key, value);
            };
            futures.add(client.submit(command));
        }
        final CompletableFuture<Void> all = CompletableFuture.allOf(futures.toArray(new CompletableFuture<?>[0]));
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(80);
        while (true)
        {
            try
            {
                all.get(500, TimeUnit.MILLISECONDS);
                break;
            }
            catch (final TimeoutException ex)
            {
                if (System.nanoTime() > deadline)
                {
                    throw ex;
                }
                client.resendOlderThan(TimeUnit.MILLISECONDS.toNanos(500));
            }
        }
        int ok = 0;
        for (final CompletableFuture<byte[]> f : futures)
        {
            final byte status = KvCommands.status(f.get());
            ok += status <= KvCommands.CAS_FAILED ? 1 : 0;
        }
        return ok;
    }

    /** KvStore plus a log of delivered batches (seqNo:client/request,...), written on the app thread only. */
    private static final class LoggingKv implements Application
    {
        final KvStore store = new KvStore();
        final List<String> log = new ArrayList<>();

        @Override
        public void apply(final long seqNo, final Batch batch, final Results results)
        {
            final StringBuilder entry = new StringBuilder().append(seqNo).append(':');
            for (int i = 0; i < batch.size(); i++)
            {
                entry.append(batch.clientId(i)).append('/').append(batch.requestNo(i)).append(',');
            }
            log.add(entry.toString());
            store.apply(seqNo, batch, results);
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
