package io.jmir.engine.sim;

import io.jmir.engine.ConfigurationException;
import io.jmir.engine.NodeDefinition;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@Timeout(60)
class SimulationCrashRestartTest
{
    private static final long MS = 1_000_000L;
    private static final UnsafeBuffer REQUEST = SimEvents.clientRequest(1, 1);

    @Test
    void shouldKeepDurableStateAndReplayItAfterInitOnRestart()
    {
        SimulationRunner.run(10, (seed) ->
        {
            final EchoCluster cluster = new EchoCluster(3, true, true, 5 * MS);
            try (Simulation sim = new Simulation(new Simulation.Context().seed(seed).nodeCount(3), cluster))
            {
                for (int i = 0; i < 3; i++)
                {
                    sim.submit(0, "protocol", REQUEST, 0, REQUEST.capacity());
                }
                final MemoryWal.Store store = sim.durable(0).get(MemoryWal.KEY, MemoryWal.Store.class);
                assertThat(sim.runUntil(() -> store.entries.size() == 3, 100 * MS)).isTrue();
                final EchoProtocol before = cluster.protocols[0];
                assertThat(sim.incarnation(0)).isEqualTo(1);

                assertThat(sim.crash(0)).isTrue();
                assertThat(sim.isRunning(0)).isFalse();
                assertThat(before.closed).isTrue();
                assertThat(sim.crash(0)).isFalse();
                sim.runUntil(sim.nowNs() + 20 * MS);

                sim.restart(0);
                final EchoProtocol after = cluster.protocols[0];
                assertThat(after).isNotSameAs(before);
                assertThat(sim.incarnation(0)).isEqualTo(2);
                assertThat(sim.durable(0).get(MemoryWal.KEY, MemoryWal.Store.class)).isSameAs(store);
                assertThat(sim.runUntil(() -> after.log.size() >= 4, sim.nowNs() + 100 * MS)).isTrue();
                assertThat(after.log.subList(0, 4)).containsExactly("init", "recovered:1", "recovered:2",
                    "recovered:3");

                // recovered pings are retransmitted and complete; a new request continues the sequence
                sim.submit(0, "protocol", REQUEST, 0, REQUEST.capacity());
                assertThat(sim.runUntil(() -> after.completed() == 4, sim.nowNs() + 500 * MS)).isTrue();
                assertThat(after.log).contains("request:4");
                assertThat(store.entries).hasSize(4);
                assertThat(sim.failures()).isEmpty();
            }
        });
    }

    @Test
    void shouldDropMessagesToACrashedNodeAndCatchUpAfterRestart()
    {
        final EchoCluster cluster = new EchoCluster(3, true, false, 5 * MS);
        try (Simulation sim = new Simulation(new Simulation.Context().seed(21).nodeCount(3), cluster))
        {
            sim.crash(2);
            sim.submit(0, "protocol", REQUEST, 0, REQUEST.capacity());
            sim.runUntil(30 * MS);

            assertThat(sim.network().dropped(SimNetwork.DropReason.DESTINATION_DOWN)).isGreaterThanOrEqualTo(3);
            assertThat(cluster.protocols[0].acks.get(1L).get(1)).isTrue();
            assertThat(cluster.protocols[0].completed()).isZero();

            sim.restart(2);
            assertThat(sim.runUntil(() -> cluster.protocols[0].completed() == 1, 100 * MS)).isTrue();
            assertThat(cluster.protocols[2].pingsSeen).containsExactly("0:1");
            assertThat(cluster.starts).containsExactly(1, 1, 2);
        }
    }

    @Test
    void shouldDiscardQueuedEventsAndDeadlinesOfACrashedNode()
    {
        final EchoCluster cluster = new EchoCluster(2, true, false, 5 * MS);
        try (Simulation sim = new Simulation(new Simulation.Context().seed(22).nodeCount(2), cluster))
        {
            for (int i = 0; i < 5; i++)
            {
                sim.submit(1, "protocol", REQUEST, 0, REQUEST.capacity());
            }
            final EchoProtocol first = cluster.protocols[1];
            sim.crash(1);
            sim.runUntil(100 * MS);

            assertThat(first.log).isEmpty();
            assertThat(sim.network().sent()).isZero();
            sim.restart(1);
            sim.runUntil(200 * MS);
            assertThat(cluster.protocols[1].log).containsExactly("init");
            assertThat(cluster.protocols[1].acks).isEmpty();
        }
    }

    @Test
    void shouldRejectAFactoryThatBuildsTheWrongNodeAndCloseTheNodesAlreadyStarted()
    {
        final EchoCluster cluster = new EchoCluster(3, false, false, 0);
        assertThatThrownBy(() -> new Simulation(new Simulation.Context().nodeCount(3), (nodeId, env) ->
            nodeId == 2 ? new NodeDefinition(1, 3) : cluster.create(nodeId, env)))
            .isInstanceOf(ConfigurationException.class)
            .hasMessageContaining("factory").hasMessageContaining("asked for node 2 of 3 but built node 1 of 3");
        assertThat(cluster.protocols[0].closed).isTrue();
        assertThat(cluster.protocols[1].closed).isTrue();
        assertThatThrownBy(() -> new Simulation(new Simulation.Context().nodeCount(0), cluster))
            .isInstanceOf(ConfigurationException.class).hasMessageContaining("nodeCount");
        assertThatThrownBy(() -> new Simulation(new Simulation.Context().nodeCount(2).latency(5, 4), cluster))
            .isInstanceOf(ConfigurationException.class).hasMessageContaining("maxLatencyNs");
    }

    @Test
    void shouldRefuseToRestartARunningNode()
    {
        try (Simulation sim = new Simulation(new Simulation.Context().nodeCount(2),
            new EchoCluster(2, false, false, 0)))
        {
            assertThatThrownBy(() -> sim.restart(1)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("node 1 is running");
            assertThatThrownBy(() -> sim.crash(2)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no node 2");
        }
    }
}
