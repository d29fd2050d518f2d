package io.jmir.transport;

import io.jmir.transport.codecs.FrameDecoder;
import io.jmir.transport.codecs.FrameEncoder;
import io.jmir.transport.codecs.MessageHeaderDecoder;

import java.nio.ByteOrder;

/**
 * Layout of a transport frame (schema {@value #SCHEMA_ID}, template {@value #TEMPLATE_ID}):
 * <pre>
 *   message header (8) | clusterId i32 | senderId i32 | receiverId i32
 *   | messages group header: blockLength u16 (= 2), count u16
 *   | count x ( destinationModule u16 | payload length u32 | payload bytes )
 *   | mac length u32 (= 32) | mac (32)
 * </pre>
 * The MAC covers bytes {@code [0, macLengthOffset)}: header, root block and the whole messages group. A frame
 * carries the messages a node sends to one peer within one batch, in send order.
 */
final class FrameCodec
{
    /** SBE schema id of the transport schema. */
    static final int SCHEMA_ID = FrameEncoder.SCHEMA_ID;
    /** Template id of the frame. */
    static final int TEMPLATE_ID = FrameEncoder.TEMPLATE_ID;
    /** Byte order of every field. */
    static final ByteOrder BYTE_ORDER = ByteOrder.LITTLE_ENDIAN;
    /** Length of the message header. */
    static final int HEADER_LENGTH = MessageHeaderDecoder.ENCODED_LENGTH;
    /** Root block length of the version this code writes. */
    static final int BLOCK_LENGTH = FrameEncoder.BLOCK_LENGTH;
    /** Length of the messages group header. */
    static final int GROUP_HEADER_LENGTH = FrameEncoder.MessagesEncoder.sbeHeaderSize();
    /** Block length of one messages entry in the version this code writes. */
    static final int ENTRY_BLOCK_LENGTH = FrameEncoder.MessagesEncoder.sbeBlockLength();
    /** Most messages in one frame. */
    static final int MAX_MESSAGES = FrameEncoder.MessagesEncoder.countMaxValue();
    /** Length of a var data length prefix. */
    static final int LENGTH_PREFIX = FrameDecoder.macHeaderLength();
    /** Offset of the group header in frames this code writes. */
    static final int GROUP_HEADER_OFFSET = HEADER_LENGTH + BLOCK_LENGTH;
    /** Offset of the first message entry in frames this code writes. */
    static final int FIRST_ENTRY_OFFSET = GROUP_HEADER_OFFSET + GROUP_HEADER_LENGTH;
    /** Bytes a frame adds once: header, block, group header, MAC with its length. */
    static final int FRAME_OVERHEAD = FIRST_ENTRY_OFFSET + LENGTH_PREFIX + HmacSha256.MAC_LENGTH;
    /** Bytes each message adds: destination module and payload length. */
    static final int MESSAGE_OVERHEAD = ENTRY_BLOCK_LENGTH + LENGTH_PREFIX;
    /** Bytes a frame carrying one message adds to it. */
    static final int OVERHEAD = FRAME_OVERHEAD + MESSAGE_OVERHEAD;
    /** Bytes at the end of a frame after the messages: MAC length and MAC. */
    static final int TRAILER_LENGTH = LENGTH_PREFIX + HmacSha256.MAC_LENGTH;

    private FrameCodec()
    {
    }

    /**
     * @param maxMessageSize largest message carried.
     * @return length of a frame carrying one such message.
     */
    static int singleMessageFrameLength(final int maxMessageSize)
    {
        return maxMessageSize + OVERHEAD;
    }

    /**
     * @param maxMessageSize largest message.
     * @param batchLength    largest frame of coalesced messages.
     * @return largest frame a node sends or accepts.
     */
    static int maxFrameLength(final int maxMessageSize, final int batchLength)
    {
        return Math.max(singleMessageFrameLength(maxMessageSize), batchLength);
    }
}
