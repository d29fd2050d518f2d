package io.jmir.protocols.testkit;

import io.jmir.codecs.EnvelopeLayout;
import io.jmir.engine.Emitter;
import io.jmir.engine.Event;
import io.jmir.engine.EventBuilder;
import io.jmir.engine.internal.EventSink;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.ArrayList;
import java.util.List;

/**
 * Test emitter: records every committed event (destination, type, payload, nested follow-ups) so unit tests can
 * feed a module events and check what it emitted.
 */
public final class RecordingEmitter implements Emitter, EventSink
{
    /** One emitted event with its follow-ups (released by the engine only after this event is processed). */
    public record Recorded(int destination, int source, int schemaId, int templateId, byte[] payload,
        List<Recorded> followUps)
    {
        public UnsafeBuffer payloadBuffer()
        {
            return new UnsafeBuffer(payload);
        }

        /** Wrap a decoder over the payload. */
        public <T extends org.agrona.sbe.MessageDecoderFlyweight> T decode(final T decoder)
        {
            final UnsafeBuffer buffer = payloadBuffer();
            final int blockLength = buffer.getShort(0, java.nio.ByteOrder.LITTLE_ENDIAN) & 0xFFFF;
            final int version = buffer.getShort(6, java.nio.ByteOrder.LITTLE_ENDIAN) & 0xFFFF;
            decoder.wrap(buffer, 8, blockLength, version);
            return decoder;
        }

        public boolean is(final int schema, final int template)
        {
            return schemaId == schema && templateId == template;
        }
    }

    private final EventBuilder builder = new EventBuilder();
    private final UnsafeBuffer buffer = new UnsafeBuffer(new byte[4 * 1024 * 1024]);
    private final List<Recorded> events = new ArrayList<>();
    private final int source;

    public RecordingEmitter(final int source)
    {
        this.source = source;
    }

    @Override
    public EventBuilder event(final int destination)
    {
        return builder.begin(this, buffer, 0, buffer.capacity(), destination, source);
    }

    @Override
    public boolean isBackPressured()
    {
        return false;
    }

    @Override
    public void commit(final int offset, final int length)
    {
        events.add(parse(buffer, offset, length));
    }

    @Override
    public void abort()
    {
    }

    @Override
    public int capacity(final int destination)
    {
        return buffer.capacity();
    }

    public List<Recorded> events()
    {
        return events;
    }

    public List<Recorded> drain()
    {
        final List<Recorded> copy = new ArrayList<>(events);
        events.clear();
        return copy;
    }

    /** Build an Event flyweight over an SBE message, as if sent by {@code from} to {@code destination}. */
    public static Event event(final int destination, final int from, final DirectBuffer message, final int offset,
        final int length)
    {
        final UnsafeBuffer out = new UnsafeBuffer(new byte[length + 64]);
        final EventBuilder b = new EventBuilder();
        final int[] committed = new int[1];
        b.begin(new EventSink()
        {
            public void commit(final int off, final int len)
            {
                committed[0] = len;
            }

            public void abort()
            {
            }

            public int capacity(final int destination)
            {
                return out.capacity();
            }
        }, out, 0, out.capacity(), destination, from);
        b.buffer().putBytes(b.payloadOffset(), message, offset, length);
        b.payload(length).commit();
        return new Event().wrap(out, 0, committed[0]);
    }

    private static Recorded parse(final DirectBuffer buffer, final int offset, final int length)
    {
        final Event e = new Event().wrap(buffer, offset, length);
        final byte[] payload = new byte[e.payloadLength()];
        buffer.getBytes(e.payloadOffset(), payload);
        final List<Recorded> followUps = new ArrayList<>();
        int cursor = e.followUpsOffset();
        final int end = cursor + e.followUpsLength();
        while (cursor < end)
        {
            final int envelopeLength = EnvelopeLayout.totalLength(buffer, cursor);
            followUps.add(parse(buffer, cursor, envelopeLength));
            cursor += envelopeLength;
        }
        return new Recorded(e.destination(), e.source(), e.schemaId(), e.templateId(), payload, followUps);
    }

}
