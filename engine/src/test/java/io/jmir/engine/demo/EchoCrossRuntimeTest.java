package io.jmir.engine.demo;

import io.jmir.engine.IdleMode;
import io.jmir.engine.Node;
import io.jmir.engine.NodeDefinition;
import io.jmir.engine.SubmitResult;
import io.jmir.engine.Submissions;
import io.jmir.engine.modules.wal.InMemoryWalStore;
import io.jmir.engine.net.LocalNetwork;
import io.jmir.engine.sim.SimNodeEnvironment;
import io.jmir.engine.sim.SimNodeFactory;
import io.jmir.engine.sim.Simulation;
import io.jmir.engine.sim.SimulationRunner;
import org.agrona.ExpandableArrayBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The same modules and the same input in both runtimes deliver the same results: the echo-broadcast toy protocol
 * on 4 nodes, run once in the pipeline runtime (threads, Disruptor rings, in-JVM network) and under several seeds
 * in the simulation runtime. Echo broadcast fixes no total order, so the delivered request sets are compared (on
 * every node, every request exactly once, identical across runtimes).
 */
@Timeout(180)
class EchoCrossRuntimeTest
{
    private static final int NODES = 4;
    private static final int REQUESTS_PER_NODE = 30;
    private static final long SECOND = 1_000_000_000L;

    private static byte[] payload(final int node, final int i)
    {
        return ("node " + node + " request " + i).getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void shouldDeliverTheSameResultsInPipelineAndSimulationRuntimes() throws Exception
    {
        final List<EchoApp.Request> pipeline = runPipeline();
        assertThat(pipeline).hasSize(NODES * REQUESTS_PER_NODE).doesNotHaveDuplicates();

        SimulationRunner.run(6, (seed) ->
        {
            final EchoNodes.EchoNode[] nodes = new EchoNodes.EchoNode[NODES];
            final SimNodeFactory factory = (final int nodeId, final SimNodeEnvironment env) ->
            {
                final InMemoryWalStore store =
                    env.durable().computeIfAbsent("echo.wal", InMemoryWalStore.class, InMemoryWalStore::new);
                nodes[nodeId] = EchoNodes.definition(nodeId, NODES, env.net(), store);
                final NodeDefinition definition = nodes[nodeId].definition();
                return definition;
            };
            try (Simulation sim = new Simulation(new Simulation.Context().seed(seed).nodeCount(NODES), factory))
            {
                final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer(256);
                for (int i = 0; i < REQUESTS_PER_NODE; i++)
                {
                    for (int id = 0; id < NODES; id++)
                    {
                        final int length = EchoNodes.encodeClientRequest(buffer, 0, 100 + id, i, payload(id, i));
                        assertThat(sim.submit(id, EchoNodes.PROTOCOL, buffer, 0, length))
                            .isEqualTo(SubmitResult.ACCEPTED);
                    }
                }
                assertThat(sim.runUntil(() ->
                {
                    for (final EchoNodes.EchoNode node : nodes)
                    {
                        if (node.app().deliveryCount() < NODES * REQUESTS_PER_NODE)
                        {
                            return false;
                        }
                    }
                    return true;
                }, 30 * SECOND)).isTrue();
                for (int id = 0; id < NODES; id++)
                {
                    assertThat(nodes[id].app().requests()).as("simulation node %d vs pipeline", id)
                        .isEqualTo(pipeline);
                }
                assertThat(sim.failures()).isEmpty();
            }
        });
    }

    private static List<EchoApp.Request> runPipeline() throws Exception
    {
        final LocalNetwork network = new LocalNetwork(NODES);
        final EchoNodes.EchoNode[] echoNodes = new EchoNodes.EchoNode[NODES];
        final Node[] nodes = new Node[NODES];
        try
        {
            for (int id = 0; id < NODES; id++)
            {
                echoNodes[id] = EchoNodes.definition(id, NODES, network.module(id), new InMemoryWalStore());
                nodes[id] = Node.launch(echoNodes[id].definition(), new Node.Context().sharedThread(IdleMode.BLOCKING));
                network.register(id, nodes[id]);
            }
            final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer(256);
            for (int i = 0; i < REQUESTS_PER_NODE; i++)
            {
                for (int id = 0; id < NODES; id++)
                {
                    final int length = EchoNodes.encodeClientRequest(buffer, 0, 100 + id, i, payload(id, i));
                    assertThat(Submissions.submit(nodes[id], nodes[id].moduleId(EchoNodes.PROTOCOL), buffer, 0, length))
                        .isEqualTo(SubmitResult.ACCEPTED);
                }
            }
            for (int id = 0; id < NODES; id++)
            {
                assertThat(echoNodes[id].app().awaitDeliveries(NODES * REQUESTS_PER_NODE, 60, TimeUnit.SECONDS))
                    .isTrue();
            }
        }
        finally
        {
            for (final Node node : nodes)
            {
                if (node != null)
                {
                    node.close();
                }
            }
        }
        final List<EchoApp.Request> reference = echoNodes[0].app().requests();
        for (int id = 0; id < NODES; id++)
        {
            assertThat(nodes[id].failure()).isNull();
            assertThat(echoNodes[id].app().requests()).as("pipeline node %d", id).isEqualTo(reference);
        }
        return reference;
    }
}
