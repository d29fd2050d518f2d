package io.jmir.transport;

import io.jmir.transport.codecs.FrameEncoder;
import io.jmir.transport.codecs.MessageHeaderEncoder;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Encodes and authenticates the frames one node sends, into one reused buffer. Allocation free.
 * <p>
 * <b>Threading:</b> used by the net module's thread only.
 */
final class FrameWriter
{
    private final MessageHeaderEncoder headerEncoder = new MessageHeaderEncoder();
    private final FrameEncoder encoder = new FrameEncoder();
    private final byte[] bytes;
    private final UnsafeBuffer buffer;
    private final byte[] mac = new byte[HmacSha256.MAC_LENGTH];
    private final int clusterId;
    private final int senderId;
    private final HmacSha256[] macs;

    /**
     * @param clusterId      id of the cluster.
     * @param senderId       id of this node.
     * @param macs           MAC of each peer's pairwise key, indexed by node id (null for self).
     * @param maxMessageSize largest message that will be written.
     */
    FrameWriter(final int clusterId, final int senderId, final HmacSha256[] macs, final int maxMessageSize)
    {
        this.clusterId = clusterId;
        this.senderId = senderId;
        this.macs = macs;
        bytes = new byte[FrameCodec.maxFrameLength(maxMessageSize)];
        buffer = new UnsafeBuffer(bytes);
    }

    /**
     * Write one frame at offset 0 of {@link #buffer()}. The caller has checked the message size and receiver.
     *
     * @param receiverId        node the frame is for.
     * @param destinationModule module of the receiver.
     * @param message           buffer holding the message.
     * @param offset            of the message.
     * @param length            of the message.
     * @return length of the frame.
     */
    int write(
        final int receiverId,
        final int destinationModule,
        final DirectBuffer message,
        final int offset,
        final int length)
    {
        encoder.wrapAndApplyHeader(buffer, 0, headerEncoder)
            .clusterId(clusterId)
            .senderId(senderId)
            .receiverId(receiverId)
            .destinationModule(destinationModule)
            .putPayload(message, offset, length);
        final int macLengthOffset = encoder.limit();
        macs[receiverId].compute(bytes, 0, macLengthOffset, mac, 0);
        encoder.putMac(mac, 0, HmacSha256.MAC_LENGTH);
        return encoder.limit();
    }

    /**
     * @return the buffer frames are written into.
     */
    UnsafeBuffer buffer()
    {
        return buffer;
    }
}
