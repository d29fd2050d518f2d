package io.jmir.engine.sim;

import io.jmir.engine.SubmitResult;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.HashSet;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

@Timeout(60)
class SimulationDeterminismTest
{
    private static final long MS = 1_000_000L;

    /** Outcome of one run of the scenario. */
    private static final class Run
    {
        final SimulationTrace trace;
        final long completed;
        final long steps;

        Run(final SimulationTrace trace, final long completed, final long steps)
        {
            this.trace = trace;
            this.completed = completed;
            this.steps = steps;
        }
    }

    /**
     * Four nodes under loss and duplication, a crash and a restart: enough going on that any
     * nondeterminism in scheduling, network or restart would show in the trace.
     */
    private static Run runScenario(final long seed, final boolean record)
    {
        final EchoCluster cluster = new EchoCluster(4, true, true, 5 * MS);
        try (Simulation sim = new Simulation(new Simulation.Context()
            .seed(seed)
            .nodeCount(4)
            .dropProbability(0.1)
            .duplicateProbability(0.1)
            .recordTrace(record), cluster))
        {
            final UnsafeBuffer request = SimEvents.clientRequest(7, 1);
            for (int node = 0; node < 4; node++)
            {
                for (int i = 0; i < 3; i++)
                {
                    assertThat(sim.submit(node, "protocol", request, 0, request.capacity()))
                        .isEqualTo(SubmitResult.ACCEPTED);
                }
            }
            sim.runUntil(20 * MS);
            sim.crash(3);
            sim.runUntil(40 * MS);
            sim.restart(3);
            sim.submit(3, "protocol", request, 0, request.capacity());
            sim.runUntil(() -> cluster.completed() == 13, 500 * MS);
            assertThat(sim.failures()).isEmpty();
            return new Run(sim.trace(), cluster.completed(), sim.stepCount());
        }
    }

    @Test
    void shouldProduceIdenticalTracesForTheSameSeed()
    {
        final Run first = runScenario(42, true);
        final Run second = runScenario(42, true);

        assertThat(first.completed).isEqualTo(13);
        assertThat(first.trace.records()).hasSizeGreaterThan(200);
        assertThat(first.trace.isComplete()).isTrue();
        assertThat(second.trace.digest()).isEqualTo(first.trace.digest());
        assertThat(second.trace.records()).isEqualTo(first.trace.records());
        assertThat(first.trace.firstDifference(second.trace)).isEmpty();
        assertThat(second.steps).isEqualTo(first.steps);
    }

    @Test
    void shouldKeepTheSameDigestWhetherOrNotTheTraceIsRecorded()
    {
        assertThat(runScenario(5, false).trace.digest()).isEqualTo(runScenario(5, true).trace.digest());
    }

    @Test
    void shouldProduceDifferentTracesForDifferentSeeds()
    {
        final Set<String> digests = new HashSet<>();
        for (long seed = 1; seed <= 6; seed++)
        {
            digests.add(runScenario(seed, false).trace.digest());
        }
        assertThat(digests).hasSize(6);
    }

    @Test
    void shouldDescribeTheFirstDifferenceBetweenTraces()
    {
        final SimulationTrace a = runScenario(1, true).trace;
        final SimulationTrace b = runScenario(2, true).trace;

        assertThat(a.firstDifference(b)).hasValueSatisfying((difference) -> assertThat(difference)
            .contains("traces differ at record").contains("this:").contains("other:").contains("node"));
    }

    @Test
    void shouldBeDeterministicForEverySeed()
    {
        final int seeds = SimulationRunner.run(8, (seed) ->
        {
            final Run first = runScenario(seed, false);
            final Run second = runScenario(seed, false);
            assertThat(second.trace.digest()).as("digest of seed %d", seed).isEqualTo(first.trace.digest());
            assertThat(first.completed).as("pings acked by all, seed %d", seed).isEqualTo(13);
        });
        assertThat(seeds).isGreaterThanOrEqualTo(1);
    }
}
