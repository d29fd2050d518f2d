package io.jmir.protocols.iss;

import io.jmir.codecs.engine.Scheme;
import io.jmir.protocols.testkit.IssNode;
import io.jmir.protocols.testkit.RecordingApp;
import io.jmir.protocols.testkit.SimClients;
import io.jmir.protocols.testkit.SimCluster;
import io.jmir.protocols.testkit.TestKeys;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * ISS with PBFT orderers in the deterministic simulation: 4 nodes (f=1) and 7 nodes (f=2), many seeds, random
 * client load with resubmissions and duplicated network messages. Checks: all nodes deliver the same batches at
 * the same sequence numbers; every submitted request is delivered exactly once; every client gets f+1 (in fact
 * n) matching replies. Seeds per run: {@value #SEEDS_4} for n=4 and {@value #SEEDS_7} for n=7 (the seed base
 * can be moved with -Djmir.iss.seedBase=N; one seed alone with -Djmir.iss.seed=N).
 */
class IssSimulationTest
{
    static final int SEEDS_4 = 64;
    static final int SEEDS_7 = 24;
    private static final long VIRTUAL_LIMIT_NS = TimeUnit.SECONDS.toNanos(120);

    static LongStream seeds4()
    {
        return seeds(SEEDS_4);
    }

    static LongStream seeds7()
    {
        return seeds(SEEDS_7);
    }

    private static LongStream seeds(final int count)
    {
        final Long single = Long.getLong("jmir.iss.seed");
        if (single != null)
        {
            return LongStream.of(single);
        }
        final long base = Long.getLong("jmir.iss.seedBase", 1000);
        return LongStream.range(base, base + count);
    }

    @ParameterizedTest(name = "n=4 seed={0}")
    @MethodSource("seeds4")
    @Timeout(60)
    void shouldOrderIdenticallyAndExactlyOnceWithFourNodes(final long seed)
    {
        run(seed, 4, seed % 2 == 0 ? Scheme.HMAC_SHA256 : Scheme.ED25519, 6, 20);
    }

    @ParameterizedTest(name = "n=7 seed={0}")
    @MethodSource("seeds7")
    @Timeout(60)
    void shouldOrderIdenticallyAndExactlyOnceWithSevenNodes(final long seed)
    {
        run(seed, 7, seed % 2 == 0 ? Scheme.ED25519 : Scheme.HMAC_SHA256, 5, 12);
    }

    @Test
    @Timeout(60)
    void shouldProduceTheSameRunForTheSameSeed()
    {
        final Cluster a = run(77, 4, Scheme.HMAC_SHA256, 3, 10);
        final Cluster b = run(77, 4, Scheme.HMAC_SHA256, 3, 10);
        assertThat(b.sim.steps()).isEqualTo(a.sim.steps());
        assertThat(b.sim.nowNs()).isEqualTo(a.sim.nowNs());
        assertThat(b.apps[2].state()).isEqualTo(a.apps[2].state());
    }

    static IssConfig config(final int n, final Scheme scheme, final int clients)
    {
        return new IssConfig().nodeCount(n).maxBatchSize(6).batchTimeoutNs(3_000_000).segmentLength(3)
            .clientCount(clients).clientWatermarkWindow(128).epochWindow(2).maxRequestBytes(200)
            .clientAuthScheme(scheme);
    }

    static final class Cluster
    {
        SimCluster sim;
        IssNode[] nodes;
        RecordingApp[] apps;
        SimClients clients;
        IssConfig config;
    }

    static Cluster build(final long seed, final int n, final Scheme scheme, final int clientCount,
        final int requestsPerClient)
    {
        final Cluster c = new Cluster();
        c.config = config(n, scheme, clientCount);
        final TestKeys keys = new TestKeys(seed, clientCount, n);
        c.sim = new SimCluster(seed).duplicateProbability(0.05);
        c.nodes = new IssNode[n];
        c.apps = new RecordingApp[n];
        final SimClients[] holder = new SimClients[1];
        c.sim.nodes(n, i ->
        {
            c.apps[i] = new RecordingApp();
            c.nodes[i] = new IssNode(i, c.config, c.sim.netModule(i), keys, c.sim::nowNs, c.apps[i],
                (node, client, requestNo, seqNo, result, offset, length) ->
                    holder[0].onReply(node, client, requestNo, seqNo, result, offset, length), 8 * 1024);
            return c.nodes[i].definition;
        });
        final int clientsModuleId = c.nodes[0].definition.moduleId("clients");
        c.clients = new SimClients(c.sim, keys, scheme, n, c.config.f(), clientsModuleId, requestsPerClient, 4,
            120, 0.3);
        holder[0] = c.clients;
        return c;
    }

    static Cluster run(final long seed, final int n, final Scheme scheme, final int clientCount,
        final int requestsPerClient)
    {
        final Cluster c = build(seed, n, scheme, clientCount, requestsPerClient);
        c.sim.start();
        c.clients.start();
        final int expected = c.clients.expectedRequests();
        final boolean done = c.sim.runUntil(() -> c.clients.allReplied() && allApplied(c.apps, expected),
            VIRTUAL_LIMIT_NS);
        final String reproduce = " — reproduce: mvn -B -pl protocols -am verify -Dtest=IssSimulationTest " +
            "-Djmir.iss.seed=" + seed + " -Dsurefire.failIfNoSpecifiedTests=false (n=" + n + ")";
        assertThat(done).as("all requests completed and applied everywhere, seed " + seed + reproduce +
            "; completions=" + c.clients.completions() + " stats=" + c.nodes[0].iss.stats()).isTrue();
        assertSameLogs(c.apps, reproduce);
        assertExactlyOnce(c.apps[0], clientCount, requestsPerClient, reproduce);
        assertThat(c.clients.mismatchedReplies()).as("mismatched replies" + reproduce).isZero();
        for (int i = 0; i < n; i++)
        {
            final IssNode node = c.nodes[i];
            assertThat(node.clients.duplicates()).as("resubmissions were deduplicated" + reproduce).isPositive();
            assertThat(node.iss.stats().stableEpoch()).as("checkpoints became stable" + reproduce).isPositive();
            assertThat(node.wal.truncations()).as("WAL truncated at stable checkpoints" + reproduce).isPositive();
            assertThat(c.apps[i].state()).as("app state of node " + i + reproduce).isEqualTo(c.apps[0].state());
        }
        return c;
    }

    static boolean allApplied(final RecordingApp[] apps, final long expected)
    {
        for (final RecordingApp app : apps)
        {
            if (app.applied() < expected)
            {
                return false;
            }
        }
        return true;
    }

    static void assertSameLogs(final RecordingApp[] apps, final String reproduce)
    {
        final List<RecordingApp.Delivered> reference = apps[0].log();
        for (int node = 1; node < apps.length; node++)
        {
            final List<RecordingApp.Delivered> log = apps[node].log();
            final int common = Math.min(reference.size(), log.size());
            for (int i = 0; i < common; i++)
            {
                final RecordingApp.Delivered a = reference.get(i);
                final RecordingApp.Delivered b = log.get(i);
                assertThat(b.seqNo()).as("node " + node + " batch " + i + reproduce).isEqualTo(i);
                assertThat(a.seqNo()).isEqualTo(i);
                assertThat(b.clientIds()).as("node " + node + " seq " + i + reproduce).isEqualTo(a.clientIds());
                assertThat(b.requestNos()).as("node " + node + " seq " + i + reproduce).isEqualTo(a.requestNos());
            }
        }
    }

    static void assertExactlyOnce(final RecordingApp app, final int clients, final int requestsPerClient,
        final String reproduce)
    {
        final Set<Long> seen = new HashSet<>();
        final List<Long> duplicates = new ArrayList<>();
        for (final RecordingApp.Delivered d : app.log())
        {
            for (int i = 0; i < d.clientIds().length; i++)
            {
                final long key = (d.clientIds()[i] << 32) | d.requestNos()[i];
                if (!seen.add(key))
                {
                    duplicates.add(key);
                }
            }
        }
        assertThat(duplicates).as("requests delivered twice" + reproduce).isEmpty();
        assertThat(seen).as("delivered requests" + reproduce).hasSize(clients * requestsPerClient);
        for (long c = 0; c < clients; c++)
        {
            for (long r = 0; r < requestsPerClient; r++)
            {
                assertThat(seen).as("request " + c + "/" + r + reproduce).contains((c << 32) | r);
            }
        }
    }
}
