package io.jmir.engine;

import io.jmir.codecs.engine.MessageHeaderEncoder;
import io.jmir.codecs.engine.TickDecoder;
import io.jmir.codecs.engine.TickEncoder;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * Test helpers: Tick events used as numbered test payloads (nowNs = value, tickCount = tag).
 */
public final class TestEvents
{
    private final TickEncoder tick = new TickEncoder();
    private final TickDecoder tickDecoder = new TickDecoder();
    private final MessageHeaderEncoder header = new MessageHeaderEncoder();
    private final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer(64);

    public ExpandableArrayBuffer buffer()
    {
        return buffer;
    }

    /** Encode a Tick(value, tag) at offset 0 of {@link #buffer()} and return its length. */
    public int tick(final long value, final long tag)
    {
        tick.wrapAndApplyHeader(buffer, 0, header).nowNs(value).tickCount(tag);
        return MessageHeaderEncoder.ENCODED_LENGTH + tick.encodedLength();
    }

    /** Open an event to {@code destination} carrying Tick(value, tag) as payload. */
    public EventBuilder emitTick(final Emitter emitter, final int destination, final long value, final long tag)
    {
        final EventBuilder builder = emitter.event(destination);
        return encodeTick(builder, value, tag);
    }

    /** Encode Tick(value, tag) at the builder's current payload position. */
    public EventBuilder encodeTick(final EventBuilder builder, final long value, final long tag)
    {
        tick.wrapAndApplyHeader(builder.buffer(), builder.payloadOffset(), header).nowNs(value).tickCount(tag);
        return builder.payload(tick);
    }

    public long value(final Event event)
    {
        return event.decode(tickDecoder).nowNs();
    }

    public long tag(final Event event)
    {
        return event.decode(tickDecoder).tickCount();
    }

    public static boolean isTick(final Event event)
    {
        return event.schemaId() == TickEncoder.SCHEMA_ID && event.templateId() == TickEncoder.TEMPLATE_ID;
    }

    public static void fill(final MutableDirectBuffer buffer, final int offset, final int length, final byte value)
    {
        buffer.setMemory(offset, length, value);
    }
}
