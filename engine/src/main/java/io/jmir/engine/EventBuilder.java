package io.jmir.engine;

import io.jmir.codecs.EnvelopeLayout;
import io.jmir.engine.internal.EventSink;
import org.agrona.MutableDirectBuffer;
import org.agrona.sbe.MessageEncoderFlyweight;

import static io.jmir.codecs.EnvelopeLayout.BYTE_ORDER;
import static io.jmir.codecs.EnvelopeLayout.HEADER_LENGTH;
import static io.jmir.codecs.EnvelopeLayout.LENGTH_PREFIX;

/**
 * Writes one event — envelope, payload and nested follow-ups — straight into the space its runtime claimed
 * (a ring slot, or the overflow queue when the ring is full). Obtained from {@link Emitter#event(int)}; one
 * instance per emitter, reused for every event, allocation free.
 * <p>
 * Sequence per event: encode the payload at {@link #payloadOffset()} into {@link #buffer()}, call
 * {@link #payload}; optionally {@link #followUp(int)} … {@link #payload} … {@link #end()} for each follow-up
 * (nesting to any depth up to {@link #MAX_DEPTH}); finally {@link #commit()}.
 * <p>
 * <b>Size:</b> the buffer is bounded to the destination's slot capacity. Encoding past it throws
 * {@link IndexOutOfBoundsException} from the encoder or {@link EventTooLargeException} from here; the engine
 * reports either as an {@link EventTooLargeException} naming the modules — events are never truncated.
 * <p>
 * <b>Threading:</b> used only on the emitting module's thread.
 */
public final class EventBuilder
{
    /** Source id of events that come from outside the node's modules (Init, submissions). */
    public static final int EXTERNAL_SOURCE = 0xFFFF;
    /** Deepest follow-up nesting. */
    public static final int MAX_DEPTH = 32;

    private final int[] envelopeStarts = new int[MAX_DEPTH + 1];
    private final int[] payloadEnds = new int[MAX_DEPTH + 1];
    private EventSink sink;
    private MutableDirectBuffer buffer;
    private int limit;
    private int source;
    private int depth = -1;
    private int cursor;

    /**
     * Start an event in claimed space. Called by runtimes only.
     *
     * @param sink        to commit or abort into.
     * @param buffer      claimed space.
     * @param offset      where the envelope starts.
     * @param capacity    bytes available from offset.
     * @param destination module id.
     * @param source      module id of the emitter.
     * @return this.
     */
    public EventBuilder begin(
        final EventSink sink,
        final MutableDirectBuffer buffer,
        final int offset,
        final int capacity,
        final int destination,
        final int source)
    {
        if (depth >= 0)
        {
            throw new IllegalStateException("an event is already open: commit or abort it before emitting another");
        }
        this.sink = sink;
        this.buffer = buffer;
        this.limit = offset + capacity;
        this.source = source;
        depth = -1;
        cursor = offset;
        openEnvelope(destination);
        return this;
    }

    /**
     * @return buffer to encode the payload into.
     */
    public MutableDirectBuffer buffer()
    {
        return buffer;
    }

    /**
     * @return offset at which to encode the current payload (its SBE message header first).
     */
    public int payloadOffset()
    {
        return envelopeStarts[depth] + EnvelopeLayout.PAYLOAD_OFFSET;
    }

    /**
     * @return bytes still available for the current payload.
     */
    public int remaining()
    {
        return limit - payloadOffset() - LENGTH_PREFIX;
    }

    /**
     * Close the current payload at the encoder's limit.
     *
     * @param encoder that encoded the payload (with {@code wrapAndApplyHeader}) at {@link #payloadOffset()}.
     * @return this.
     */
    public EventBuilder payload(final MessageEncoderFlyweight encoder)
    {
        if (encoder.buffer() != buffer)
        {
            throw new IllegalArgumentException("encoder is not wrapped over this event's buffer");
        }
        return payload(encoder.limit() - payloadOffset());
    }

    /**
     * Close the current payload after {@code length} bytes written at {@link #payloadOffset()}. The payload must
     * start with an SBE message header; its schema and template ids become the event type.
     *
     * @param length of the payload including its message header.
     * @return this.
     */
    public EventBuilder payload(final int length)
    {
        checkOpen();
        final int start = envelopeStarts[depth];
        final int payloadOffset = start + EnvelopeLayout.PAYLOAD_OFFSET;
        if (payloadEnds[depth] != 0)
        {
            throw new IllegalStateException("payload already set for this event");
        }
        if (length < HEADER_LENGTH)
        {
            throw new IllegalArgumentException("payload must hold an SBE message header: length=" + length);
        }
        final int payloadEnd = payloadOffset + length;
        if (payloadEnd + LENGTH_PREFIX > limit)
        {
            throw new EventTooLargeException(length + EnvelopeLayout.OVERHEAD, limit - envelopeStarts[0]);
        }
        buffer.putInt(start + EnvelopeLayout.PAYLOAD_LENGTH_OFFSET, length, BYTE_ORDER);
        buffer.putInt(start + EnvelopeLayout.EVENT_SCHEMA_ID_OFFSET, EnvelopeLayout.eventIds(buffer, payloadOffset),
            BYTE_ORDER);
        buffer.putInt(payloadEnd, 0, BYTE_ORDER);
        payloadEnds[depth] = payloadEnd;
        cursor = payloadEnd + LENGTH_PREFIX;
        return this;
    }

    /**
     * Open a follow-up of the current event, released only after the current event's destination processed it.
     *
     * @param destination module id of the follow-up.
     * @return this, positioned at the follow-up's payload.
     */
    public EventBuilder followUp(final int destination)
    {
        checkOpen();
        if (payloadEnds[depth] == 0)
        {
            throw new IllegalStateException("set the payload of an event before adding follow-ups");
        }
        if (depth == MAX_DEPTH)
        {
            throw new IllegalStateException("follow-ups nest deeper than " + MAX_DEPTH);
        }
        openEnvelope(destination);
        return this;
    }

    /**
     * Close the current follow-up and return to its parent.
     *
     * @return this.
     */
    public EventBuilder end()
    {
        checkOpen();
        if (depth == 0)
        {
            throw new IllegalStateException("no follow-up is open: use commit() for the top-level event");
        }
        final int start = envelopeStarts[depth];
        final int destination = EnvelopeLayout.destination(buffer, start);
        closeEnvelope();
        final int length = cursor - start;
        final int capacity = sink.capacity(destination);
        if (length > capacity)
        {
            throw new EventTooLargeException(length, capacity);
        }
        return this;
    }

    /**
     * Commit the top-level event: it becomes visible to its destination (or waits in overflow, in order).
     */
    public void commit()
    {
        checkOpen();
        if (depth != 0)
        {
            throw new IllegalStateException(depth + " follow-up(s) still open: call end() for each");
        }
        closeEnvelope();
        final int start = envelopeStarts[0];
        final EventSink sink = this.sink;
        depth = -1;
        this.sink = null;
        sink.commit(start, cursor - start);
    }

    /**
     * Abandon the open event, if any; nothing becomes visible.
     */
    public void abort()
    {
        if (depth >= 0)
        {
            final EventSink sink = this.sink;
            depth = -1;
            this.sink = null;
            sink.abort();
        }
    }

    /**
     * @return destination module id of the open top-level event, or -1 when none is open.
     */
    public int destination()
    {
        return depth >= 0 ? EnvelopeLayout.destination(buffer, envelopeStarts[0]) : -1;
    }

    /**
     * @return true while an event is open.
     */
    public boolean isOpen()
    {
        return depth >= 0;
    }

    private void openEnvelope(final int destination)
    {
        final int start = cursor;
        if (start + EnvelopeLayout.OVERHEAD + HEADER_LENGTH > limit)
        {
            throw new EventTooLargeException(start + EnvelopeLayout.OVERHEAD + HEADER_LENGTH - envelopeStarts[0],
                limit - (depth >= 0 ? envelopeStarts[0] : start));
        }
        depth++;
        envelopeStarts[depth] = start;
        payloadEnds[depth] = 0;
        // Header and block in two wide writes; the event type is written by payload(...), which every event needs.
        buffer.putLong(start, EnvelopeLayout.HEADER_WORD, BYTE_ORDER);
        final long ids = (destination & 0xFFFFL) | ((source & 0xFFFFL) << 16);
        buffer.putLong(start + EnvelopeLayout.DESTINATION_OFFSET, ids, BYTE_ORDER);
        cursor = start + EnvelopeLayout.PAYLOAD_OFFSET;
    }

    private void closeEnvelope()
    {
        final int payloadEnd = payloadEnds[depth];
        if (payloadEnd == 0)
        {
            throw new IllegalStateException("event has no payload: call payload(...) before end()/commit()");
        }
        final int followUpsLength = cursor - payloadEnd - LENGTH_PREFIX;
        if (followUpsLength != 0)
        {
            buffer.putInt(payloadEnd, followUpsLength, BYTE_ORDER);
        }
        depth--;
    }

    private void checkOpen()
    {
        if (depth < 0)
        {
            throw new IllegalStateException("no event is open: call Emitter.event(destination) first");
        }
    }
}
