package io.jmir.engine.demo;

import io.jmir.engine.IdleMode;
import io.jmir.engine.Node;
import io.jmir.engine.SubmitResult;
import io.jmir.engine.Submissions;
import io.jmir.engine.modules.wal.InMemoryWalStore;
import io.jmir.engine.net.LocalNetwork;
import org.agrona.ExpandableArrayBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

@Timeout(60)
class EchoPipelineTest
{
    private static final int NODES = 4;
    private static final int REQUESTS_PER_NODE = 25;

    @Test
    void shouldDeliverEveryBroadcastOnEveryNodeInThePipelineRuntime() throws Exception
    {
        final LocalNetwork network = new LocalNetwork(NODES);
        final EchoNodes.EchoNode[] echoNodes = new EchoNodes.EchoNode[NODES];
        final InMemoryWalStore[] stores = new InMemoryWalStore[NODES];
        final Node[] nodes = new Node[NODES];
        try
        {
            for (int id = 0; id < NODES; id++)
            {
                stores[id] = new InMemoryWalStore();
                echoNodes[id] = EchoNodes.definition(id, NODES, network.module(id), stores[id]);
                nodes[id] = Node.launch(echoNodes[id].definition(),
                    new Node.Context().ringSize(256).sharedThread(IdleMode.BLOCKING));
                network.register(id, nodes[id]);
            }
            final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer(256);
            for (int i = 0; i < REQUESTS_PER_NODE; i++)
            {
                for (int id = 0; id < NODES; id++)
                {
                    final byte[] payload = ("node " + id + " request " + i).getBytes(StandardCharsets.UTF_8);
                    final int length = EchoNodes.encodeClientRequest(buffer, 0, 100 + id, i, payload);
                    assertThat(Submissions.submit(nodes[id], nodes[id].moduleId(EchoNodes.PROTOCOL), buffer, 0, length))
                        .isEqualTo(SubmitResult.ACCEPTED);
                }
            }
            for (int id = 0; id < NODES; id++)
            {
                assertThat(echoNodes[id].app().awaitDeliveries(NODES * REQUESTS_PER_NODE, 30, TimeUnit.SECONDS))
                    .as("node %d delivered %d", id, echoNodes[id].app().deliveryCount()).isTrue();
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
        assertThat(reference).hasSize(NODES * REQUESTS_PER_NODE).doesNotHaveDuplicates();
        for (int id = 0; id < NODES; id++)
        {
            assertThat(nodes[id].failure()).isNull();
            assertThat(echoNodes[id].app().requests()).as("node %d", id).isEqualTo(reference);
            assertThat(echoNodes[id].protocol().malformed()).isZero();
            assertThat(stores[id].size()).as("EchoStarted + EchoDelivered records of node %d", id)
                .isEqualTo(REQUESTS_PER_NODE + NODES * REQUESTS_PER_NODE);
        }
    }
}
