package io.jmir.engine.demo;

import io.jmir.engine.NodeDefinition;
import io.jmir.engine.SubmitResult;
import io.jmir.engine.modules.wal.InMemoryWalStore;
import io.jmir.engine.sim.SimNodeEnvironment;
import io.jmir.engine.sim.SimNodeFactory;
import io.jmir.engine.sim.Simulation;
import io.jmir.engine.sim.SimulationRunner;
import org.agrona.ExpandableArrayBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

@Timeout(120)
class EchoSimulationTest
{
    private static final int NODES = 4;
    private static final int REQUESTS_PER_NODE = 10;
    private static final long SECOND = 1_000_000_000L;

    /** Builds echo nodes for the simulation, keeping each node's latest modules and its WAL store. */
    private static final class Factory implements SimNodeFactory
    {
        final EchoNodes.EchoNode[] nodes = new EchoNodes.EchoNode[NODES];

        @Override
        public NodeDefinition create(final int nodeId, final SimNodeEnvironment env)
        {
            final InMemoryWalStore store =
                env.durable().computeIfAbsent("echo.wal", InMemoryWalStore.class, InMemoryWalStore::new);
            nodes[nodeId] = EchoNodes.definition(nodeId, NODES, env.net(), store);
            return nodes[nodeId].definition();
        }

        boolean allDelivered(final int count)
        {
            for (final EchoNodes.EchoNode node : nodes)
            {
                if (node.app().deliveryCount() < count)
                {
                    return false;
                }
            }
            return true;
        }
    }

    @Test
    void shouldDeliverEveryBroadcastOnEveryNodeAndRecoverAfterARestart()
    {
        SimulationRunner.run(5, (seed) ->
        {
            final Factory factory = new Factory();
            try (Simulation sim = new Simulation(new Simulation.Context().seed(seed).nodeCount(NODES), factory))
            {
                submitAll(sim, 0);
                assertThat(sim.runUntil(() -> factory.allDelivered(NODES * REQUESTS_PER_NODE), 10 * SECOND))
                    .isTrue();
                assertSameRequests(factory, NODES * REQUESTS_PER_NODE);
                final List<EchoApp.Delivery> before = factory.nodes[3].app().deliveries();

                assertThat(sim.crash(3)).isTrue();
                sim.restart(3);
                assertThat(sim.runUntil(() -> factory.nodes[3].app().deliveryCount() == before.size(),
                    sim.nowNs() + SECOND)).isTrue();
                assertThat(factory.nodes[3].app().deliveries()).isEqualTo(before);

                submitAll(sim, 100);
                assertThat(sim.runUntil(() -> factory.allDelivered(2 * NODES * REQUESTS_PER_NODE),
                    sim.nowNs() + 10 * SECOND)).isTrue();
                assertSameRequests(factory, 2 * NODES * REQUESTS_PER_NODE);
                assertThat(sim.failures()).isEmpty();
            }
        });
    }

    private static void submitAll(final Simulation sim, final int firstRequestNo)
    {
        final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer(128);
        for (int node = 0; node < NODES; node++)
        {
            for (int i = 0; i < REQUESTS_PER_NODE; i++)
            {
                final int requestNo = firstRequestNo + i;
                final byte[] payload = ("node " + node + " request " + requestNo).getBytes(StandardCharsets.UTF_8);
                final int length = EchoNodes.encodeClientRequest(buffer, 0, node, requestNo, payload);
                assertThat(sim.submit(node, EchoNodes.PROTOCOL, buffer, 0, length)).isEqualTo(SubmitResult.ACCEPTED);
            }
        }
    }

    private static void assertSameRequests(final Factory factory, final int expected)
    {
        final List<EchoApp.Request> reference = factory.nodes[0].app().requests();
        assertThat(reference).hasSize(expected).doesNotHaveDuplicates();
        for (final EchoNodes.EchoNode node : factory.nodes)
        {
            assertThat(node.app().requests()).isEqualTo(reference);
            assertThat(node.protocol().malformed()).isZero();
        }
    }
}
