package io.jmir.engine.modules;

import io.jmir.codecs.EnvelopeLayout;
import io.jmir.engine.Event;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.sbe.MessageDecoderFlyweight;

import java.util.ArrayList;
import java.util.List;

/**
 * A copy of one emitted envelope (with its follow-ups), decodable after the emitting call returned.
 */
public final class RecordedEvent
{
    private final byte[] bytes;
    private final UnsafeBuffer buffer;
    private final Event event = new Event();

    /**
     * @param bytes the envelope, exactly.
     */
    public RecordedEvent(final byte[] bytes)
    {
        this.bytes = bytes;
        this.buffer = new UnsafeBuffer(bytes);
        event.wrap(buffer, 0, bytes.length);
    }

    /**
     * @return the envelope as an event flyweight (valid as long as this object).
     */
    public Event event()
    {
        return event.wrap(buffer, 0, bytes.length);
    }

    /**
     * @return the envelope bytes.
     */
    public byte[] bytes()
    {
        return bytes;
    }

    /**
     * @return destination module id.
     */
    public int destination()
    {
        return EnvelopeLayout.destination(buffer, 0);
    }

    /**
     * @return source module id.
     */
    public int source()
    {
        return EnvelopeLayout.source(buffer, 0);
    }

    /**
     * @return payload schema id.
     */
    public int schemaId()
    {
        return EnvelopeLayout.eventSchemaId(buffer, 0);
    }

    /**
     * @return payload template id.
     */
    public int templateId()
    {
        return EnvelopeLayout.eventTemplateId(buffer, 0);
    }

    /**
     * @param decoder to wrap over the payload.
     * @param <T>     decoder type.
     * @return the decoder.
     */
    public <T extends MessageDecoderFlyweight> T decode(final T decoder)
    {
        return event().decode(decoder);
    }

    /**
     * @return the follow-up envelopes, in order (each with its own nested follow-ups).
     */
    public List<RecordedEvent> followUps()
    {
        final Event e = event();
        final List<RecordedEvent> result = new ArrayList<>();
        int cursor = e.followUpsOffset();
        final int end = cursor + e.followUpsLength();
        while (cursor < end)
        {
            final int length = EnvelopeLayout.totalLength(buffer, cursor);
            final byte[] copy = new byte[length];
            buffer.getBytes(cursor, copy);
            result.add(new RecordedEvent(copy));
            cursor += length;
        }
        return result;
    }

    @Override
    public String toString()
    {
        return "RecordedEvent{destination=" + destination() + ", source=" + source() + ", schema=" + schemaId() +
            ", template=" + templateId() + ", length=" + bytes.length + '}';
    }
}
