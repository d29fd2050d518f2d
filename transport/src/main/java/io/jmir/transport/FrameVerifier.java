package io.jmir.transport;

import io.jmir.transport.codecs.FrameDecoder;
import io.jmir.transport.codecs.MessageHeaderDecoder;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import static io.jmir.transport.FrameCodec.BYTE_ORDER;
import static io.jmir.transport.FrameCodec.HEADER_LENGTH;
import static io.jmir.transport.FrameCodec.LENGTH_PREFIX;

/**
 * Checks a received frame completely before anything of it is used: length, header, cluster id, sender,
 * receiver, MAC, then every length of the messages group against the bytes present. Accepted frames are copied
 * into a reused scratch buffer from which their messages are read ({@link #firstEntryOffset()}, entries of
 * {@link #entryBlockLength()} + payload). Allocation free; never throws on any input.
 * <p>
 * <b>Threading:</b> used by the net module's thread only.
 */
final class FrameVerifier
{
    static final int CLUSTER_ID_OFFSET = HEADER_LENGTH + FrameDecoder.clusterIdEncodingOffset();
    static final int SENDER_ID_OFFSET = HEADER_LENGTH + FrameDecoder.senderIdEncodingOffset();
    static final int RECEIVER_ID_OFFSET = HEADER_LENGTH + FrameDecoder.receiverIdEncodingOffset();
    private static final int BLOCK_LENGTH_OFFSET = MessageHeaderDecoder.blockLengthEncodingOffset();
    private static final int TEMPLATE_ID_OFFSET = MessageHeaderDecoder.templateIdEncodingOffset();
    private static final int SCHEMA_ID_OFFSET = MessageHeaderDecoder.schemaIdEncodingOffset();
    private static final int MIN_LENGTH = FrameCodec.OVERHEAD;

    private final int clusterId;
    private final int selfId;
    private final int maxMessageSize;
    private final int maxFrameLength;
    private final HmacSha256[] macs;
    private final byte[] bytes;
    private final UnsafeBuffer scratch;
    private int senderId;
    private int count;
    private int entryBlockLength;
    private int firstEntryOffset;

    /**
     * @param clusterId      id of this cluster.
     * @param selfId         id of this node.
     * @param macs           MAC of each peer's pairwise key, indexed by node id (null for self).
     * @param maxMessageSize largest message accepted.
     * @param maxFrameLength largest frame accepted.
     */
    FrameVerifier(
        final int clusterId, final int selfId, final HmacSha256[] macs, final int maxMessageSize,
        final int maxFrameLength)
    {
        this.clusterId = clusterId;
        this.selfId = selfId;
        this.macs = macs;
        this.maxMessageSize = maxMessageSize;
        this.maxFrameLength = maxFrameLength;
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
        if (length < MIN_LENGTH)
        {
            return DropReason.RECV_MALFORMED;
        }
        if (length > maxFrameLength)
        {
            return DropReason.RECV_TOO_LARGE;
        }
        buffer.getBytes(offset, bytes, 0, length);
        final int blockLength = scratch.getShort(BLOCK_LENGTH_OFFSET, BYTE_ORDER) & 0xFFFF;
        final int macLengthOffset = length - FrameCodec.TRAILER_LENGTH;
        final int groupOffset = HEADER_LENGTH + blockLength;
        if ((scratch.getShort(SCHEMA_ID_OFFSET, BYTE_ORDER) & 0xFFFF) != FrameCodec.SCHEMA_ID ||
            (scratch.getShort(TEMPLATE_ID_OFFSET, BYTE_ORDER) & 0xFFFF) != FrameCodec.TEMPLATE_ID ||
            blockLength < FrameCodec.BLOCK_LENGTH ||
            groupOffset + FrameCodec.GROUP_HEADER_LENGTH > macLengthOffset ||
            scratch.getInt(macLengthOffset, BYTE_ORDER) != HmacSha256.MAC_LENGTH)
        {
            return DropReason.RECV_MALFORMED;
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
        if (!macs[sender].verify(bytes, 0, macLengthOffset, bytes, macLengthOffset + LENGTH_PREFIX))
        {
            return DropReason.RECV_BAD_MAC;
        }
        final DropReason groupResult = verifyMessages(groupOffset, macLengthOffset);
        if (groupResult == null)
        {
            senderId = sender;
        }
        return groupResult;
    }

    private DropReason verifyMessages(final int groupOffset, final int end)
    {
        final int entryBlock = scratch.getShort(groupOffset, BYTE_ORDER) & 0xFFFF;
        final int entries = scratch.getShort(groupOffset + 2, BYTE_ORDER) & 0xFFFF;
        if (entryBlock < FrameCodec.ENTRY_BLOCK_LENGTH || entries == 0)
        {
            return DropReason.RECV_MALFORMED;
        }
        long cursor = groupOffset + FrameCodec.GROUP_HEADER_LENGTH;
        for (int i = 0; i < entries; i++)
        {
            final long lengthOffset = cursor + entryBlock;
            if (lengthOffset + LENGTH_PREFIX > end)
            {
                return DropReason.RECV_MALFORMED;
            }
            final long messageLength = scratch.getInt((int)lengthOffset, BYTE_ORDER) & 0xFFFF_FFFFL;
            cursor = lengthOffset + LENGTH_PREFIX + messageLength;
            if (cursor > end)
            {
                return DropReason.RECV_MALFORMED;
            }
            if (messageLength > maxMessageSize)
            {
                return DropReason.RECV_TOO_LARGE;
            }
        }
        if (cursor != end)
        {
            return DropReason.RECV_MALFORMED;
        }
        count = entries;
        entryBlockLength = entryBlock;
        firstEntryOffset = groupOffset + FrameCodec.GROUP_HEADER_LENGTH;
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
     * @return number of messages in the last accepted frame.
     */
    int count()
    {
        return count;
    }

    /**
     * @return block length of each message entry (destination module first) in the last accepted frame.
     */
    int entryBlockLength()
    {
        return entryBlockLength;
    }

    /**
     * @return offset in {@link #buffer()} of the first message entry of the last accepted frame.
     */
    int firstEntryOffset()
    {
        return firstEntryOffset;
    }

    /**
     * @return buffer holding the last accepted frame.
     */
    DirectBuffer buffer()
    {
        return scratch;
    }
}
