package io.jmir.protocols.iss;

import io.jmir.codecs.engine.Scheme;
import io.jmir.engine.sim.MessageManglers;
import io.jmir.engine.sim.SimulationRunner;
import io.jmir.protocols.testkit.IssSimulation;
import io.jmir.protocols.testkit.RecordingApp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * PBFT view change per segment and the blacklist leader policy (ADR 0013), in the simulation: a leader silent from
 * the start or from the middle of a segment is replaced (prepared batches re-proposed, the rest filled with empty
 * batches), the epoch completes, every request is delivered exactly once and identically; the blacklist policy
 * excludes the suspect so later epochs need far fewer view changes than with every node leading; a lossy network
 * (retransmission, catch-up) still delivers everything.
 */
class IssViewChangeTest
{
    private static final int REQUESTS = 15;

    @Test
    @Timeout(120)
    void shouldReplaceASilentLeaderAndExcludeIt()
    {
        SimulationRunner.run(5, seed ->
        {
            final long withBlacklist = runSilent(seed, true);
            final long withoutBlacklist = runSilent(seed, false);
            assertThat(withBlacklist).as("view changes with the blacklist policy vs every node leading")
                .isLessThan(withoutBlacklist);
        });
    }

    @Test
    @Timeout(120)
    void shouldCompleteTheEpochWhenALeaderFallsSilentMidSegment()
    {
        SimulationRunner.run(10, seed ->
        {
            final IssConfig config = IssSimulation.config(4, Scheme.HMAC_SHA256, 4);
            try (IssSimulation c = new IssSimulation(seed, config, 4, REQUESTS, 4, 0.0,
                node -> new BlacklistLeaderPolicy(config), null))
            {
                final long silentFrom = TimeUnit.MILLISECONDS.toNanos(8 + seed % 20);
                c.simulation().network().addMangler(2, (from, to, message, offset, length, output) ->
                {
                    if (output.nowNs() < silentFrom)
                    {
                        output.send(message, offset, length);
                    }
                });
                c.start();
                final RecordingApp[] correct = {c.app(0), c.app(1), c.app(3)};
                assertLive(c, correct);
                assertThat(c.node(0).iss.stats().viewChanges()).isPositive();
            }
        });
    }

    @Test
    @Timeout(120)
    void shouldDeliverEverythingOverALossyNetwork()
    {
        SimulationRunner.run(10, seed ->
        {
            final IssConfig config = IssSimulation.config(4, Scheme.HMAC_SHA256, 4);
            try (IssSimulation c = new IssSimulation(seed, config, 4, REQUESTS, 4, 0.05,
                node -> new BlacklistLeaderPolicy(config), null))
            {
                c.simulation().network().dropProbability(0.05);
                c.start();
                assertLive(c, c.apps());
                long catchUp = 0;
                for (int node = 0; node < 4; node++)
                {
                    catchUp += c.node(node).iss.stats().catchUpRequests();
                }
                assertThat(catchUp).as("lost messages were made up by catch-up requests").isPositive();
            }
        });
    }

    @Test
    void shouldExcludeSuspectsForThePenaltyAndKeepNMinusFLeaders()
    {
        final BlacklistLeaderPolicy policy = new BlacklistLeaderPolicy(7, 2, 2);
        assertThat(policy.leaderCount(0)).isEqualTo(7);
        policy.epochDelivered(0, new boolean[]{false, true, false, false, false, false, false});
        assertThat(leaders(policy, 1)).containsExactly(0, 2, 3, 4, 5, 6);
        assertThat(leaders(policy, 2)).containsExactly(0, 2, 3, 4, 5, 6);
        assertThat(leaders(policy, 3)).as("readmitted after 2 epochs").containsExactly(0, 1, 2, 3, 4, 5, 6);
        policy.epochDelivered(3, new boolean[]{true, false, false, false, false, false, false});
        policy.epochDelivered(4, new boolean[]{false, false, true, true, false, false, false});
        assertThat(leaders(policy, 5)).as("n - f = 5 leaders at least: the oldest suspect (0) is readmitted")
            .containsExactly(0, 1, 4, 5, 6);
        final BlacklistLeaderPolicy copy = new BlacklistLeaderPolicy(7, 2, 2);
        copy.restore(policy.suspectedIn());
        assertThat(leaders(copy, 5)).isEqualTo(leaders(policy, 5));
    }

    private static int[] leaders(final BlacklistLeaderPolicy policy, final long epoch)
    {
        final int[] leaders = new int[policy.leaderCount(epoch)];
        for (int i = 0; i < leaders.length; i++)
        {
            leaders[i] = policy.leader(epoch, i);
        }
        return leaders;
    }

    private static long runSilent(final long seed, final boolean blacklist)
    {
        final IssConfig config = IssSimulation.config(4, Scheme.HMAC_SHA256, 4);
        try (IssSimulation c = new IssSimulation(seed, config, 4, REQUESTS, 4, 0.0,
            blacklist ? node -> new BlacklistLeaderPolicy(config) : node -> new SimpleLeaderPolicy(4), null))
        {
            c.simulation().network().addMangler(1, MessageManglers.dropAll());
            c.start();
            final RecordingApp[] correct = {c.app(0), c.app(2), c.app(3)};
            assertLive(c, correct);
            final IssStats stats = c.node(0).iss.stats();
            assertThat(stats.viewChanges()).as("the silent leader was replaced").isPositive();
            return stats.viewChanges() * 1000 / Math.max(1, stats.currentEpoch());
        }
    }

    private static void assertLive(final IssSimulation c, final RecordingApp[] correct)
    {
        final long expected = c.clients().expectedRequests();
        final boolean done = c.runUntil(() -> c.clients().allCompleted() &&
            IssSimulationTest.allApplied(correct, expected), TimeUnit.SECONDS.toNanos(30));
        assertThat(c.simulation().failures()).as("module failures").isEmpty();
        assertThat(done).as("every request delivered by the correct nodes: " + c.node(0).iss.stats()).isTrue();
        IssSimulationTest.assertSameLogs(correct);
        for (final RecordingApp app : correct)
        {
            IssSimulationTest.assertExactlyOnceOrNoDuplicates(app, 4, REQUESTS);
        }
        assertThat(c.clients().mismatchedReplies()).isZero();
    }
}
