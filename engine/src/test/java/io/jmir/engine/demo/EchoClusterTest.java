package io.jmir.engine.demo;

import io.jmir.engine.NodeCounters;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

@Timeout(60)
class EchoClusterTest
{
    private static final int NODES = 4;
    private static final int REQUESTS_PER_NODE = 10;

    @Test
    void shouldDeliverEveryBroadcastOnEveryNodeUnderAnyInterleaving()
    {
        for (long seed = 1; seed <= 20; seed++)
        {
            final MiniCluster cluster = new MiniCluster(NODES, seed);
            submitAll(cluster, 0);

            cluster.runToQuiescence(200_000);

            assertAllDelivered(cluster, NODES * REQUESTS_PER_NODE, "seed " + seed);
        }
    }

    @Test
    void shouldRebuildTheAppFromTheWalAfterARestartAndKeepBroadcasting()
    {
        final MiniCluster cluster = new MiniCluster(NODES, 99);
        submitAll(cluster, 0);
        cluster.runToQuiescence(200_000);
        final EchoApp before = cluster.node(2).app();
        final long nextSeq = cluster.node(2).protocol().nextSeq();

        cluster.restart(2);
        cluster.runToQuiescence(200_000);

        final EchoApp after = cluster.node(2).app();
        assertThat(after).isNotSameAs(before);
        assertThat(after.deliveries()).isEqualTo(before.deliveries());
        assertThat(after.stateDigest()).isEqualTo(before.stateDigest());
        assertThat(cluster.node(2).protocol().nextSeq()).isEqualTo(nextSeq);

        submitAll(cluster, 100);
        cluster.runToQuiescence(200_000);

        assertAllDelivered(cluster, 2 * NODES * REQUESTS_PER_NODE, "after restart");
    }

    private static void submitAll(final MiniCluster cluster, final int firstRequestNo)
    {
        for (int node = 0; node < NODES; node++)
        {
            for (int i = 0; i < REQUESTS_PER_NODE; i++)
            {
                final int requestNo = firstRequestNo + i;
                cluster.submit(node, node, requestNo,
                    ("node " + node + " request " + requestNo).getBytes(StandardCharsets.UTF_8));
            }
        }
    }

    private static void assertAllDelivered(final MiniCluster cluster, final int expected, final String what)
    {
        assertThat(cluster.failures()).as(what).isEmpty();
        assertThat(cluster.counters().get(NodeCounters.Counter.MALFORMED_EVENTS)).as(what).isZero();
        final List<EchoApp.Request> reference = cluster.node(0).app().requests();
        assertThat(reference).as(what).hasSize(expected).doesNotHaveDuplicates();
        for (int node = 0; node < NODES; node++)
        {
            final EchoNodes.EchoNode echoNode = cluster.node(node);
            assertThat(echoNode.app().requests()).as(what + ", node " + node).isEqualTo(reference);
            assertThat(echoNode.app().requestSetDigest()).isEqualTo(cluster.node(0).app().requestSetDigest());
            assertThat(echoNode.protocol().malformed()).isZero();
            assertThat(echoNode.protocol().unknownSenders()).isZero();
            final List<EchoApp.Delivery> deliveries = echoNode.app().deliveries();
            for (int i = 0; i < deliveries.size(); i++)
            {
                assertThat(deliveries.get(i).sequenceNumber()).isEqualTo(i);
            }
        }
    }
}
