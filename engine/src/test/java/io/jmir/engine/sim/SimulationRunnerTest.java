package io.jmir.engine.sim;

import io.jmir.engine.ConfigurationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

@Timeout(60)
class SimulationRunnerTest
{
    @Test
    void shouldReportTheFailingSeedAndTheCommandThatReproducesIt()
    {
        final List<Long> ran = new ArrayList<>();
        final SimulationRunner runner = SimulationRunner.forCaller(10).seeds(1, 10);

        final AssertionError error = catchThrowableOfType(AssertionError.class, () -> runner.run((seed) ->
        {
            ran.add(seed);
            assertThat(seed).as("seed on purpose").isNotEqualTo(4L);
        }));

        assertThat(ran).containsExactly(1L, 2L, 3L, 4L);
        assertThat(error.getMessage())
            .contains("simulation failed with seed 4 (seed 4 of 10, seeds 1..10)")
            .contains("seed on purpose")
            .contains("reproduce: mvn -B -pl engine -am test " +
                "-Dtest=SimulationRunnerTest#shouldReportTheFailingSeedAndTheCommandThatReproducesIt " +
                "-Djmir.sim.seed=4 -Dsurefire.failIfNoSpecifiedTests=false");
        assertThat(error.getMessage().lines().filter((line) -> line.startsWith("reproduce: "))).hasSize(1);
        assertThat(error.getCause()).isInstanceOf(AssertionError.class);
    }

    @Test
    void shouldReportTheSeedOfAFailingSimulation()
    {
        final long expectedSeed = SimulationRunner.forCaller(3).seeds()[0];

        final AssertionError error = catchThrowableOfType(AssertionError.class, () -> SimulationRunner.run(3,
            (seed) ->
            {
                final EchoCluster cluster = new EchoCluster(3, false, false, 0);
                try (Simulation sim = new Simulation(new Simulation.Context().seed(seed).nodeCount(3)
                    .dropProbability(1.0), cluster))
                {
                    final var request = SimEvents.clientRequest(1, 1);
                    sim.submit(0, "protocol", request, 0, request.capacity());
                    sim.runUntil(sim::isIdle, 100_000_000L);
                    assertThat(cluster.protocols[0].completed()).as("acked with every message dropped").isEqualTo(1);
                }
            }));

        assertThat(error.getMessage())
            .contains("simulation failed with seed " + expectedSeed)
            .contains("acked with every message dropped")
            .contains("-Dtest=SimulationRunnerTest#shouldReportTheSeedOfAFailingSimulation")
            .contains("-Djmir.sim.seed=" + expectedSeed);
    }

    @Test
    void shouldRunEverySeedWhenNoneFails()
    {
        final List<Long> ran = new ArrayList<>();
        final int count = SimulationRunner.forTest(SimulationRunnerTest.class, "x", 5).seeds(100, 7).run(ran::add);

        assertThat(count).isEqualTo(7);
        assertThat(ran).containsExactly(100L, 101L, 102L, 103L, 104L, 105L, 106L);
    }

    @Test
    void shouldTakeSeedsFromSystemProperties()
    {
        final String seed = System.getProperty(SimulationRunner.SEED_PROPERTY);
        final String seeds = System.getProperty(SimulationRunner.SEEDS_PROPERTY);
        final String first = System.getProperty(SimulationRunner.FIRST_SEED_PROPERTY);
        try
        {
            System.clearProperty(SimulationRunner.SEED_PROPERTY);
            System.setProperty(SimulationRunner.SEEDS_PROPERTY, "3");
            System.setProperty(SimulationRunner.FIRST_SEED_PROPERTY, "10");
            assertThat(SimulationRunner.forCaller(50).seeds()).containsExactly(10, 11, 12);

            System.setProperty(SimulationRunner.SEED_PROPERTY, "99");
            assertThat(SimulationRunner.forCaller(50).seeds()).containsExactly(99);
            assertThat(SimulationRunner.forCaller(50).onlySeed(5).seeds()).containsExactly(5);

            System.setProperty(SimulationRunner.SEED_PROPERTY, "ninety");
            assertThatThrownBy(() -> SimulationRunner.forCaller(50)).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining(SimulationRunner.SEED_PROPERTY);

            System.clearProperty(SimulationRunner.SEED_PROPERTY);
            System.setProperty(SimulationRunner.SEEDS_PROPERTY, "0");
            assertThatThrownBy(() -> SimulationRunner.forCaller(50)).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining(SimulationRunner.SEEDS_PROPERTY);
        }
        finally
        {
            restore(SimulationRunner.SEED_PROPERTY, seed);
            restore(SimulationRunner.SEEDS_PROPERTY, seeds);
            restore(SimulationRunner.FIRST_SEED_PROPERTY, first);
        }
    }

    @Test
    void shouldBuildTheReproduceCommandForAGivenTestAndModule()
    {
        final SimulationRunner runner = SimulationRunner.forTest(SimulationRunnerTest.class, "shouldX", 1)
            .mavenModule("protocols");
        assertThat(runner.reproduceCommand(123)).isEqualTo("mvn -B -pl protocols -am test " +
            "-Dtest=SimulationRunnerTest#shouldX -Djmir.sim.seed=123 -Dsurefire.failIfNoSpecifiedTests=false");
        assertThat(runner.mavenModule(null).reproduceCommand(-5)).isEqualTo("mvn -B test " +
            "-Dtest=SimulationRunnerTest#shouldX -Djmir.sim.seed=-5 -Dsurefire.failIfNoSpecifiedTests=false");
    }

    private static void restore(final String key, final String value)
    {
        if (value == null)
        {
            System.clearProperty(key);
        }
        else
        {
            System.setProperty(key, value);
        }
    }
}
