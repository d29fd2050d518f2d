package io.jmir.protocols.iss;

import io.jmir.codecs.engine.Scheme;
import io.jmir.engine.sim.SimulationRunner;
import io.jmir.protocols.testkit.IssNode;
import io.jmir.protocols.testkit.IssSimulation;
import io.jmir.protocols.testkit.RecordingApp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * ISS with PBFT orderers in the engine's deterministic simulation runtime: 4 nodes (f=1) and 7 nodes (f=2), many
 * seeds per run ({@value #SEEDS_4} and {@value #SEEDS_7}; -Djmir.sim.seeds / -Djmir.sim.firstSeed /
 * -Djmir.sim.seed=N change that), random client load with resubmissions to all nodes and duplicated network
 * messages. Checks: all nodes deliver the same batches at the same sequence numbers; every submitted request is
 * delivered exactly once; every client gets f+1 (in fact n) matching replies; checkpoints become stable and the
 * WAL is truncated; final application state equal everywhere. A failing seed prints its reproduce command.
 */
class IssSimulationTest
{
    static final int SEEDS_4 = 100;
    static final int SEEDS_7 = 40;
    private static final long VIRTUAL_LIMIT_NS = TimeUnit.SECONDS.toNanos(120);

    @Test
    @Timeout(150)
    void shouldOrderIdenticallyAndExactlyOnceWithFourNodes()
    {
        SimulationRunner.run(SEEDS_4, seed -> run(seed, 4, seed % 2 == 0 ? Scheme.HMAC_SHA256 : Scheme.ED25519, 6,
            20));
    }

    @Test
    @Timeout(150)
    void shouldOrderIdenticallyAndExactlyOnceWithSevenNodes()
    {
        SimulationRunner.run(SEEDS_7, seed -> run(seed, 7, seed % 2 == 0 ? Scheme.ED25519 : Scheme.HMAC_SHA256, 5,
            12));
    }

    @Test
    @Timeout(60)
    void shouldProduceTheSameRunForTheSameSeed()
    {
        final String a;
        final String b;
        try (IssSimulation first = run(77, 4, Scheme.HMAC_SHA256, 6, 20))
        {
            a = first.simulation().traceDigest() + "@" + first.simulation().stepCount() + "/" + first.app(2).state();
        }
        try (IssSimulation second = run(77, 4, Scheme.HMAC_SHA256, 6, 20))
        {
            b = second.simulation().traceDigest() + "@" + second.simulation().stepCount() + "/" +
                second.app(2).state();
        }
        assertThat(b).isEqualTo(a);
    }

    static IssSimulation run(final long seed, final int n, final Scheme scheme, final int clientCount,
        final int requestsPerClient)
    {
        final IssSimulation c = new IssSimulation(seed, IssSimulation.config(n, scheme, clientCount), clientCount,
            requestsPerClient, 4, 0.05).start();
        final int expected = c.clients().expectedRequests();
        final boolean done = c.runUntil(() -> c.clients().allReplied() && allApplied(c.apps(), expected),
            VIRTUAL_LIMIT_NS);
        assertThat(c.simulation().failures()).as("module failures").isEmpty();
        assertThat(done).as("all requests completed and applied everywhere (n=" + n + "); completions=" +
            c.clients().completions() + " stats=" + c.node(0).iss.stats()).isTrue();
        assertSameLogs(c.apps());
        assertExactlyOnce(c.app(0), clientCount, requestsPerClient);
        assertThat(c.clients().mismatchedReplies()).as("mismatched replies").isZero();
        for (int i = 0; i < n; i++)
        {
            final IssNode node = c.node(i);
            assertThat(node.clients.duplicates()).as("resubmissions were deduplicated").isPositive();
            assertThat(node.iss.stats().stableEpoch()).as("checkpoints became stable").isGreaterThanOrEqualTo(0);
            assertThat(node.wal.truncations()).as("WAL truncated at stable checkpoints").isPositive();
            assertThat(c.app(i).state()).as("app state of node " + i).isEqualTo(c.app(0).state());
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

    /**
     * Every node delivers in increasing sequence numbers and all nodes that delivered a sequence number delivered
     * the same batch there (a node that caught up by state transfer has a gap where it restored a snapshot).
     */
    static void assertSameLogs(final RecordingApp[] apps)
    {
        final java.util.Map<Long, RecordingApp.Delivered> reference = new java.util.HashMap<>();
        for (int node = 0; node < apps.length; node++)
        {
            long previous = -1;
            for (final RecordingApp.Delivered b : apps[node].log())
            {
                assertThat(b.seqNo()).as("node " + node + " delivers in order").isGreaterThan(previous);
                previous = b.seqNo();
                final RecordingApp.Delivered a = reference.putIfAbsent(b.seqNo(), b);
                if (a != null)
                {
                    assertThat(b.clientIds()).as("node " + node + " seq " + b.seqNo()).isEqualTo(a.clientIds());
                    assertThat(b.requestNos()).as("node " + node + " seq " + b.seqNo()).isEqualTo(a.requestNos());
                }
            }
        }
    }

    /**
     * Exactly once for an app that delivered from the start; no request twice for one restored by state transfer
     * (its log starts at the restored checkpoint).
     */
    static void assertExactlyOnceOrNoDuplicates(final RecordingApp app, final int clients, final int requestsPerClient)
    {
        if (app.restores() == 0)
        {
            assertExactlyOnce(app, clients, requestsPerClient);
            return;
        }
        final Set<Long> seen = new HashSet<>();
        for (final RecordingApp.Delivered d : app.log())
        {
            for (int i = 0; i < d.clientIds().length; i++)
            {
                assertThat(seen.add((d.clientIds()[i] << 32) | d.requestNos()[i])).as("request delivered twice")
                    .isTrue();
            }
        }
    }

    static void assertExactlyOnce(final RecordingApp app, final int clients, final int requestsPerClient)
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
        assertThat(duplicates).as("requests delivered twice").isEmpty();
        assertThat(seen).as("delivered requests").hasSize(clients * requestsPerClient);
        for (long c = 0; c < clients; c++)
        {
            for (long r = 0; r < requestsPerClient; r++)
            {
                assertThat(seen).as("request " + c + "/" + r).contains((c << 32) | r);
            }
        }
    }
}
