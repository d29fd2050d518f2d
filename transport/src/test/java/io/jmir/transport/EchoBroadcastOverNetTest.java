package io.jmir.transport;

import io.jmir.engine.IdleMode;
import io.jmir.engine.Module;
import io.jmir.engine.Node;
import io.jmir.engine.SubmitResult;
import io.jmir.engine.demo.EchoApp;
import io.jmir.engine.demo.EchoNodes;
import io.jmir.engine.modules.wal.InMemoryWalStore;
import org.agrona.ExpandableArrayBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.IntFunction;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The engine's echo broadcast toy protocol (hasher, WAL, app, follow-ups) run by four pipeline-runtime nodes whose
 * "net" is the Aeron UDP transport, then the in-JVM transport: every node delivers every broadcast.
 */
@Timeout(120)
class EchoBroadcastOverNetTest
{
    private static final int NODES = 4;
    private static final int REQUESTS_PER_NODE = 25;
    /** Per node, from each peer: its SENDs and one ECHO per broadcast of the whole cluster. */
    private static final long MESSAGES_PER_NODE = (NODES - 1L) * (REQUESTS_PER_NODE + NODES * REQUESTS_PER_NODE);

    @Test
    void shouldDeliverEveryBroadcastOnEveryNodeOverAeronUdp() throws Exception
    {
        try (AeronTestCluster cluster = new AeronTestCluster(NODES))
        {
            final AeronNet[] nets = new AeronNet[NODES];
            run(id ->
            {
                nets[id] = AeronNet.launch(cluster.context(id));
                return nets[id];
            }, id -> nets[id].counters(), () ->
            {
                for (int i = 0; i < NODES; i++)
                {
                    for (int j = 0; j < NODES; j++)
                    {
                        if (i != j && !nets[i].isConnected(j))
                        {
                            return false;
                        }
                    }
                }
                return true;
            });
            for (final AeronNet net : nets)
            {
                assertThat(net.counters().receiveDrops() + net.counters().sendDrops()).as(net.counters().toString())
                    .isZero();
            }
        }
    }

    @Test
    void shouldDeliverEveryBroadcastOnEveryNodeInJvm() throws Exception
    {
        try (InJvmNetwork network = new InJvmNetwork(NODES, 64 * 1024))
        {
            run(network::net, network::counters, () -> true);
            for (int id = 0; id < NODES; id++)
            {
                assertThat(network.counters(id).receiveDrops() + network.counters(id).sendDrops()).isZero();
            }
        }
    }

    private static void run(
        final IntFunction<Module> netFactory, final IntFunction<NetCounters> counters, final BooleanSupplier connected)
        throws Exception
    {
        final EchoNodes.EchoNode[] echoNodes = new EchoNodes.EchoNode[NODES];
        final Node[] nodes = new Node[NODES];
        try
        {
            for (int id = 0; id < NODES; id++)
            {
                echoNodes[id] = EchoNodes.definition(id, NODES, netFactory.apply(id), new InMemoryWalStore());
                nodes[id] = Node.launch(echoNodes[id].definition(),
                    new Node.Context().ringSize(256).sharedThread(IdleMode.BLOCKING));
            }
            TestSupport.await(Duration.ofSeconds(30), () -> 0, connected, () -> "all nodes connected");
            final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer(256);
            for (int i = 0; i < REQUESTS_PER_NODE; i++)
            {
                for (int id = 0; id < NODES; id++)
                {
                    final byte[] payload = ("node " + id + " request " + i).getBytes(StandardCharsets.UTF_8);
                    final int length = EchoNodes.encodeClientRequest(buffer, 0, 100 + id, i, payload);
                    assertThat(nodes[id].submit(nodes[id].moduleId(EchoNodes.PROTOCOL), buffer, 0, length))
                        .isEqualTo(SubmitResult.ACCEPTED);
                }
            }
            for (int id = 0; id < NODES; id++)
            {
                assertThat(echoNodes[id].app().awaitDeliveries(NODES * REQUESTS_PER_NODE, 60, TimeUnit.SECONDS))
                    .as("node %d delivered %d", id, echoNodes[id].app().deliveryCount()).isTrue();
            }
            // A node delivers on 2f + 1 ECHOs; the last ECHOs may still be on their way. Closing a node before
            // they arrive would count them as dropped, so wait until every node received every message.
            TestSupport.await(Duration.ofSeconds(30), () -> 0, () -> allReceived(counters),
                () -> "every node received " + MESSAGES_PER_NODE + " messages");
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
            assertThat(echoNodes[id].app().requests()).as("node %d", id)
                .containsExactlyInAnyOrderElementsOf(reference);
            assertThat(echoNodes[id].protocol().malformed()).isZero();
            long received = 0;
            for (int peer = 0; peer < NODES; peer++)
            {
                received += counters.apply(id).messagesReceived(peer);
            }
            assertThat(received).as("messages node %d received", id).isEqualTo(MESSAGES_PER_NODE);
        }
    }

    private static boolean allReceived(final IntFunction<NetCounters> counters)
    {
        for (int id = 0; id < NODES; id++)
        {
            long received = 0;
            for (int peer = 0; peer < NODES; peer++)
            {
                received += counters.apply(id).messagesReceived(peer);
            }
            if (received < MESSAGES_PER_NODE)
            {
                return false;
            }
        }
        return true;
    }
}
