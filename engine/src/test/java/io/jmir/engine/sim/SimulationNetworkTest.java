package io.jmir.engine.sim;

import io.jmir.engine.SubmitResult;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

@Timeout(60)
class SimulationNetworkTest
{
    private static final long MS = 1_000_000L;
    private static final UnsafeBuffer REQUEST = SimEvents.clientRequest(1, 1);

    private static void request(final Simulation sim, final int node)
    {
        assertThat(sim.submit(node, "protocol", REQUEST, 0, REQUEST.capacity())).isEqualTo(SubmitResult.ACCEPTED);
    }

    @Test
    void shouldDeliverNothingWhenEveryMessageIsDropped()
    {
        final EchoCluster cluster = new EchoCluster(4, false, false, 0);
        try (Simulation sim = new Simulation(new Simulation.Context().seed(3).nodeCount(4).dropProbability(1.0),
            cluster))
        {
            request(sim, 0);
            sim.runUntil(sim::isIdle, 100 * MS);

            assertThat(sim.network().sent()).isEqualTo(3);
            assertThat(sim.network().dropped(SimNetwork.DropReason.RANDOM_LOSS)).isEqualTo(3);
            assertThat(sim.network().delivered()).isZero();
            for (int node = 1; node < 4; node++)
            {
                assertThat(cluster.protocols[node].pingMessages).isZero();
            }
            assertThat(cluster.protocols[0].ackMessages).isZero();
        }
    }

    @Test
    void shouldDeliverDuplicatedMessagesTwice()
    {
        final EchoCluster cluster = new EchoCluster(4, false, false, 0);
        try (Simulation sim = new Simulation(
            new Simulation.Context().seed(4).nodeCount(4).duplicateProbability(1.0), cluster))
        {
            request(sim, 0);
            sim.runUntil(sim::isIdle, 100 * MS);

            for (int node = 1; node < 4; node++)
            {
                assertThat(cluster.protocols[node].pingMessages).as("pings at node %d", node).isEqualTo(2);
                assertThat(cluster.protocols[node].pingsSeen).containsExactly("0:1");
            }
            // every ping delivery is answered, every answer is duplicated too: 3 * 2 * 2 acks
            assertThat(cluster.protocols[0].ackMessages).isEqualTo(12);
            assertThat(sim.network().duplicated()).isEqualTo(3 + 6);
            assertThat(sim.network().delivered()).isEqualTo(6 + 12);
            assertThat(sim.network().dropped()).isZero();
        }
    }

    @Test
    void shouldBlockTrafficAcrossAPartitionAndLetItFlowAfterHeal()
    {
        final EchoCluster cluster = new EchoCluster(4, true, false, 5 * MS);
        try (Simulation sim = new Simulation(new Simulation.Context().seed(5).nodeCount(4), cluster))
        {
            sim.partition(new int[] {0, 1});
            assertThat(sim.network().canReach(0, 1)).isTrue();
            assertThat(sim.network().canReach(0, 2)).isFalse();
            assertThat(sim.network().canReach(2, 3)).isTrue();
            request(sim, 0);
            sim.runUntil(50 * MS);

            assertThat(cluster.protocols[1].pingsSeen).containsExactly("0:1");
            assertThat(cluster.protocols[2].pingMessages).isZero();
            assertThat(cluster.protocols[3].pingMessages).isZero();
            assertThat(sim.network().dropped(SimNetwork.DropReason.PARTITIONED)).isGreaterThanOrEqualTo(2 * 9);
            assertThat(cluster.protocols[0].completed()).isZero();

            sim.heal();
            assertThat(sim.runUntil(() -> cluster.protocols[0].completed() == 1, 200 * MS)).isTrue();
            assertThat(cluster.protocols[2].pingsSeen).containsExactly("0:1");
            assertThat(cluster.protocols[3].pingsSeen).containsExactly("0:1");
        }
    }

    @Test
    void shouldDropMessagesInFlightWhenAPartitionStartsBeforeTheyArrive()
    {
        final EchoCluster cluster = new EchoCluster(2, false, false, 0);
        try (Simulation sim = new Simulation(
            new Simulation.Context().seed(6).nodeCount(2).latency(10 * MS, 10 * MS), cluster))
        {
            request(sim, 0);
            sim.runUntil(() -> sim.network().sent() == 1, 5 * MS);
            sim.partition(new int[] {0});
            sim.runUntil(sim::isIdle, 100 * MS);

            assertThat(cluster.protocols[1].pingMessages).isZero();
            assertThat(sim.network().dropped(SimNetwork.DropReason.PARTITIONED)).isEqualTo(1);
        }
    }

    @Test
    void shouldLetAManglerRewriteTheMessagesOfOneNode()
    {
        final EchoCluster cluster = new EchoCluster(3, false, false, 0);
        try (Simulation sim = new Simulation(new Simulation.Context().seed(7).nodeCount(3), cluster))
        {
            // node 0 lies about sequence numbers in its pings
            sim.network().addMangler(0, (from, to, message, offset, length, output) ->
            {
                output.scratch().putBytes(0, message, offset, length);
                if (output.scratch().getByte(0) == EchoProtocol.PING)
                {
                    output.scratch().putLong(5, 1000 + message.getLong(offset + 5, ByteOrder.LITTLE_ENDIAN),
                        ByteOrder.LITTLE_ENDIAN);
                }
                output.send(output.scratch(), 0, length);
            });
            request(sim, 0);
            request(sim, 1);
            sim.runUntil(sim::isIdle, 100 * MS);

            assertThat(cluster.protocols[1].pingsSeen).containsExactly("0:1001");
            assertThat(cluster.protocols[2].pingsSeen).containsExactly("0:1001", "1:1");
            assertThat(cluster.protocols[0].pingsSeen).containsExactly("1:1");
            assertThat(cluster.protocols[1].completed()).isEqualTo(1);
            assertThat(cluster.protocols[0].completed()).isZero();
        }
    }

    @Test
    void shouldLetAManglerSilenceOneNode()
    {
        final EchoCluster cluster = new EchoCluster(3, false, false, 0);
        try (Simulation sim = new Simulation(new Simulation.Context().seed(8).nodeCount(3), cluster))
        {
            sim.network().addMangler(1, MessageManglers.dropAll());
            request(sim, 0);
            request(sim, 1);
            sim.runUntil(sim::isIdle, 100 * MS);

            assertThat(cluster.protocols[0].pingsSeen).isEmpty();
            assertThat(cluster.protocols[2].pingsSeen).containsExactly("0:1");
            // node 1 received node 0's ping but its ack and its own pings never left it
            assertThat(cluster.protocols[1].pingsSeen).containsExactly("0:1");
            assertThat(cluster.protocols[0].acks.get(1L).get(1)).isFalse();
            assertThat(sim.network().dropped(SimNetwork.DropReason.MANGLER)).isEqualTo(3);
        }
    }

    @Test
    void shouldChainManglersAndApplyExtraDelay()
    {
        final EchoCluster cluster = new EchoCluster(2, false, false, 0);
        try (Simulation sim = new Simulation(
            new Simulation.Context().seed(9).nodeCount(2).latency(MS, MS), cluster))
        {
            sim.network().addMangler(0, MessageManglers.duplicate(3));
            sim.network().addMangler(MessageManglers.delay(50 * MS));
            request(sim, 0);
            sim.runUntil(40 * MS);
            assertThat(cluster.protocols[1].pingMessages).isZero();

            sim.runUntil(sim::isIdle, 200 * MS);
            assertThat(cluster.protocols[1].pingMessages).isEqualTo(3);
            assertThat(cluster.protocols[0].ackMessages).isEqualTo(3);
            assertThat(sim.nowNs()).isGreaterThanOrEqualTo(2 * 51 * MS);
        }
    }

    @Test
    void shouldCountCorruptedMessagesWithoutFailingAnyModule()
    {
        final EchoCluster cluster = new EchoCluster(3, true, false, 2 * MS);
        try (Simulation sim = new Simulation(new Simulation.Context().seed(10).nodeCount(3), cluster))
        {
            sim.network().addMangler(2, MessageManglers.flipRandomBit(1.0));
            for (int i = 0; i < 5; i++)
            {
                request(sim, 2);
            }
            sim.runUntil(50 * MS);

            assertThat(sim.failures()).isEmpty();
            assertThat(cluster.protocols[0].garbageMessages + cluster.protocols[1].garbageMessages +
                cluster.protocols[0].pingMessages + cluster.protocols[1].pingMessages).isGreaterThan(0);
            assertThat(cluster.protocols[0].pingsSeen).noneMatch("2:1"::equals);
        }
    }

    @Test
    void shouldReorderMessagesThroughRandomLatency()
    {
        final EchoCluster cluster = new EchoCluster(2, false, false, 0);
        try (Simulation sim = new Simulation(
            new Simulation.Context().seed(11).nodeCount(2).latency(0, 10 * MS), cluster))
        {
            for (int i = 0; i < 50; i++)
            {
                request(sim, 0);
            }
            sim.runUntil(sim::isIdle, 1_000 * MS);

            final List<Long> received = cluster.protocols[1].pingsReceivedInOrder;
            final List<Long> sorted = new ArrayList<>(received);
            sorted.sort(Long::compare);
            assertThat(received).hasSize(50).doesNotHaveDuplicates();
            assertThat(received).isNotEqualTo(sorted);
            assertThat(cluster.protocols[0].completed()).isEqualTo(50);
        }
    }
}
