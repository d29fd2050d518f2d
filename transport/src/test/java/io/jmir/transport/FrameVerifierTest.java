package io.jmir.transport;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.util.concurrent.ThreadLocalRandom;

import static org.assertj.core.api.Assertions.assertThat;

class FrameVerifierTest
{
    private static final int CLUSTER = 42;
    private static final int NODES = 3;
    private static final int MAX = 4096;
    private static final byte[] SECRET = TestSupport.randomSecret();

    private final FrameWriter writer0 = writer(CLUSTER, 0, SECRET, MAX);
    private final FrameVerifier verifier1 = verifier(CLUSTER, 1, SECRET, MAX);

    @Test
    void shouldAcceptAndExposeAnAuthenticFrame()
    {
        final byte[] message = randomBytes(100);
        final int length = writer0.write(1, 3, new UnsafeBuffer(message), 0, message.length);

        assertThat(length).isEqualTo(message.length + FrameCodec.OVERHEAD);
        assertThat(verifier1.verify(writer0.buffer(), 0, length)).isNull();
        assertThat(verifier1.senderId()).isZero();
        assertThat(verifier1.destinationModule()).isEqualTo(3);
        final byte[] payload = new byte[verifier1.payloadLength()];
        verifier1.buffer().getBytes(verifier1.payloadOffset(), payload);
        assertThat(payload).isEqualTo(message);
    }

    @Test
    void shouldAcceptAnEmptyMessageAndOneOfExactlyTheMaximumSize()
    {
        assertThat(verifier1.verify(writer0.buffer(), 0, writer0.write(1, 0, new UnsafeBuffer(new byte[0]), 0, 0)))
            .isNull();
        assertThat(verifier1.payloadLength()).isZero();
        final byte[] max = randomBytes(MAX);
        assertThat(verifier1.verify(writer0.buffer(), 0, writer0.write(1, 0, new UnsafeBuffer(max), 0, MAX)))
            .isNull();
        assertThat(verifier1.payloadLength()).isEqualTo(MAX);
    }

    @Test
    void shouldRejectEveryTruncationAndTrailingBytes()
    {
        final byte[] message = randomBytes(50);
        final int length = writer0.write(1, 0, new UnsafeBuffer(message), 0, message.length);
        final UnsafeBuffer copy = new UnsafeBuffer(new byte[length + 1]);
        copy.putBytes(0, writer0.buffer(), 0, length);

        for (int truncated = 0; truncated < length; truncated++)
        {
            assertThat(verifier1.verify(copy, 0, truncated)).as("truncated to %d", truncated)
                .isEqualTo(DropReason.RECV_MALFORMED);
        }
        assertThat(verifier1.verify(copy, 0, length + 1)).isEqualTo(DropReason.RECV_MALFORMED);
        assertThat(verifier1.verify(copy, 0, length)).isNull();
    }

    @Test
    void shouldNeverAcceptAFrameWithAnyBitFlipped()
    {
        final byte[] message = randomBytes(80);
        final int length = writer0.write(1, 2, new UnsafeBuffer(message), 0, message.length);
        final UnsafeBuffer frame = new UnsafeBuffer(new byte[length]);
        frame.putBytes(0, writer0.buffer(), 0, length);

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
        final UnsafeBuffer message = new UnsafeBuffer(randomBytes(10));

        final FrameWriter otherCluster = writer(CLUSTER + 1, 0, SECRET, MAX);
        assertThat(verifier1.verify(otherCluster.buffer(), 0, otherCluster.write(1, 0, message, 0, 10)))
            .isEqualTo(DropReason.RECV_WRONG_CLUSTER);

        final FrameWriter outsider = writer(CLUSTER, NODES + 5, SECRET, MAX);
        assertThat(verifier1.verify(outsider.buffer(), 0, outsider.write(1, 0, message, 0, 10)))
            .isEqualTo(DropReason.RECV_UNKNOWN_SENDER);

        final FrameWriter negative = writer(CLUSTER, -1, SECRET, MAX);
        assertThat(verifier1.verify(negative.buffer(), 0, negative.write(1, 0, message, 0, 10)))
            .isEqualTo(DropReason.RECV_UNKNOWN_SENDER);

        final HmacSha256[] selfKey = new HmacSha256[NODES];
        selfKey[1] = new HmacSha256(SECRET);
        final FrameWriter impostor = new FrameWriter(CLUSTER, 1, selfKey, MAX);
        assertThat(verifier1.verify(impostor.buffer(), 0, impostor.write(1, 0, message, 0, 10)))
            .as("a frame claiming to come from the receiver itself").isEqualTo(DropReason.RECV_UNKNOWN_SENDER);

        assertThat(verifier1.verify(writer0.buffer(), 0, writer0.write(2, 0, message, 0, 10)))
            .isEqualTo(DropReason.RECV_WRONG_RECEIVER);
    }

    @Test
    void shouldRejectFramesAuthenticatedWithAnotherKey()
    {
        final FrameWriter wrongSecret = writer(CLUSTER, 0, TestSupport.randomSecret(), MAX);
        final UnsafeBuffer message = new UnsafeBuffer(randomBytes(10));
        assertThat(verifier1.verify(wrongSecret.buffer(), 0, wrongSecret.write(1, 0, message, 0, 10)))
            .isEqualTo(DropReason.RECV_BAD_MAC);

        final HmacSha256[] keyOfPair02 = new HmacSha256[NODES];
        keyOfPair02[1] = new HmacSha256(PairwiseKeys.derive(SECRET, CLUSTER, 0, 2));
        final FrameWriter wrongPair = new FrameWriter(CLUSTER, 0, keyOfPair02, MAX);
        assertThat(verifier1.verify(wrongPair.buffer(), 0, wrongPair.write(1, 0, message, 0, 10)))
            .isEqualTo(DropReason.RECV_BAD_MAC);
    }

    @Test
    void shouldRejectMessagesLargerThanTheReceiversMaximum()
    {
        final FrameWriter bigWriter = writer(CLUSTER, 0, SECRET, 4 * MAX);
        final UnsafeBuffer message = new UnsafeBuffer(randomBytes(MAX + 1));
        assertThat(verifier1.verify(bigWriter.buffer(), 0, bigWriter.write(1, 0, message, 0, MAX + 1)))
            .isEqualTo(DropReason.RECV_TOO_LARGE);
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
        writer0.write(1, 0, new UnsafeBuffer(new byte[0]), 0, 0);
        buffer.putBytes(0, writer0.buffer(), 0, 8 + FrameCodec.BLOCK_LENGTH);
        assertThat(verifier1.verify(buffer, 0, bytes.length)).isNotNull();
    }

    static FrameWriter writer(final int clusterId, final int sender, final byte[] secret, final int max)
    {
        return new FrameWriter(clusterId, sender, macs(clusterId, sender, secret), max);
    }

    static FrameVerifier verifier(final int clusterId, final int self, final byte[] secret, final int max)
    {
        return new FrameVerifier(clusterId, self, macs(clusterId, self, secret), max);
    }

    static HmacSha256[] macs(final int clusterId, final int self, final byte[] secret)
    {
        final HmacSha256[] macs = new HmacSha256[NODES];
        for (int peer = 0; peer < NODES; peer++)
        {
            if (peer != self)
            {
                macs[peer] = new HmacSha256(PairwiseKeys.derive(secret, clusterId, self, peer));
            }
        }
        return macs;
    }

    static byte[] randomBytes(final int length)
    {
        final byte[] bytes = new byte[length];
        ThreadLocalRandom.current().nextBytes(bytes);
        return bytes;
    }
}
