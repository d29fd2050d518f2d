package io.jmir.protocols.iss;

import io.jmir.codecs.engine.Scheme;
import io.jmir.engine.sim.SimulationRunner;
import io.jmir.protocols.testkit.IssSimulation;
import io.jmir.protocols.testkit.RecordingApp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Crash recovery from the WAL (ADR 0014) in the deterministic simulation: nodes — leaders included, every node leads
 * a segment — crash at random points of the protocol (mid-batch, mid-epoch, during checkpoints) and restart on their
 * durable WAL, {@value #CRASHES} times per run over {@value #SEEDS} seeds (-Djmir.sim.seeds / -Djmir.sim.seed=N).
 * Checks: no node ever says two different things on the wire for the same slot, view or checkpoint across its
 * restarts (pre-prepare, prepare, commit, checkpoint); every incarnation of every node delivered the same batch at
 * every sequence number it delivered; every request took exactly one sequence number; every client request
 * completed with matching replies; all nodes end in the same app state.
 */
class IssRecoveryTest
{
    static final int SEEDS = 40;
    static final int CRASHES = 6;
    private static final long LIMIT_NS = TimeUnit.SECONDS.toNanos(60);

    @Test
    @Timeout(240)
    void shouldRecoverFromCrashesAtManyPointsWithoutContradictingItself()
    {
        SimulationRunner.run(SEEDS, (seed) ->
        {
            final int clients = 4;
            final int requests = 25;
            try (IssSimulation c = new IssSimulation(seed, IssSimulation.config(4, Scheme.HMAC_SHA256, clients),
                clients, requests, 4, 0.02))
            {
                final VoteRecorder votes = new VoteRecorder();
                c.simulation().network().addMangler(votes);
                c.clients().resubmitUntilCompleted(TimeUnit.MILLISECONDS.toNanos(25));
                final boolean[] crashesDone = {false};
                scheduleCrashes(c, new SplittableRandom(seed * 7919), crashesDone);
                c.start();
                final boolean done = c.runUntil(() -> crashesDone[0] && converged(c, clients * requests), LIMIT_NS);
                assertThat(c.simulation().failures()).as("module failures").isEmpty();
                assertThat(done).as("converged after the crashes: " + describe(c)).isTrue();
                assertThat(votes.recorded()).isPositive();
                assertThat(votes.contradictions()).as("a node contradicted what it said before a crash").isEmpty();
                assertConsistentAcrossIncarnations(c, clients * requests);
                assertThat(c.clients().mismatchedReplies()).as("mismatched replies").isZero();
                long recovered = 0;
                for (int i = 0; i < 4; i++)
                {
                    recovered += c.node(i).iss.recoveryStats().recoveredEntries();
                }
                assertThat(recovered).as("restarted nodes replayed their WAL").isPositive();
            }
        });
    }

    private static void scheduleCrashes(final IssSimulation c, final SplittableRandom random,
        final boolean[] crashesDone)
    {
        long at = TimeUnit.MILLISECONDS.toNanos(2);
        for (int i = 0; i < CRASHES; i++)
        {
            at += random.nextLong(TimeUnit.MILLISECONDS.toNanos(40));
            final long down = TimeUnit.MICROSECONDS.toNanos(100) + random.nextLong(TimeUnit.MILLISECONDS.toNanos(30));
            final int node = random.nextInt(4);
            c.schedule(at, () -> c.simulation().crash(node));
            c.schedule(at + down, () -> c.simulation().restart(node));
            at += down;
        }
        c.schedule(at + 1, () -> crashesDone[0] = true);
    }

    static boolean converged(final IssSimulation c, final long expected)
    {
        if (!c.clients().allCompleted())
        {
            return false;
        }
        for (int i = 0; i < c.nodeCount(); i++)
        {
            if (!c.simulation().isRunning(i) || c.app(i).applied() < expected || c.app(i).state() != c.app(0).state())
            {
                return false;
            }
        }
        return true;
    }

    static String describe(final IssSimulation c)
    {
        final StringBuilder b = new StringBuilder("completions=" + c.clients().completions());
        for (int i = 0; i < c.nodeCount(); i++)
        {
            b.append("\n node ").append(i).append(" running=").append(c.simulation().isRunning(i))
                .append(" applied=").append(c.app(i).applied()).append(" ").append(c.node(i).iss.stats())
                .append(" ").append(c.node(i).iss.recoveryStats());
        }
        return b.toString();
    }

    /**
     * Safety over every incarnation of every node: the same batch at every sequence number, each request at one
     * sequence number only, and (state) every request applied exactly once.
     */
    static void assertConsistentAcrossIncarnations(final IssSimulation c, final long expected)
    {
        final List<RecordingApp> all = new ArrayList<>();
        for (int i = 0; i < c.nodeCount(); i++)
        {
            all.addAll(c.incarnations(i));
        }
        IssSimulationTest.assertSameLogs(all.toArray(new RecordingApp[0]));
        final Map<Long, Long> seqNoOf = new HashMap<>();
        for (final RecordingApp app : all)
        {
            for (final RecordingApp.Delivered d : app.log())
            {
                for (int r = 0; r < d.clientIds().length; r++)
                {
                    final long key = (d.clientIds()[r] << 32) | d.requestNos()[r];
                    final Long previous = seqNoOf.putIfAbsent(key, d.seqNo());
                    assertThat(previous == null || previous == d.seqNo())
                        .as("request " + d.clientIds()[r] + "/" + d.requestNos()[r] + " at seq " + previous +
                            " and " + d.seqNo()).isTrue();
                }
            }
        }
        for (int i = 0; i < c.nodeCount(); i++)
        {
            assertThat(c.app(i).applied()).as("node " + i + " applied every request exactly once")
                .isEqualTo(expected);
            assertThat(c.app(i).state()).as("app state of node " + i).isEqualTo(c.app(0).state());
        }
    }
}
