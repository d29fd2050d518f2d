package io.jmir.transport;

import io.jmir.codecs.EnvelopeLayout;
import io.jmir.codecs.engine.MessageHeaderEncoder;
import io.jmir.codecs.engine.SendMessageEncoder;
import io.jmir.engine.Event;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Builds SendMessage events (complete envelopes) for feeding a net module directly; reused, allocation free.
 */
final class SendMessageEvents
{
    static final int SOURCE_MODULE = 1;

    private final MessageHeaderEncoder headerEncoder = new MessageHeaderEncoder();
    private final SendMessageEncoder encoder = new SendMessageEncoder();
    private final UnsafeBuffer payload;
    private final UnsafeBuffer envelope;
    private final Event event = new Event();
    private int envelopeLength;

    SendMessageEvents(final int capacity)
    {
        payload = new UnsafeBuffer(new byte[capacity]);
        envelope = new UnsafeBuffer(new byte[capacity + EnvelopeLayout.OVERHEAD]);
    }

    Event build(
        final int netModuleId,
        final int destinationModule,
        final int[] destinations,
        final DirectBuffer message,
        final int offset,
        final int length)
    {
        encoder.wrapAndApplyHeader(payload, 0, headerEncoder).destinationModule(destinationModule);
        final SendMessageEncoder.DestinationsEncoder group = encoder.destinationsCount(destinations.length);
        for (final int destination : destinations)
        {
            group.next().nodeId(destination);
        }
        encoder.putMessage(message, offset, length);
        final int payloadLength = MessageHeaderEncoder.ENCODED_LENGTH + encoder.encodedLength();
        envelopeLength = EnvelopeLayout.write(envelope, 0, netModuleId, SOURCE_MODULE, payload, 0, payloadLength);
        return event.wrap(envelope, 0, envelopeLength);
    }

    Event build(final int netModuleId, final int destinationModule, final int[] destinations, final byte[] message)
    {
        return build(netModuleId, destinationModule, destinations, new UnsafeBuffer(message), 0, message.length);
    }

    /**
     * @return the envelope buffer of the last built event (to corrupt it in tests).
     */
    UnsafeBuffer envelope()
    {
        return envelope;
    }

    /**
     * @return offset of the last built event's payload body (after the payload's message header).
     */
    int bodyOffset()
    {
        return event.bodyOffset();
    }

    Event rewrap()
    {
        return event.wrap(envelope, 0, envelopeLength);
    }
}
