package io.jmir.transport;

import io.jmir.transport.codecs.FrameDecoder;
import io.jmir.transport.codecs.FrameEncoder;
import io.jmir.transport.codecs.MessageHeaderDecoder;

import java.nio.ByteOrder;

/**
 * Layout of a transport frame (schema {@value #SCHEMA_ID}, template {@value #TEMPLATE_ID}):
 * <pre>
 *   message header (8) | clusterId i32 | senderId i32 | receiverId i32 | destinationModule u16
 *   | payload length u32 | payload bytes | mac length u32 (= 32) | mac (32)
 * </pre>
 * The MAC covers bytes {@code [0, macLengthOffset)}: header, root block and the payload with its length.
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
    /** Length of a var data length prefix. */
    static final int LENGTH_PREFIX = FrameDecoder.payloadHeaderLength();
    /** Bytes a frame adds to its message. */
    static final int OVERHEAD = HEADER_LENGTH + BLOCK_LENGTH + LENGTH_PREFIX + LENGTH_PREFIX + HmacSha256.MAC_LENGTH;
    /** Shortest possible frame (empty payload). */
    static final int MIN_LENGTH = OVERHEAD;

    private FrameCodec()
    {
    }

    /**
     * @param maxMessageSize largest message carried.
     * @return largest frame carrying such a message.
     */
    static int maxFrameLength(final int maxMessageSize)
    {
        return maxMessageSize + OVERHEAD;
    }
}
