package io.jmir.codecs;

import io.jmir.codecs.engine.MessageHeaderDecoder;
import org.agrona.DirectBuffer;

import static io.jmir.codecs.EnvelopeLayout.BYTE_ORDER;
import static io.jmir.codecs.EnvelopeLayout.HEADER_LENGTH;
import static io.jmir.codecs.EnvelopeLayout.LENGTH_PREFIX;

/**
 * Structural validation of an envelope and, recursively, of its follow-ups, without allocating.
 * Checks header ids, every length against the bytes available, that the payload's own message
 * header matches the envelope's event type, and that the event type is known to a
 * {@link SchemaRegistry}. Caches the last schema looked up, so a validator belongs to one thread (one per
 * dispatching thread); the registry must not change after validators are created.
 */
public final class EnvelopeValidator
{
    /** Deepest follow-up nesting accepted; deeper input is rejected as malformed. */
    public static final int MAX_NESTING = 32;

    /** Why an envelope was rejected. {@link #OK} when it was not. */
    public enum Result
    {
        /** Well formed. */
        OK,
        /** Fewer bytes than the fixed part of an envelope. */
        TRUNCATED,
        /** The header does not name the engine schema's envelope template. */
        NOT_AN_ENVELOPE,
        /** The block length is shorter than this version's envelope block. */
        BAD_BLOCK_LENGTH,
        /** The payload length is negative or runs past the end. */
        BAD_PAYLOAD_LENGTH,
        /** The payload's message header is missing or disagrees with the envelope. */
        BAD_PAYLOAD_HEADER,
        /** The follow-ups length is negative or does not fill the envelope exactly. */
        BAD_FOLLOW_UPS_LENGTH,
        /** The event's schema id is not registered. */
        UNKNOWN_SCHEMA,
        /** The event's template id is not known in its schema. */
        UNKNOWN_TEMPLATE,
        /** The destination module id does not exist in this node. */
        UNKNOWN_DESTINATION,
        /** Follow-ups nest deeper than {@link #MAX_NESTING}. */
        TOO_DEEP
    }

    private final SchemaRegistry schemas;
    private int cachedSchemaId = -1;
    private String[] cachedTemplateNames;

    /**
     * @param schemas schemas whose events are accepted.
     */
    public EnvelopeValidator(final SchemaRegistry schemas)
    {
        this.schemas = schemas;
    }

    /**
     * Validate one envelope occupying exactly {@code length} bytes.
     *
     * @param buffer      holding the envelope.
     * @param offset      of its message header.
     * @param length      bytes the envelope must occupy.
     * @param moduleCount number of modules in the node; destinations must be below it.
     * @return {@link Result#OK} or the first problem found.
     */
    public Result validate(final DirectBuffer buffer, final int offset, final int length, final int moduleCount)
    {
        return validate(buffer, offset, length, moduleCount, 0);
    }

    /**
     * Validate an envelope just written by the engine's own writer ({@code EventBuilder} or
     * {@link EnvelopeLayout#write}) at the point of emission. An envelope without follow-ups in this version's
     * layout needs only its payload checked ({@link #validatePayloadHeader}) and its destination; anything else
     * (follow-ups, another layout) gets the full {@link #validate}. The result is the same as {@link #validate}'s
     * for every envelope such a writer can produce, at a fraction of the cost.
     *
     * @param buffer      holding the envelope.
     * @param offset      of its message header.
     * @param length      bytes the envelope occupies.
     * @param moduleCount number of modules in the node; destinations must be below it.
     * @return {@link Result#OK} or the first problem found.
     */
    public Result validateBuilt(final DirectBuffer buffer, final int offset, final int length, final int moduleCount)
    {
        if (length >= EnvelopeLayout.OVERHEAD + HEADER_LENGTH && offset >= 0 && offset + length <= buffer.capacity() &&
            buffer.getLong(offset, BYTE_ORDER) == EnvelopeLayout.HEADER_WORD)
        {
            final int payloadLength = buffer.getInt(offset + EnvelopeLayout.PAYLOAD_LENGTH_OFFSET, BYTE_ORDER);
            if (payloadLength == length - EnvelopeLayout.OVERHEAD &&
                buffer.getInt(offset + EnvelopeLayout.PAYLOAD_OFFSET + payloadLength, BYTE_ORDER) == 0 &&
                EnvelopeLayout.destination(buffer, offset) < moduleCount &&
                buffer.getInt(offset + EnvelopeLayout.EVENT_SCHEMA_ID_OFFSET, BYTE_ORDER) ==
                EnvelopeLayout.eventIds(buffer, offset + EnvelopeLayout.PAYLOAD_OFFSET))
            {
                return validatePayloadHeader(buffer, offset + EnvelopeLayout.PAYLOAD_OFFSET, payloadLength);
            }
        }
        return validate(buffer, offset, length, moduleCount, 0);
    }

    /**
     * Validate an event payload on its own (before an envelope is written around it): it must hold a message
     * header whose block fits in the payload, and its schema and template must be known.
     *
     * @param buffer        holding the payload.
     * @param payloadOffset of its message header.
     * @param payloadLength of the payload including its header.
     * @return {@link Result#OK}, {@link Result#BAD_PAYLOAD_HEADER}, {@link Result#UNKNOWN_SCHEMA} or
     * {@link Result#UNKNOWN_TEMPLATE}.
     */
    public Result validatePayloadHeader(final DirectBuffer buffer, final int payloadOffset, final int payloadLength)
    {
        if (payloadLength < HEADER_LENGTH)
        {
            return Result.BAD_PAYLOAD_HEADER;
        }
        return validatePayloadHeader(buffer.getLong(payloadOffset, BYTE_ORDER), payloadLength);
    }

    /**
     * {@link #validatePayloadHeader(DirectBuffer, int, int)} for a payload whose message header the caller has
     * already read as one little-endian long (blockLength, templateId, schemaId, version).
     *
     * @param header        the payload's message header as a long.
     * @param payloadLength of the payload including its header (at least {@link EnvelopeLayout#HEADER_LENGTH}).
     * @return {@link Result#OK}, {@link Result#BAD_PAYLOAD_HEADER}, {@link Result#UNKNOWN_SCHEMA} or
     * {@link Result#UNKNOWN_TEMPLATE}.
     */
    public Result validatePayloadHeader(final long header, final int payloadLength)
    {
        if (payloadLength < HEADER_LENGTH || ((int)header & 0xFFFF) > payloadLength - HEADER_LENGTH)
        {
            return Result.BAD_PAYLOAD_HEADER;
        }
        return checkKnown((int)(header >>> 32) & 0xFFFF, (int)(header >>> 16) & 0xFFFF);
    }

    private Result validate(
        final DirectBuffer buffer, final int offset, final int length, final int moduleCount, final int depth)
    {
        if (depth > MAX_NESTING)
        {
            return Result.TOO_DEEP;
        }
        if (length < EnvelopeLayout.OVERHEAD || offset < 0 || offset + length > buffer.capacity())
        {
            return Result.TRUNCATED;
        }
        if (buffer.getShort(offset + MessageHeaderDecoder.schemaIdEncodingOffset(), BYTE_ORDER) !=
            EnvelopeLayout.ENGINE_SCHEMA_ID ||
            buffer.getShort(offset + MessageHeaderDecoder.templateIdEncodingOffset(), BYTE_ORDER) !=
            EnvelopeLayout.ENVELOPE_TEMPLATE_ID)
        {
            return Result.NOT_AN_ENVELOPE;
        }
        final int blockLength = EnvelopeLayout.blockLength(buffer, offset);
        if (blockLength < EnvelopeLayout.BLOCK_LENGTH)
        {
            return Result.BAD_BLOCK_LENGTH;
        }
        final int end = offset + length;
        final int payloadLengthOffset = offset + HEADER_LENGTH + blockLength;
        if (payloadLengthOffset + LENGTH_PREFIX > end)
        {
            return Result.TRUNCATED;
        }
        final int payloadLength = buffer.getInt(payloadLengthOffset, BYTE_ORDER);
        final int payloadOffset = payloadLengthOffset + LENGTH_PREFIX;
        if (payloadLength < 0 || payloadLength > end - payloadOffset - LENGTH_PREFIX)
        {
            return Result.BAD_PAYLOAD_LENGTH;
        }
        final Result payloadResult = validatePayload(buffer, offset, payloadOffset, payloadLength);
        if (payloadResult != Result.OK)
        {
            return payloadResult;
        }
        if (EnvelopeLayout.destination(buffer, offset) >= moduleCount)
        {
            return Result.UNKNOWN_DESTINATION;
        }
        final int followUpsLengthOffset = payloadOffset + payloadLength;
        final int followUpsLength = buffer.getInt(followUpsLengthOffset, BYTE_ORDER);
        int cursor = followUpsLengthOffset + LENGTH_PREFIX;
        if (followUpsLength < 0 || followUpsLength != end - cursor)
        {
            return Result.BAD_FOLLOW_UPS_LENGTH;
        }
        while (cursor < end)
        {
            final Result nested = validateNested(buffer, cursor, end, moduleCount, depth + 1);
            if (nested != Result.OK)
            {
                return nested;
            }
            cursor += EnvelopeLayout.totalLength(buffer, cursor);
        }
        return Result.OK;
    }

    private Result validateNested(
        final DirectBuffer buffer, final int offset, final int end, final int moduleCount, final int depth)
    {
        final int available = end - offset;
        if (available < EnvelopeLayout.OVERHEAD)
        {
            return Result.TRUNCATED;
        }
        final int blockLength = EnvelopeLayout.blockLength(buffer, offset);
        final int payloadLengthOffset = offset + HEADER_LENGTH + blockLength;
        if (blockLength < EnvelopeLayout.BLOCK_LENGTH || payloadLengthOffset + LENGTH_PREFIX > end)
        {
            return Result.BAD_BLOCK_LENGTH;
        }
        final int payloadLength = buffer.getInt(payloadLengthOffset, BYTE_ORDER);
        final long followUpsLengthOffset = (long)payloadLengthOffset + LENGTH_PREFIX + payloadLength;
        if (payloadLength < 0 || followUpsLengthOffset + LENGTH_PREFIX > end)
        {
            return Result.BAD_PAYLOAD_LENGTH;
        }
        final int followUpsLength = buffer.getInt((int)followUpsLengthOffset, BYTE_ORDER);
        final long total = followUpsLengthOffset + LENGTH_PREFIX + followUpsLength - offset;
        if (followUpsLength < 0 || total > available)
        {
            return Result.BAD_FOLLOW_UPS_LENGTH;
        }
        return validate(buffer, offset, (int)total, moduleCount, depth);
    }

    private Result validatePayload(
        final DirectBuffer buffer, final int envelopeOffset, final int payloadOffset, final int payloadLength)
    {
        if (payloadLength < HEADER_LENGTH)
        {
            return Result.BAD_PAYLOAD_HEADER;
        }
        final int schemaId = buffer.getShort(
            payloadOffset + MessageHeaderDecoder.schemaIdEncodingOffset(), BYTE_ORDER) & 0xFFFF;
        final int templateId = buffer.getShort(
            payloadOffset + MessageHeaderDecoder.templateIdEncodingOffset(), BYTE_ORDER) & 0xFFFF;
        final int blockLength = buffer.getShort(
            payloadOffset + MessageHeaderDecoder.blockLengthEncodingOffset(), BYTE_ORDER) & 0xFFFF;
        if (schemaId != EnvelopeLayout.eventSchemaId(buffer, envelopeOffset) ||
            templateId != EnvelopeLayout.eventTemplateId(buffer, envelopeOffset) ||
            blockLength > payloadLength - HEADER_LENGTH)
        {
            return Result.BAD_PAYLOAD_HEADER;
        }
        return checkKnown(schemaId, templateId);
    }

    private Result checkKnown(final int schemaId, final int templateId)
    {
        String[] templateNames = cachedTemplateNames;
        if (schemaId != cachedSchemaId)
        {
            templateNames = schemas.templateNamesOf(schemaId);
            if (templateNames == null)
            {
                return Result.UNKNOWN_SCHEMA;
            }
            cachedSchemaId = schemaId;
            cachedTemplateNames = templateNames;
        }
        if (templateId >= templateNames.length || templateNames[templateId] == null)
        {
            return Result.UNKNOWN_TEMPLATE;
        }
        return Result.OK;
    }
}
