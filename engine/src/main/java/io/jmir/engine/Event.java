package io.jmir.engine;

import io.jmir.codecs.EnvelopeLayout;
import io.jmir.codecs.engine.MessageHeaderDecoder;
import org.agrona.DirectBuffer;
import org.agrona.sbe.MessageDecoderFlyweight;

import static io.jmir.codecs.EnvelopeLayout.BYTE_ORDER;
import static io.jmir.codecs.EnvelopeLayout.HEADER_LENGTH;
import static io.jmir.codecs.EnvelopeLayout.LENGTH_PREFIX;

/**
 * Flyweight over one validated envelope: who it is for, who sent it, what type it is, and where the
 * payload's SBE body lies. Decode the payload with {@link #decode(MessageDecoderFlyweight)} after switching on
 * {@link #schemaId()} and {@link #templateId()}.
 * <p>
 * <b>Threading:</b> owned by one stage (or the simulation); the instance handed to a module is valid only
 * during that call and is re-wrapped for the next event.
 */
public final class Event
{
    private DirectBuffer buffer;
    private int offset;
    private int length;
    private int destination;
    private int source;
    private int schemaId;
    private int templateId;
    private int payloadOffset;
    private int payloadLength;
    private int followUpsOffset;
    private int followUpsLength;

    /**
     * Wrap a validated envelope (one whose length is exactly header + block + payload + follow-ups, as
     * {@link io.jmir.codecs.EnvelopeValidator} checks).
     *
     * @param buffer holding the envelope.
     * @param offset of its message header.
     * @param length of the whole envelope.
     * @return this.
     */
    public Event wrap(final DirectBuffer buffer, final int offset, final int length)
    {
        if (this.buffer != buffer)
        {
            // Runtimes wrap the same buffer again and again: skip the reference store and its GC barrier.
            this.buffer = buffer;
        }
        this.offset = offset;
        this.length = length;
        // Two wide reads for the header and the block: (blockLength, templateId, schemaId, version) and
        // (destination, source, eventSchemaId, eventTemplateId); the ids are kept so accessors do not read again.
        final int blockLength = (int)buffer.getLong(offset, BYTE_ORDER) & 0xFFFF;
        final long ids = buffer.getLong(offset + EnvelopeLayout.DESTINATION_OFFSET, BYTE_ORDER);
        destination = (int)ids & 0xFFFF;
        source = (int)(ids >>> 16) & 0xFFFF;
        schemaId = (int)(ids >>> 32) & 0xFFFF;
        templateId = (int)(ids >>> 48);
        final int payloadLengthOffset = offset + HEADER_LENGTH + blockLength;
        payloadLength = buffer.getInt(payloadLengthOffset, BYTE_ORDER);
        payloadOffset = payloadLengthOffset + LENGTH_PREFIX;
        // A validated envelope's follow-ups fill it to its end: no dependent read of the follow-ups length.
        followUpsOffset = payloadOffset + payloadLength + LENGTH_PREFIX;
        followUpsLength = offset + length - followUpsOffset;
        return this;
    }

    /**
     * @return id of the module the event is for.
     */
    public int destination()
    {
        return destination;
    }

    /**
     * @return id of the module that emitted the event ({@link EventBuilder#EXTERNAL_SOURCE} for input from
     * outside the node, such as submissions and Init).
     */
    public int source()
    {
        return source;
    }

    /**
     * @return schema id of the payload.
     */
    public int schemaId()
    {
        return schemaId;
    }

    /**
     * @return template id of the payload.
     */
    public int templateId()
    {
        return templateId;
    }

    /**
     * @return block length of the payload's root block, from its header.
     */
    public int blockLength()
    {
        return buffer.getShort(payloadOffset + MessageHeaderDecoder.blockLengthEncodingOffset(), BYTE_ORDER) &
            0xFFFF;
    }

    /**
     * @return schema version the payload was encoded with, from its header.
     */
    public int version()
    {
        return buffer.getShort(payloadOffset + MessageHeaderDecoder.versionEncodingOffset(), BYTE_ORDER) & 0xFFFF;
    }

    /**
     * @return buffer holding the event.
     */
    public DirectBuffer buffer()
    {
        return buffer;
    }

    /**
     * @return offset of the envelope's message header.
     */
    public int offset()
    {
        return offset;
    }

    /**
     * @return length of the whole envelope, follow-ups included.
     */
    public int length()
    {
        return length;
    }

    /**
     * @return offset of the payload (its SBE message header).
     */
    public int payloadOffset()
    {
        return payloadOffset;
    }

    /**
     * @return length of the payload including its message header.
     */
    public int payloadLength()
    {
        return payloadLength;
    }

    /**
     * @return offset of the payload's root block (after its message header).
     */
    public int bodyOffset()
    {
        return payloadOffset + HEADER_LENGTH;
    }

    /**
     * @return offset of the first follow-up envelope.
     */
    public int followUpsOffset()
    {
        return followUpsOffset;
    }

    /**
     * @return total length of the follow-up envelopes.
     */
    public int followUpsLength()
    {
        return followUpsLength;
    }

    /**
     * Wrap a generated decoder over the payload, honouring the payload's block length and version.
     *
     * @param decoder to wrap.
     * @param <T>     decoder type.
     * @return the decoder.
     */
    public <T extends MessageDecoderFlyweight> T decode(final T decoder)
    {
        // one wide read of the payload's message header: blockLength at +0, version at +6
        final long header = buffer.getLong(payloadOffset, BYTE_ORDER);
        decoder.wrap(buffer, payloadOffset + HEADER_LENGTH, (int)header & 0xFFFF, (int)(header >>> 48));
        return decoder;
    }
}
