package io.jmir.transport;

import io.jmir.transport.codecs.FrameEncoder;
import io.jmir.transport.codecs.MessageHeaderEncoder;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import static io.jmir.transport.FrameCodec.BYTE_ORDER;
import static io.jmir.transport.FrameCodec.LENGTH_PREFIX;

/**
 * Builds one frame at a time for one receiver in a reused buffer: append messages, then {@link #finish()} writes
 * the count and the MAC, then {@link #reset()} for the next frame. Allocation free.
 * <p>
 * <b>Threading:</b> used by the net module's thread only.
 */
final class FrameWriter
{
    private static final int COUNT_OFFSET = FrameCodec.GROUP_HEADER_OFFSET + 2;

    private final FrameEncoder encoder = new FrameEncoder();
    private final byte[] bytes;
    private final UnsafeBuffer buffer;
    private final byte[] mac = new byte[HmacSha256.MAC_LENGTH];
    private HmacSha256 hmac;
    private int cursor = FrameCodec.FIRST_ENTRY_OFFSET;
    private int count;

    /**
     * @param clusterId  id of the cluster.
     * @param senderId   id of this node.
     * @param receiverId node the frames are for.
     * @param hmac       MAC with the pairwise key of sender and receiver.
     * @param capacity   largest frame, at least {@link FrameCodec#OVERHEAD}.
     */
    FrameWriter(final int clusterId, final int senderId, final int receiverId, final HmacSha256 hmac,
        final int capacity)
    {
        bytes = new byte[capacity];
        buffer = new UnsafeBuffer(bytes);
        encoder.wrapAndApplyHeader(buffer, 0, new MessageHeaderEncoder())
            .clusterId(clusterId)
            .senderId(senderId)
            .messagesCount(0);
        receiver(receiverId, hmac);
    }

    /**
     * Address the frames to another receiver (only while empty).
     *
     * @param receiverId node the frames are for.
     * @param hmac       MAC with the pairwise key of sender and receiver.
     */
    void receiver(final int receiverId, final HmacSha256 hmac)
    {
        encoder.receiverId(receiverId);
        this.hmac = hmac;
    }

    /**
     * @return largest frame this writer builds.
     */
    int capacity()
    {
        return bytes.length;
    }

    /**
     * @return true when no message was appended since the last reset.
     */
    boolean isEmpty()
    {
        return count == 0;
    }

    /**
     * @return messages appended since the last reset.
     */
    int count()
    {
        return count;
    }

    /**
     * @param messageLength length of a message.
     * @return true when the message can still be appended to this frame.
     */
    boolean fits(final int messageLength)
    {
        return count < FrameCodec.MAX_MESSAGES &&
            (long)cursor + FrameCodec.MESSAGE_OVERHEAD + messageLength + FrameCodec.TRAILER_LENGTH <= bytes.length;
    }

    /**
     * Append a message; the caller checked {@link #fits(int)}.
     *
     * @param destinationModule module of the receiver.
     * @param message           buffer holding the message.
     * @param offset            of the message.
     * @param length            of the message.
     */
    void append(final int destinationModule, final DirectBuffer message, final int offset, final int length)
    {
        buffer.putShort(cursor, (short)destinationModule, BYTE_ORDER);
        buffer.putInt(cursor + FrameCodec.ENTRY_BLOCK_LENGTH, length, BYTE_ORDER);
        buffer.putBytes(cursor + FrameCodec.MESSAGE_OVERHEAD, message, offset, length);
        cursor += FrameCodec.MESSAGE_OVERHEAD + length;
        count++;
    }

    /**
     * Complete the frame: message count, MAC length and MAC.
     *
     * @return length of the frame at offset 0 of {@link #buffer()}.
     */
    int finish()
    {
        buffer.putShort(COUNT_OFFSET, (short)count, BYTE_ORDER);
        buffer.putInt(cursor, HmacSha256.MAC_LENGTH, BYTE_ORDER);
        hmac.compute(bytes, 0, cursor, mac, 0);
        buffer.putBytes(cursor + LENGTH_PREFIX, mac);
        return cursor + FrameCodec.TRAILER_LENGTH;
    }

    /**
     * Start the next frame.
     */
    void reset()
    {
        cursor = FrameCodec.FIRST_ENTRY_OFFSET;
        count = 0;
    }

    /**
     * @return the buffer frames are built in, from offset 0.
     */
    UnsafeBuffer buffer()
    {
        return buffer;
    }
}
