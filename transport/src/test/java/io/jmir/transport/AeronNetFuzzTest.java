package io.jmir.transport;

import io.aeron.Aeron;
import io.aeron.ChannelUriStringBuilder;
import io.aeron.ExclusivePublication;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * 100,000 bad frames — random, truncated, bit-flipped, padded, forged — sent through a real Aeron publication to a
 * node's UDP endpoint while a peer's valid traffic continues: nothing crashes, every bad frame is counted, every
 * valid message is delivered in order.
 */
@Timeout(180)
class AeronNetFuzzTest
{
    private static final int BAD_FRAMES = 100_000;
    private static final int VALID_MESSAGES = 20_000;
    private static final int NET = 0;
    private static final int DEST_MODULE = 2;
    private static final Duration TIMEOUT = Duration.ofSeconds(120);

    private final long seed = System.nanoTime();
    private final Random random = new Random(seed);
    private final UnsafeBuffer bad = new UnsafeBuffer(new byte[AeronTestCluster.MAX_MESSAGE_SIZE * 2]);
    private final UnsafeBuffer message = new UnsafeBuffer(new byte[1024]);
    private final Map<DropReason, Long> expected = new EnumMap<>(DropReason.class);
    private final SendMessageEvents events = new SendMessageEvents(2048);
    private final UnsafeBuffer zeros = new UnsafeBuffer(new byte[1024]);
    private long expectedUnclassified;

    @Test
    void shouldCountEveryBadFrameAndDeliverEveryValidMessage()
    {
        try (AeronTestCluster cluster = new AeronTestCluster(2).startAll();
            Aeron fuzzer = Aeron.connect(new Aeron.Context().aeronDirectoryName(cluster.nets[0].aeronDirectoryName())))
        {
            cluster.awaitConnected(TIMEOUT);
            final ExclusivePublication publication = fuzzer.addExclusivePublication(new ChannelUriStringBuilder()
                .media("udp").endpoint(TestSupport.LOOPBACK + ":" + cluster.ports[1]).termLength(4 * 1024 * 1024)
                .build(), TransportConfiguration.STREAM_ID_DEFAULT);
            cluster.await(TIMEOUT, publication::isConnected, "fuzzer connected");

            final int[] nextSeq = new int[1];
            cluster.emitters[1].listener((module, from, buffer, offset, length) ->
            {
                assertThat(from).isZero();
                assertThat(module).isEqualTo(DEST_MODULE);
                assertThat(buffer.getInt(offset)).as("sequence (seed %d)", seed).isEqualTo(nextSeq[0]++);
            });
            final Fuzz fuzz = new Fuzz(cluster);
            int sentValid = 0;
            for (int i = 0; i < BAD_FRAMES; i++)
            {
                final int length = badFrame(fuzz, i);
                while (publication.offer(bad, 0, length) < 0)
                {
                    cluster.pollAll();
                }
                if (i % 5 == 0 && sentValid < VALID_MESSAGES)
                {
                    sentValid += sendValid(cluster, sentValid);
                }
                cluster.pollAll();
            }
            final int[] valid = { sentValid };
            cluster.await(TIMEOUT, () ->
            {
                if (valid[0] < VALID_MESSAGES)
                {
                    valid[0] += sendValid(cluster, valid[0]);
                }
                return nextSeq[0] == VALID_MESSAGES && cluster.nets[1].counters().receiveDrops() >= BAD_FRAMES;
            }, "all valid messages and bad frames accounted for (seed " + seed + ")");

            final NetCounters counters = cluster.nets[1].counters();
            assertThat(counters.receiveDrops()).as(counters.toString()).isEqualTo(BAD_FRAMES);
            long forged = 0;
            for (final Map.Entry<DropReason, Long> entry : expected.entrySet())
            {
                assertThat(counters.drops(entry.getKey())).as(entry.getKey().name()).isGreaterThanOrEqualTo(
                    entry.getValue());
                forged += entry.getValue();
            }
            assertThat(forged + expectedUnclassified).isEqualTo(BAD_FRAMES);
            assertThat(counters.drops(DropReason.RECV_MALFORMED)).isPositive();
            assertThat(counters.drops(DropReason.RECV_TOO_LARGE)).isPositive();
            assertThat(counters.messagesReceived(0)).isEqualTo(VALID_MESSAGES);
            assertThat(cluster.nets[0].counters().sendDrops()).isZero();
            assertThat(cluster.emitters[1].invalidEnvelopes()).isZero();
            assertThat(cluster.emitters[1].messages()).isEqualTo(VALID_MESSAGES);
        }
    }

    private int sendValid(final AeronTestCluster cluster, final int seq)
    {
        final long inFlight = cluster.nets[0].counters().messagesSent(1) - cluster.emitters[1].messages();
        if (inFlight > 256)
        {
            return 0;
        }
        message.putInt(0, seq);
        final int length = 4 + random.nextInt(600);
        cluster.nets[0].onEvent(
            events.build(NET, DEST_MODULE, new int[]{ 1 }, message, 0, length),
            cluster.emitters[0]);
        return 1;
    }

    private int badFrame(final Fuzz fuzz, final int i)
    {
        final int messageLength = random.nextInt(300);
        switch (i % 9)
        {
            case 0:
            {
                final int length = random.nextInt(200) == 0 ? AeronTestCluster.MAX_MESSAGE_SIZE + 500 :
                    random.nextInt(2 * 1408);
                final byte[] bytes = new byte[length];
                random.nextBytes(bytes);
                bad.putBytes(0, bytes);
                expectedUnclassified++;
                return length;
            }
            case 1:
            {
                final int length = frame(fuzz.valid, DEST_MODULE, messageLength);
                expectedUnclassified++;
                return random.nextInt(length);
            }
            case 2:
            {
                final int length = frame(fuzz.valid, DEST_MODULE, messageLength);
                final int[] bits = random.ints(0, length * 8).distinct().limit(1 + random.nextInt(3)).toArray();
                for (final int bit : bits)
                {
                    bad.putByte(bit / 8, (byte)(bad.getByte(bit / 8) ^ (1 << (bit % 8))));
                }
                expectedUnclassified++;
                return length;
            }
            case 3:
                expectedUnclassified++;
                return frame(fuzz.valid, DEST_MODULE, messageLength) +
                    1 + random.nextInt(16);
            case 4:
                return expect(DropReason.RECV_WRONG_CLUSTER,
                    frame(fuzz.otherCluster, DEST_MODULE, messageLength));
            case 5:
                return expect(DropReason.RECV_UNKNOWN_SENDER,
                    frame(fuzz.outsider, DEST_MODULE, messageLength));
            case 6:
                return expect(DropReason.RECV_WRONG_RECEIVER,
                    frame(fuzz.toNode2, DEST_MODULE, messageLength));
            case 7:
                return expect(DropReason.RECV_BAD_MAC,
                    frame(fuzz.wrongKey, DEST_MODULE, messageLength));
            default:
                return expect(DropReason.RECV_UNKNOWN_MODULE,
                    frame(fuzz.valid, 999, messageLength, 1));
        }
    }

    private int expect(final DropReason reason, final int length)
    {
        expected.merge(reason, 1L, Long::sum);
        return length;
    }

    private int frame(final FrameWriter writer, final int module, final int messageLength)
    {
        return frame(writer, module, messageLength, 1 + random.nextInt(3));
    }

    private int frame(final FrameWriter writer, final int module, final int messageLength, final int messages)
    {
        for (int i = 0; i < messages; i++)
        {
            writer.append(module, zeros, 0, messageLength / messages);
        }
        final int length = writer.finish();
        writer.reset();
        bad.putBytes(0, writer.buffer(), 0, length);
        return length;
    }

    private static final class Fuzz
    {
        final FrameWriter valid;
        final FrameWriter toNode2;
        final FrameWriter otherCluster;
        final FrameWriter outsider;
        final FrameWriter wrongKey;

        Fuzz(final AeronTestCluster cluster)
        {
            final int capacity = 4096;
            valid = FrameVerifierTest.writer(cluster.clusterId, 0, 1, cluster.secret, capacity);
            toNode2 = FrameVerifierTest.writer(cluster.clusterId, 0, 2, cluster.secret, capacity);
            otherCluster = FrameVerifierTest.writer(cluster.clusterId + 1, 0, 1, cluster.secret, capacity);
            outsider = new FrameWriter(cluster.clusterId, 7, 1, new HmacSha256(cluster.secret), capacity);
            wrongKey = FrameVerifierTest.writer(cluster.clusterId, 0, 1, TestSupport.randomSecret(), capacity);
        }
    }
}
