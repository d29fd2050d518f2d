package io.jmir.transport;

import io.jmir.transport.codecs.FrameDecoder;
import io.jmir.transport.codecs.MessageHeaderDecoder;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import static io.jmir.transport.FrameCodec.BYTE_ORDER;
import static io.jmir.transport.FrameCodec.HEADER_LENGTH;
import static io.jmir.transport.FrameCodec.LENGTH_PREFIX;

/**
 * Checks a received frame completely before anything of it is used: length, header, every length field against
 * the bytes present, cluster id, sender, receiver and MAC. Accepted frames are copied into a reused scratch
 * buffer from which the payload is read. Allocation free; never throws on any input.
 * <p>
 * <b>Threading:</b> used by the net module's thread only.
 */
final class FrameVerifier
{
    private static final int BLOCK_LENGTH_OFFSET = MessageHeaderDecoder.blockLengthEncodingOffset();
    private static final int TEMPLATE_ID_OFFSET = MessageHeaderDecoder.templateIdEncodingOffset();
    private static final int SCHEMA_ID_OFFSET = MessageHeaderDecoder.schemaIdEncodingOffset();
    private static final int CLUSTER_ID_OFFSET = HEADER_LENGTH + FrameDecoder.clusterIdEncodingOffset();
    private static final int SENDER_ID_OFFSET = HEADER_LENGTH + FrameDecoder.senderIdEncodingOffset();
    private static final int RECEIVER_ID_OFFSET = HEADER_LENGTH + FrameDecoder.receiverIdEncodingOffset();
    private static final int DESTINATION_MODULE_OFFSET =
        HEADER_LENGTH + FrameDecoder.destinationModuleEncodingOffset();

    private final int clusterId;
    private final int selfId;
    private final int maxMessageSize;
    private final int maxFrameLength;
    private final HmacSha256[] macs;
    private final byte[] bytes;
    private final UnsafeBuffer scratch;
    private int senderId;
    private int destinationModule;
    private int payloadOffset;
    private int payloadLength;

    /**
     * @param clusterId      id of this cluster.
     * @param selfId         id of this node.
     * @param macs           MAC of each peer's pairwise key, indexed by node id (null for self).
     * @param maxMessageSize largest message accepted.
     */
    FrameVerifier(final int clusterId, final int selfId, final HmacSha256[] macs, final int maxMessageSize)
    {
        this.clusterId = clusterId;
        this.selfId = selfId;
        this.macs = macs;
        this.maxMessageSize = maxMessageSize;
        this.maxFrameLength = FrameCodec.maxFrameLength(maxMessageSize);
        bytes = new byte[maxFrameLength];
        scratch = new UnsafeBuffer(bytes);
    }

    /**
     * Verify one frame.
     *
     * @param buffer holding the frame.
     * @param offset of the frame.
     * @param length of the frame.
     * @return null when the frame is authentic and well formed (then {@link #senderId()} etc. describe it), or
     * the reason to drop it.
     */
    DropReason verify(final DirectBuffer buffer, final int offset, final int length)
    {
        if (length < FrameCodec.MIN_LENGTH)
        {
            return DropReason.RECV_MALFORMED;
        }
        if (length > maxFrameLength)
        {
            return DropReason.RECV_TOO_LARGE;
        }
        buffer.getBytes(offset, bytes, 0, length);
        final int blockLength = scratch.getShort(BLOCK_LENGTH_OFFSET, BYTE_ORDER) & 0xFFFF;
        if ((scratch.getShort(SCHEMA_ID_OFFSET, BYTE_ORDER) & 0xFFFF) != FrameCodec.SCHEMA_ID ||
            (scratch.getShort(TEMPLATE_ID_OFFSET, BYTE_ORDER) & 0xFFFF) != FrameCodec.TEMPLATE_ID ||
            blockLength < FrameCodec.BLOCK_LENGTH)
        {
            return DropReason.RECV_MALFORMED;
        }
        final long payloadLengthOffset = (long)HEADER_LENGTH + blockLength;
        if (payloadLengthOffset + LENGTH_PREFIX > length)
        {
            return DropReason.RECV_MALFORMED;
        }
        final long declaredPayloadLength = scratch.getInt((int)payloadLengthOffset, BYTE_ORDER) & 0xFFFF_FFFFL;
        final long macLengthOffset = payloadLengthOffset + LENGTH_PREFIX + declaredPayloadLength;
        if (macLengthOffset + LENGTH_PREFIX + HmacSha256.MAC_LENGTH != length ||
            scratch.getInt((int)macLengthOffset, BYTE_ORDER) != HmacSha256.MAC_LENGTH)
        {
            return DropReason.RECV_MALFORMED;
        }
        if (declaredPayloadLength > maxMessageSize)
        {
            return DropReason.RECV_TOO_LARGE;
        }
        if (scratch.getInt(CLUSTER_ID_OFFSET, BYTE_ORDER) != clusterId)
        {
            return DropReason.RECV_WRONG_CLUSTER;
        }
        final int sender = scratch.getInt(SENDER_ID_OFFSET, BYTE_ORDER);
        if (sender < 0 || sender >= macs.length || sender == selfId)
        {
            return DropReason.RECV_UNKNOWN_SENDER;
        }
        if (scratch.getInt(RECEIVER_ID_OFFSET, BYTE_ORDER) != selfId)
        {
            return DropReason.RECV_WRONG_RECEIVER;
        }
        final int macOffset = (int)macLengthOffset + LENGTH_PREFIX;
        if (!macs[sender].verify(bytes, 0, (int)macLengthOffset, bytes, macOffset))
        {
            return DropReason.RECV_BAD_MAC;
        }
        senderId = sender;
        destinationModule = scratch.getShort(DESTINATION_MODULE_OFFSET, BYTE_ORDER) & 0xFFFF;
        payloadOffset = (int)payloadLengthOffset + LENGTH_PREFIX;
        payloadLength = (int)declaredPayloadLength;
        return null;
    }

    /**
     * @return authenticated sender of the last accepted frame.
     */
    int senderId()
    {
        return senderId;
    }

    /**
     * @return destination module of the last accepted frame.
     */
    int destinationModule()
    {
        return destinationModule;
    }

    /**
     * @return buffer holding the last accepted frame.
     */
    DirectBuffer buffer()
    {
        return scratch;
    }

    /**
     * @return offset of the last accepted frame's payload in {@link #buffer()}.
     */
    int payloadOffset()
    {
        return payloadOffset;
    }

    /**
     * @return length of the last accepted frame's payload.
     */
    int payloadLength()
    {
        return payloadLength;
    }
}
