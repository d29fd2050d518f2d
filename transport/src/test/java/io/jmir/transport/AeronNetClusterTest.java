package io.jmir.transport;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Aeron net modules of several nodes in this JVM over UDP loopback, each with its embedded driver.
 */
@Timeout(90)
class AeronNetClusterTest
{
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final int NET = 0;
    private static final int DEST_MODULE = 3;

    private final SendMessageEvents events = new SendMessageEvents(AeronTestCluster.MAX_MESSAGE_SIZE + 1024);

    private static byte[] message(final int from, final int seq, final int length)
    {
        final byte[] bytes = new byte[length];
        ThreadLocalRandom.current().nextBytes(bytes);
        ByteBuffer.wrap(bytes).putInt(from).putInt(seq);
        return bytes;
    }

    @Test
    void shouldExchangeMessagesAllToAllAmongFourNodesIncludingLargeOnes()
    {
        final int perNode = 200;
        try (AeronTestCluster cluster = new AeronTestCluster(4).startAll())
        {
            cluster.awaitConnected(TIMEOUT);
            final int[] all = { 0, 1, 2, 3 };
            final List<List<byte[]>> sent = new ArrayList<>();
            final long[] wireBytes = new long[4];
            for (int node = 0; node < 4; node++)
            {
                sent.add(new ArrayList<>());
            }
            for (int seq = 0; seq < perNode; seq++)
            {
                for (int node = 0; node < 4; node++)
                {
                    final int length = seq % 50 == 7 ? 20_000 + seq : 16 + seq;
                    final byte[] message = message(node, seq, length);
                    sent.get(node).add(message);
                    wireBytes[node] += message.length + FrameCodec.OVERHEAD;
                    cluster.nets[node].onEvent(events.build(NET, DEST_MODULE, all, message), cluster.emitters[node]);
                }
                cluster.pollAll();
            }
            cluster.await(TIMEOUT, () -> allReceived(cluster, 4 * perNode), "all messages received");

            for (int node = 0; node < 4; node++)
            {
                final int[] next = new int[4];
                for (final RecordingEmitter.Received received : cluster.emitters[node].received())
                {
                    assertThat(received.destinationModule()).isEqualTo(DEST_MODULE);
                    final int from = received.fromNode();
                    assertThat(received.message()).isEqualTo(sent.get(from).get(next[from]++));
                }
                assertThat(next).containsOnly(perNode);
                final NetCounters counters = cluster.nets[node].counters();
                for (int peer = 0; peer < 4; peer++)
                {
                    assertThat(counters.messagesSent(peer)).isEqualTo(perNode);
                    assertThat(counters.messagesReceived(peer)).isEqualTo(perNode);
                    if (peer != node)
                    {
                        assertThat(counters.bytesSent(peer)).isEqualTo(wireBytes[node]);
                        assertThat(counters.bytesReceived(peer)).isEqualTo(wireBytes[peer]);
                    }
                }
                assertThat(counters.sendDrops() + counters.receiveDrops()).as(counters.toString()).isZero();
                assertThat(cluster.emitters[node].invalidEnvelopes()).isZero();
            }
        }
    }

    @Test
    void shouldCoalesceMessagesPerPeerWithinABatchAndKeepTheirOrder()
    {
        try (AeronTestCluster cluster = new AeronTestCluster(3))
        {
            cluster.start(0, c -> c.batchLength(4096));
            cluster.start(1, c -> c.batchLength(4096));
            final AeronNet unbatched = cluster.start(2, c -> c.batchLength(0));
            cluster.awaitConnected(TIMEOUT);
            final List<byte[]> sent = new ArrayList<>();
            for (int i = 0; i < 101; i++)
            {
                final byte[] message = message(0, i, i == 50 ? 10_000 : 100);
                sent.add(message);
                cluster.nets[0].onEvent(events.build(NET, DEST_MODULE, new int[]{ 1 }, message), cluster.emitters[0]);
            }
            cluster.nets[0].onEndOfBatch(cluster.emitters[0]);
            for (int i = 0; i < 10; i++)
            {
                unbatched.onEvent(events.build(NET, DEST_MODULE, new int[]{ 1 }, message(2, i, 100)),
                    cluster.emitters[2]);
            }
            cluster.await(TIMEOUT, () -> cluster.emitters[1].messages() == 111, "111 messages delivered");

            final List<byte[]> fromNode0 = new ArrayList<>();
            cluster.emitters[1].received().stream().filter(r -> r.fromNode() == 0).forEach(r -> fromNode0.add(
                r.message()));
            assertThat(fromNode0).containsExactlyElementsOf(sent);
            final int smallPerFrame = (4096 - FrameCodec.FRAME_OVERHEAD) / (FrameCodec.MESSAGE_OVERHEAD + 100);
            assertThat(smallPerFrame).isEqualTo(38);
            final int frames = 2 + 1 + 2;
            assertThat(cluster.nets[0].counters().bytesSent(1))
                .isEqualTo(frames * FrameCodec.FRAME_OVERHEAD + 101 * FrameCodec.MESSAGE_OVERHEAD + 100 * 100 + 10_000);
            assertThat(unbatched.counters().bytesSent(1)).isEqualTo(10 * (FrameCodec.OVERHEAD + 100));
            assertThat(cluster.nets[1].counters().bytesReceived(0)).isEqualTo(cluster.nets[0].counters().bytesSent(1));
            assertThat(cluster.nets[1].counters().messagesReceived(0)).isEqualTo(101);
        }
    }

    private static boolean allReceived(final AeronTestCluster cluster, final int expected)
    {
        for (final RecordingEmitter emitter : cluster.emitters)
        {
            if (emitter.received().size() < expected)
            {
                return false;
            }
        }
        return true;
    }

    @Test
    void shouldDropForAPeerThatIsNotUpAndFlowOnceItIs()
    {
        try (AeronTestCluster cluster = new AeronTestCluster(2))
        {
            final AeronNet sender = cluster.start(0);
            sender.onEvent(events.build(NET, DEST_MODULE, new int[]{ 1 }, message(0, 0, 32)), cluster.emitters[0]);
            assertThat(sender.counters().drops(DropReason.SEND_NOT_CONNECTED)).isEqualTo(1);
            assertThat(sender.isConnected(1)).isFalse();

            cluster.start(1);
            cluster.awaitConnected(TIMEOUT);
            sender.onEvent(events.build(NET, DEST_MODULE, new int[]{ 1 }, message(0, 1, 32)), cluster.emitters[0]);
            cluster.await(TIMEOUT, () -> cluster.emitters[1].received().size() == 1, "message after peer is up");
            assertThat(cluster.emitters[1].received().get(0).message()).startsWith(0, 0, 0, 0, 0, 0, 0, 1);
            assertThat(sender.counters().messagesSent(1)).isEqualTo(1);
        }
    }

    @Test
    void shouldEnforceTheMaximumMessageSizeAtSendAndAtReceive()
    {
        final List<Throwable> errors = new ArrayList<>();
        try (AeronTestCluster cluster = new AeronTestCluster(2))
        {
            final AeronNet big = cluster.start(0, c -> c.maxMessageSize(4 * AeronTestCluster.MAX_MESSAGE_SIZE));
            final AeronNet small = cluster.start(1, c -> c.errorHandler(errors::add));
            cluster.awaitConnected(TIMEOUT);
            final SendMessageEvents largeEvents = new SendMessageEvents(4 * AeronTestCluster.MAX_MESSAGE_SIZE);

            big.onEvent(largeEvents.build(NET, DEST_MODULE, new int[]{ 1 },
                message(0, 0, AeronTestCluster.MAX_MESSAGE_SIZE + 1)), cluster.emitters[0]);
            big.onEvent(largeEvents.build(NET, DEST_MODULE, new int[]{ 1 },
                message(0, 1, AeronTestCluster.MAX_MESSAGE_SIZE)), cluster.emitters[0]);
            small.onEvent(largeEvents.build(NET, DEST_MODULE, new int[]{ 0 },
                message(1, 0, AeronTestCluster.MAX_MESSAGE_SIZE + 1)), cluster.emitters[1]);

            cluster.await(TIMEOUT, () -> small.counters().drops(DropReason.RECV_TOO_LARGE) == 1 &&
                cluster.emitters[1].received().size() == 1, "oversized frame dropped, maximum one delivered");
            assertThat(cluster.emitters[1].received().get(0).message()).hasSize(AeronTestCluster.MAX_MESSAGE_SIZE);
            assertThat(small.counters().drops(DropReason.SEND_TOO_LARGE)).isEqualTo(1);
            assertThat(small.counters().messagesSent(0)).isZero();
            assertThat(errors).singleElement().isInstanceOf(MessageTooLargeException.class);
            assertThat(big.counters().messagesSent(1)).isEqualTo(2);
        }
    }

    @Test
    void shouldDropFramesFromNodesWithAnotherSecretOrClusterWithoutDeliveringThem()
    {
        try (AeronTestCluster cluster = new AeronTestCluster(3))
        {
            final AeronNet honest = cluster.start(0);
            cluster.start(1, c -> c.clusterSecret(TestSupport.randomSecret()));
            cluster.start(2, c -> c.clusterId(cluster.clusterId + 1));
            cluster.awaitConnected(TIMEOUT);
            for (int i = 0; i < 10; i++)
            {
                cluster.nets[1].onEvent(events.build(NET, DEST_MODULE, new int[]{ 0 }, message(1, i, 40)),
                    cluster.emitters[1]);
                cluster.nets[2].onEvent(events.build(NET, DEST_MODULE, new int[]{ 0 }, message(2, i, 40)),
                    cluster.emitters[2]);
                cluster.nets[1].onEndOfBatch(cluster.emitters[1]);
                cluster.nets[2].onEndOfBatch(cluster.emitters[2]);
            }
            cluster.await(TIMEOUT, () -> honest.counters().receiveDrops() == 20, "20 forged frames dropped");
            assertThat(honest.counters().drops(DropReason.RECV_BAD_MAC)).isEqualTo(10);
            assertThat(honest.counters().drops(DropReason.RECV_WRONG_CLUSTER)).isEqualTo(10);
            assertThat(cluster.emitters[0].messages()).isZero();
            assertThat(honest.counters().messagesReceived(1) + honest.counters().messagesReceived(2)).isZero();
        }
    }

    @Test
    void shouldStopPollingWhileBackPressuredAndDeliverEverythingAfterwards()
    {
        try (AeronTestCluster cluster = new AeronTestCluster(2).startAll())
        {
            cluster.awaitConnected(TIMEOUT);
            cluster.emitters[1].backPressured(true);
            for (int i = 0; i < 100; i++)
            {
                cluster.nets[0].onEvent(events.build(NET, DEST_MODULE, new int[]{ 1 }, message(0, i, 100)),
                    cluster.emitters[0]);
            }
            cluster.await(TIMEOUT, () -> cluster.nets[0].counters().messagesSent(1) == 100, "all sent");
            final long deadline = System.nanoTime() + Duration.ofMillis(200).toNanos();
            while (System.nanoTime() < deadline)
            {
                assertThat(cluster.nets[1].doWork(0, cluster.emitters[1])).isZero();
            }
            assertThat(cluster.emitters[1].messages()).isZero();

            cluster.emitters[1].backPressured(false);
            cluster.await(TIMEOUT, () -> cluster.emitters[1].messages() == 100, "delivery after back-pressure");
            assertThat(cluster.nets[1].counters().receiveDrops()).isZero();
        }
    }

    @Test
    void shouldNotAllocateOnTheSendAndReceivePaths()
    {
        try (AeronTestCluster cluster = new AeronTestCluster(2).startAll())
        {
            cluster.awaitConnected(TIMEOUT);
            final long[] received = new long[1];
            cluster.emitters[1].listener((module, from, buffer, offset, length) -> received[0]++);
            final UnsafeBuffer payload = new UnsafeBuffer(message(0, 0, 1024));
            final int[] destinations = { 1 };
            final com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean)java.lang.management.ManagementFactory.getThreadMXBean();
            final long threadId = Thread.currentThread().getId();

            exchange(cluster, payload, destinations, received, 30_000);
            final long before = threads.getThreadAllocatedBytes(threadId);
            exchange(cluster, payload, destinations, received, 20_000);
            final long allocated = threads.getThreadAllocatedBytes(threadId) - before;

            assertThat(allocated).as("bytes allocated sending and receiving 20,000 messages").isLessThan(8 * 1024);
            assertThat(cluster.nets[0].counters().sendDrops()).isZero();
        }
    }

    private void exchange(
        final AeronTestCluster cluster,
        final UnsafeBuffer payload,
        final int[] destinations,
        final long[] received,
        final int count)
    {
        final long target = received[0] + count;
        final long deadline = System.nanoTime() + TIMEOUT.toNanos();
        int sent = 0;
        while (received[0] < target)
        {
            if (sent == count)
            {
                cluster.nets[0].onEndOfBatch(cluster.emitters[0]);
            }
            if (sent < count && cluster.nets[0].counters().messagesSent(1) - received[0] < 64)
            {
                cluster.nets[0].onEvent(events.build(NET, DEST_MODULE, destinations, payload, 0, 64 + (sent & 511)),
                    cluster.emitters[0]);
                if ((++sent & 3) == 0)
                {
                    cluster.nets[0].onEndOfBatch(cluster.emitters[0]);
                }
            }
            if (cluster.nets[1].doWork(0, cluster.emitters[1]) == 0)
            {
                Thread.onSpinWait();
            }
            if (System.nanoTime() - deadline > 0)
            {
                throw new AssertionError("timed out: received " + received[0] + " of " + target);
            }
        }
    }
}
