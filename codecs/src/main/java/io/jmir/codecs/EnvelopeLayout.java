package io.jmir.codecs;

import io.jmir.codecs.engine.EnvelopeEncoder;
import io.jmir.codecs.engine.MessageHeaderDecoder;
import io.jmir.codecs.engine.MessageHeaderEncoder;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import java.nio.ByteOrder;

/**
 * Byte layout of an {@code Envelope} (engine schema, template 1) as it sits in a ring slot, a journal
 * excerpt or a follow-up list. Offsets are relative to the start of the envelope's message header:
 * <pre>
 *   0                     message header (blockLength, templateId=1, schemaId=1, version)
 *   8                     block: destination u16, source u16, eventSchemaId u16, eventTemplateId u16
 *   8 + blockLength       payload length u32
 *   .. + 4                payload: one SBE message with its own message header
 *   ..                    follow-ups length u32
 *   .. + 4                follow-ups: zero or more complete envelopes, back to back
 * </pre>
 * The block length is read from the header so that a later schema version may add fields.
 * Stateless; safe from any thread.
 */
public final class EnvelopeLayout
{
    /** Byte order of every jmir schema. */
    public static final ByteOrder BYTE_ORDER = ByteOrder.LITTLE_ENDIAN;
    /** Length of a message header. */
    public static final int HEADER_LENGTH = MessageHeaderEncoder.ENCODED_LENGTH;
    /** Block length of the envelope written by this version. */
    public static final int BLOCK_LENGTH = EnvelopeEncoder.BLOCK_LENGTH;
    /** Length of a var-data length prefix. */
    public static final int LENGTH_PREFIX = 4;
    /** Offset of the payload length prefix for envelopes written by this version. */
    public static final int PAYLOAD_LENGTH_OFFSET = HEADER_LENGTH + BLOCK_LENGTH;
    /** Offset of the payload for envelopes written by this version. */
    public static final int PAYLOAD_OFFSET = PAYLOAD_LENGTH_OFFSET + LENGTH_PREFIX;
    /** Bytes an envelope adds around its payload when written by this version. */
    public static final int OVERHEAD = PAYLOAD_OFFSET + LENGTH_PREFIX;
    /** Schema id of the engine schema. */
    public static final int ENGINE_SCHEMA_ID = EnvelopeEncoder.SCHEMA_ID;
    /** Template id of the envelope. */
    public static final int ENVELOPE_TEMPLATE_ID = EnvelopeEncoder.TEMPLATE_ID;
    /** Offset of the destination field. */
    public static final int DESTINATION_OFFSET = HEADER_LENGTH + EnvelopeEncoder.destinationEncodingOffset();
    /** Offset of the source field. */
    public static final int SOURCE_OFFSET = HEADER_LENGTH + EnvelopeEncoder.sourceEncodingOffset();
    /** Offset of the event schema id field. */
    public static final int EVENT_SCHEMA_ID_OFFSET = HEADER_LENGTH + EnvelopeEncoder.eventSchemaIdEncodingOffset();
    /** Offset of the event template id field. */
    public static final int EVENT_TEMPLATE_ID_OFFSET =
        HEADER_LENGTH + EnvelopeEncoder.eventTemplateIdEncodingOffset();
    /**
     * The envelope's message header (block length, template id, schema id, version) as one little-endian long,
     * so that writers store it with one wide write.
     */
    public static final long HEADER_WORD = (BLOCK_LENGTH & 0xFFFFL) |
        ((ENVELOPE_TEMPLATE_ID & 0xFFFFL) << 16) |
        ((ENGINE_SCHEMA_ID & 0xFFFFL) << 32) |
        ((EnvelopeEncoder.SCHEMA_VERSION & 0xFFFFL) << 48);

    private EnvelopeLayout()
    {
    }

    /**
     * Block length of an envelope as its header says.
     *
     * @param buffer holding the envelope.
     * @param offset of the envelope's message header.
     * @return the block length.
     */
    public static int blockLength(final DirectBuffer buffer, final int offset)
    {
        return buffer.getShort(offset + MessageHeaderDecoder.blockLengthEncodingOffset(), BYTE_ORDER) & 0xFFFF;
    }

    /**
     * Offset of the payload length prefix of an envelope, honouring its block length.
     *
     * @param buffer holding the envelope.
     * @param offset of the envelope's message header.
     * @return the absolute offset of the payload length prefix.
     */
    public static int payloadLengthOffset(final DirectBuffer buffer, final int offset)
    {
        return offset + HEADER_LENGTH + blockLength(buffer, offset);
    }

    /**
     * Payload length of an envelope (unsigned 32-bit read as int; negative means corrupt).
     *
     * @param buffer holding the envelope.
     * @param offset of the envelope's message header.
     * @return the payload length.
     */
    public static int payloadLength(final DirectBuffer buffer, final int offset)
    {
        return buffer.getInt(payloadLengthOffset(buffer, offset), BYTE_ORDER);
    }

    /**
     * Total length of a well-formed envelope. Callers validate first ({@link EnvelopeValidator}).
     *
     * @param buffer holding the envelope.
     * @param offset of the envelope's message header.
     * @return header + block + payload + follow-ups length.
     */
    public static int totalLength(final DirectBuffer buffer, final int offset)
    {
        final int payloadLengthOffset = payloadLengthOffset(buffer, offset);
        final int payloadLength = buffer.getInt(payloadLengthOffset, BYTE_ORDER);
        final int followUpsLengthOffset = payloadLengthOffset + LENGTH_PREFIX + payloadLength;
        final int followUpsLength = buffer.getInt(followUpsLengthOffset, BYTE_ORDER);
        return followUpsLengthOffset + LENGTH_PREFIX + followUpsLength - offset;
    }

    /**
     * Destination module id of an envelope.
     *
     * @param buffer holding the envelope.
     * @param offset of the envelope's message header.
     * @return the destination module id.
     */
    public static int destination(final DirectBuffer buffer, final int offset)
    {
        return buffer.getShort(offset + DESTINATION_OFFSET, BYTE_ORDER) & 0xFFFF;
    }

    /**
     * Source module id of an envelope.
     *
     * @param buffer holding the envelope.
     * @param offset of the envelope's message header.
     * @return the source module id.
     */
    public static int source(final DirectBuffer buffer, final int offset)
    {
        return buffer.getShort(offset + SOURCE_OFFSET, BYTE_ORDER) & 0xFFFF;
    }

    /**
     * Schema id of the event an envelope carries.
     *
     * @param buffer holding the envelope.
     * @param offset of the envelope's message header.
     * @return the event schema id.
     */
    public static int eventSchemaId(final DirectBuffer buffer, final int offset)
    {
        return buffer.getShort(offset + EVENT_SCHEMA_ID_OFFSET, BYTE_ORDER) & 0xFFFF;
    }

    /**
     * Template id of the event an envelope carries.
     *
     * @param buffer holding the envelope.
     * @param offset of the envelope's message header.
     * @return the event template id.
     */
    public static int eventTemplateId(final DirectBuffer buffer, final int offset)
    {
        return buffer.getShort(offset + EVENT_TEMPLATE_ID_OFFSET, BYTE_ORDER) & 0xFFFF;
    }

    /**
     * The event schema id and template id of an SBE message, read from its message header with one read and
     * arranged as the envelope stores them (schema id in the low 16 bits, template id in the high 16 bits), for
     * one 32-bit write at {@link #EVENT_SCHEMA_ID_OFFSET}.
     *
     * @param payload       buffer holding the message.
     * @param payloadOffset of its message header.
     * @return schema id | template id &lt;&lt; 16.
     */
    public static int eventIds(final DirectBuffer payload, final int payloadOffset)
    {
        // message header: templateId at +2, schemaId at +4 (little endian): swap the two halves.
        return Integer.rotateLeft(
            payload.getInt(payloadOffset + MessageHeaderDecoder.templateIdEncodingOffset(), BYTE_ORDER), 16);
    }

    /**
     * Write an envelope without follow-ups around a pre-encoded payload. Allocation free.
     *
     * @param dst           buffer to write into.
     * @param offset        where the envelope starts.
     * @param destination   module id.
     * @param source        module id of the emitter.
     * @param payload       buffer holding one SBE message with its header.
     * @param payloadOffset of the payload.
     * @param payloadLength of the payload.
     * @return length of the envelope written.
     */
    public static int write(
        final MutableDirectBuffer dst,
        final int offset,
        final int destination,
        final int source,
        final DirectBuffer payload,
        final int payloadOffset,
        final int payloadLength)
    {
        dst.putLong(offset, HEADER_WORD, BYTE_ORDER);
        dst.putInt(offset + DESTINATION_OFFSET, (destination & 0xFFFF) | (source << 16), BYTE_ORDER);
        dst.putInt(offset + EVENT_SCHEMA_ID_OFFSET, eventIds(payload, payloadOffset), BYTE_ORDER);
        dst.putInt(offset + PAYLOAD_LENGTH_OFFSET, payloadLength, BYTE_ORDER);
        dst.putBytes(offset + PAYLOAD_OFFSET, payload, payloadOffset, payloadLength);
        dst.putInt(offset + PAYLOAD_OFFSET + payloadLength, 0, BYTE_ORDER);
        return OVERHEAD + payloadLength;
    }

    /**
     * {@link #write(MutableDirectBuffer, int, int, int, DirectBuffer, int, int)} for a payload whose message
     * header the caller has already read as one little-endian long: the envelope's block is one wide write.
     *
     * @param dst           buffer to write into.
     * @param offset        where the envelope starts.
     * @param destination   module id.
     * @param source        module id of the emitter.
     * @param payloadHeader the payload's message header as a long (blockLength, templateId, schemaId, version).
     * @param payload       buffer holding one SBE message with its header.
     * @param payloadOffset of the payload.
     * @param payloadLength of the payload.
     * @return length of the envelope written.
     */
    public static int write(
        final MutableDirectBuffer dst,
        final int offset,
        final int destination,
        final int source,
        final long payloadHeader,
        final DirectBuffer payload,
        final int payloadOffset,
        final int payloadLength)
    {
        final long block = (destination & 0xFFFFL) |
            ((source & 0xFFFFL) << 16) |
            (payloadHeader & 0xFFFF_0000_0000L) |
            ((payloadHeader & 0xFFFF_0000L) << 32);
        dst.putLong(offset, HEADER_WORD, BYTE_ORDER);
        dst.putLong(offset + DESTINATION_OFFSET, block, BYTE_ORDER);
        dst.putInt(offset + PAYLOAD_LENGTH_OFFSET, payloadLength, BYTE_ORDER);
        dst.putBytes(offset + PAYLOAD_OFFSET, payload, payloadOffset, payloadLength);
        dst.putInt(offset + PAYLOAD_OFFSET + payloadLength, 0, BYTE_ORDER);
        return OVERHEAD + payloadLength;
    }
}
