package io.jmir.transport;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

import static io.jmir.transport.FrameCodec.BYTE_ORDER;
import static org.assertj.core.api.Assertions.assertThat;

class FrameVerifierTest
{
    private static final int CLUSTER = 42;
    private static final int NODES = 3;
    private static final int MAX = 4096;
    private static final byte[] SECRET = TestSupport.randomSecret();

    private final FrameWriter writer01 = writer(CLUSTER, 0, 1, SECRET, MAX + FrameCodec.OVERHEAD);
    private final FrameVerifier verifier1 = verifier(CLUSTER, 1, SECRET, MAX, 0);

    record Message(int module, byte[] payload)
    {
    }

    @Test
    void shouldAcceptAnAuthenticFrameAndExposeItsMessagesInOrder()
    {
        final byte[] a = randomBytes(100);
        final byte[] c = randomBytes(7);
        writer01.append(3, new UnsafeBuffer(a), 0, a.length);
        writer01.append(0, new UnsafeBuffer(new byte[0]), 0, 0);
        writer01.append(65535, new UnsafeBuffer(c), 0, c.length);
        final int length = writer01.finish();

        assertThat(length).isEqualTo(FrameCodec.FRAME_OVERHEAD + 3 * FrameCodec.MESSAGE_OVERHEAD + 107);
        assertThat(verifier1.verify(writer01.buffer(), 0, length)).isNull();
        assertThat(verifier1.senderId()).isZero();
        assertThat(messages(verifier1)).extracting(Message::module).containsExactly(3, 0, 65535);
        assertThat(messages(verifier1)).extracting(Message::payload).containsExactly(a, new byte[0], c);
    }

    @Test
    void shouldAcceptAMessageOfExactlyTheMaximumSize()
    {
        final byte[] max = randomBytes(MAX);
        assertThat(verifier1.verify(writer01.buffer(), 0, frame(writer01, 1, max))).isNull();
        assertThat(messages(verifier1)).singleElement().satisfies(m -> assertThat(m.payload()).isEqualTo(max));
    }

    @Test
    void shouldRejectEveryTruncationAndTrailingBytes()
    {
        writer01.append(1, new UnsafeBuffer(randomBytes(30)), 0, 30);
        final int length = frame(writer01, 2, randomBytes(20));
        final UnsafeBuffer copy = new UnsafeBuffer(new byte[length + 1]);
        copy.putBytes(0, writer01.buffer(), 0, length);

        for (int truncated = 0; truncated < length; truncated++)
        {
            assertThat(verifier1.verify(copy, 0, truncated)).as("truncated to %d", truncated).isNotNull();
        }
        assertThat(verifier1.verify(copy, 0, length + 1)).isEqualTo(DropReason.RECV_MALFORMED);
        assertThat(verifier1.verify(copy, 0, length)).isNull();
    }

    @Test
    void shouldNeverAcceptAFrameWithAnyBitFlipped()
    {
        writer01.append(1, new UnsafeBuffer(randomBytes(40)), 0, 40);
        final int length = frame(writer01, 2, randomBytes(30));
        final UnsafeBuffer frame = new UnsafeBuffer(new byte[length]);
        frame.putBytes(0, writer01.buffer(), 0, length);

        for (int bit = 0; bit < length * 8; bit++)
        {
            final int index = bit / 8;
            final byte original = frame.getByte(index);
            frame.putByte(index, (byte)(original ^ (1 << (bit % 8))));
            assertThat(verifier1.verify(frame, 0, length)).as("bit %d flipped", bit).isNotNull();
            frame.putByte(index, original);
        }
        assertThat(verifier1.verify(frame, 0, length)).isNull();
    }

    @Test
    void shouldRejectFramesOfAnotherClusterUnknownSendersAndOtherReceivers()
    {
        final byte[] message = randomBytes(10);
        final FrameWriter otherCluster = writer(CLUSTER + 1, 0, 1, SECRET, 1024);
        assertThat(verifier1.verify(otherCluster.buffer(), 0, frame(otherCluster, 0, message)))
            .isEqualTo(DropReason.RECV_WRONG_CLUSTER);

        final FrameWriter outsider = writer(CLUSTER, NODES + 5, 1, SECRET, 1024);
        assertThat(verifier1.verify(outsider.buffer(), 0, frame(outsider, 0, message)))
            .isEqualTo(DropReason.RECV_UNKNOWN_SENDER);

        final FrameWriter negative = writer(CLUSTER, -1, 1, SECRET, 1024);
        assertThat(verifier1.verify(negative.buffer(), 0, frame(negative, 0, message)))
            .isEqualTo(DropReason.RECV_UNKNOWN_SENDER);

        final FrameWriter impostor = writer(CLUSTER, 1, 1, SECRET, 1024);
        assertThat(verifier1.verify(impostor.buffer(), 0, frame(impostor, 0, message)))
            .as("a frame claiming to come from the receiver itself").isEqualTo(DropReason.RECV_UNKNOWN_SENDER);

        final FrameWriter toNode2 = writer(CLUSTER, 0, 2, SECRET, 1024);
        assertThat(verifier1.verify(toNode2.buffer(), 0, frame(toNode2, 0, message)))
            .isEqualTo(DropReason.RECV_WRONG_RECEIVER);
    }

    @Test
    void shouldRejectFramesAuthenticatedWithAnotherKey()
    {
        final byte[] message = randomBytes(10);
        final FrameWriter wrongSecret = writer(CLUSTER, 0, 1, TestSupport.randomSecret(), 1024);
        assertThat(verifier1.verify(wrongSecret.buffer(), 0, frame(wrongSecret, 0, message)))
            .isEqualTo(DropReason.RECV_BAD_MAC);

        final FrameWriter keyOfPair02 = new FrameWriter(CLUSTER, 0, 1,
            new HmacSha256(PairwiseKeys.derive(SECRET, CLUSTER, 0, 2)), 1024);
        assertThat(verifier1.verify(keyOfPair02.buffer(), 0, frame(keyOfPair02, 0, message)))
            .isEqualTo(DropReason.RECV_BAD_MAC);
    }

    @Test
    void shouldRejectFramesAndMessagesLargerThanTheReceiversMaximum()
    {
        final FrameWriter big = writer(CLUSTER, 0, 1, SECRET, 4 * MAX);
        assertThat(verifier1.verify(big.buffer(), 0, frame(big, 0, randomBytes(MAX + 1))))
            .as("frame longer than the receiver's largest").isEqualTo(DropReason.RECV_TOO_LARGE);

        final FrameVerifier batching = verifier(CLUSTER, 1, SECRET, MAX, 4 * MAX);
        assertThat(batching.verify(big.buffer(), 0, frame(big, 0, randomBytes(MAX + 1))))
            .as("frame within the batch length carrying a message over the maximum")
            .isEqualTo(DropReason.RECV_TOO_LARGE);
        big.append(0, new UnsafeBuffer(randomBytes(MAX)), 0, MAX);
        assertThat(batching.verify(big.buffer(), 0, frame(big, 0, randomBytes(MAX)))).isNull();
        assertThat(batching.count()).isEqualTo(2);
    }

    @Test
    void shouldRejectAuthenticFramesWhoseMessagesGroupIsMalformed()
    {
        final HmacSha256 key01 = new HmacSha256(PairwiseKeys.derive(SECRET, CLUSTER, 0, 1));
        final int groupOffset = FrameCodec.GROUP_HEADER_OFFSET;
        final int firstEntry = FrameCodec.FIRST_ENTRY_OFFSET;

        assertThat(verifyRemaced(key01, b -> b.putShort(groupOffset + 2, (short)0, BYTE_ORDER)))
            .as("no messages").isEqualTo(DropReason.RECV_MALFORMED);
        assertThat(verifyRemaced(key01, b -> b.putShort(groupOffset + 2, (short)3, BYTE_ORDER)))
            .as("more messages than present").isEqualTo(DropReason.RECV_MALFORMED);
        assertThat(verifyRemaced(key01, b -> b.putShort(groupOffset, (short)1, BYTE_ORDER)))
            .as("entry block shorter than the destination module").isEqualTo(DropReason.RECV_MALFORMED);
        assertThat(verifyRemaced(key01, b -> b.putInt(firstEntry + 2, 11, BYTE_ORDER)))
            .as("first message length short of the second").isEqualTo(DropReason.RECV_MALFORMED);
        assertThat(verifyRemaced(key01, b -> b.putInt(firstEntry + 2, -1, BYTE_ORDER)))
            .as("message length past the end").isEqualTo(DropReason.RECV_MALFORMED);
        assertThat(verifyRemaced(key01, b -> b.putShort(0, (short)4, BYTE_ORDER)))
            .as("root block shorter than this version's").isEqualTo(DropReason.RECV_MALFORMED);
        assertThat(verifyRemaced(key01, b -> { })).isNull();
    }

    private DropReason verifyRemaced(final HmacSha256 key, final java.util.function.Consumer<UnsafeBuffer> damage)
    {
        writer01.append(1, new UnsafeBuffer(randomBytes(10)), 0, 10);
        final int length = frame(writer01, 2, randomBytes(20));
        final UnsafeBuffer copy = new UnsafeBuffer(new byte[length]);
        copy.putBytes(0, writer01.buffer(), 0, length);
        damage.accept(copy);
        final int macLengthOffset = length - FrameCodec.TRAILER_LENGTH;
        key.compute(copy.byteArray(), 0, macLengthOffset, copy.byteArray(), macLengthOffset + 4);
        return verifier1.verify(copy, 0, length);
    }

    @Property(tries = 2000)
    void shouldNeverAcceptOrThrowOnRandomBytes(@ForAll @Size(max = 300) final byte[] bytes)
    {
        assertThat(verifier1.verify(new UnsafeBuffer(bytes), 0, bytes.length)).isNotNull();
    }

    @Property(tries = 1000)
    void shouldNeverAcceptRandomBytesBehindAValidHeader(@ForAll @Size(min = 30, max = 300) final byte[] bytes)
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(bytes);
        frame(writer01, 0, new byte[0]);
        buffer.putBytes(0, writer01.buffer(), 0, FrameCodec.FIRST_ENTRY_OFFSET);
        assertThat(verifier1.verify(buffer, 0, bytes.length)).isNotNull();
    }

    static int frame(final FrameWriter writer, final int module, final byte[] message)
    {
        writer.append(module, new UnsafeBuffer(message), 0, message.length);
        final int length = writer.finish();
        writer.reset();
        return length;
    }

    static List<Message> messages(final FrameVerifier verifier)
    {
        final List<Message> messages = new ArrayList<>();
        final DirectBuffer frame = verifier.buffer();
        int cursor = verifier.firstEntryOffset();
        for (int i = 0; i < verifier.count(); i++)
        {
            final int module = frame.getShort(cursor, BYTE_ORDER) & 0xFFFF;
            final int length = frame.getInt(cursor + verifier.entryBlockLength(), BYTE_ORDER);
            final byte[] payload = new byte[length];
            frame.getBytes(cursor + verifier.entryBlockLength() + 4, payload);
            messages.add(new Message(module, payload));
            cursor += verifier.entryBlockLength() + 4 + length;
        }
        return messages;
    }

    static FrameWriter writer(
        final int clusterId, final int sender, final int receiver, final byte[] secret, final int capacity)
    {
        return new FrameWriter(clusterId, sender, receiver,
            new HmacSha256(PairwiseKeys.derive(secret, clusterId, sender, receiver)), capacity);
    }

    static FrameVerifier verifier(
        final int clusterId, final int self, final byte[] secret, final int max, final int batchLength)
    {
        final HmacSha256[] macs = new HmacSha256[NODES];
        for (int peer = 0; peer < NODES; peer++)
        {
            if (peer != self)
            {
                macs[peer] = new HmacSha256(PairwiseKeys.derive(secret, clusterId, self, peer));
            }
        }
        return new FrameVerifier(clusterId, self, macs, max, FrameCodec.maxFrameLength(max, batchLength));
    }

    static byte[] randomBytes(final int length)
    {
        final byte[] bytes = new byte[length];
        ThreadLocalRandom.current().nextBytes(bytes);
        return bytes;
    }
}
