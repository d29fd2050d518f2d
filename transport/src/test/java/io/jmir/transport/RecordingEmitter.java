package io.jmir.transport;

import io.jmir.codecs.EnvelopeLayout;
import io.jmir.codecs.EnvelopeValidator;
import io.jmir.codecs.SchemaRegistry;
import io.jmir.codecs.engine.MessageReceivedDecoder;
import io.jmir.engine.Emitter;
import io.jmir.engine.Event;
import io.jmir.engine.EventBuilder;
import io.jmir.engine.internal.EventSink;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.ArrayList;
import java.util.List;

/**
 * Test harness standing in for a runtime: an {@link Emitter} whose events are written into one slot, validated
 * as envelopes, and handed to a listener (MessageReceived) or counted (anything else).
 */
final class RecordingEmitter implements Emitter, EventSink
{
    @FunctionalInterface
    interface Listener
    {
        void onMessage(int destinationModule, int fromNode, DirectBuffer buffer, int offset, int length);
    }

    record Received(int destinationModule, int fromNode, byte[] message)
    {
    }

    private final EventBuilder builder = new EventBuilder();
    private final UnsafeBuffer slot;
    private final int sourceId;
    private final int moduleCount;
    private final Event event = new Event();
    private final MessageReceivedDecoder decoder = new MessageReceivedDecoder();
    private final EnvelopeValidator validator = new EnvelopeValidator(new SchemaRegistry());
    private final List<Received> received = new ArrayList<>();
    private Listener listener = this::record;
    private boolean backPressured;
    private long invalidEnvelopes;
    private long otherEvents;
    private long messages;

    RecordingEmitter(final int sourceId, final int moduleCount, final int slotCapacity)
    {
        this.sourceId = sourceId;
        this.moduleCount = moduleCount;
        this.slot = new UnsafeBuffer(new byte[slotCapacity]);
    }

    RecordingEmitter listener(final Listener listener)
    {
        this.listener = listener;
        return this;
    }

    @Override
    public EventBuilder event(final int destination)
    {
        return builder.begin(this, slot, 0, slot.capacity(), destination, sourceId);
    }

    @Override
    public boolean isBackPressured()
    {
        return backPressured;
    }

    void backPressured(final boolean backPressured)
    {
        this.backPressured = backPressured;
    }

    @Override
    public void commit(final int offset, final int length)
    {
        if (validator.validate(slot, offset, length, moduleCount) != EnvelopeValidator.Result.OK ||
            EnvelopeLayout.source(slot, offset) != sourceId)
        {
            invalidEnvelopes++;
            return;
        }
        event.wrap(slot, offset, length);
        if (event.schemaId() != EnvelopeLayout.ENGINE_SCHEMA_ID ||
            event.templateId() != MessageReceivedDecoder.TEMPLATE_ID)
        {
            otherEvents++;
            return;
        }
        event.decode(decoder);
        final int fromNode = decoder.fromNode();
        final int length2 = decoder.messageLength();
        final int messageOffset = decoder.limit() + MessageReceivedDecoder.messageHeaderLength();
        messages++;
        listener.onMessage(event.destination(), fromNode, slot, messageOffset, length2);
    }

    @Override
    public void abort()
    {
    }

    @Override
    public int capacity(final int destination)
    {
        return slot.capacity();
    }

    List<Received> received()
    {
        return received;
    }

    long messages()
    {
        return messages;
    }

    long invalidEnvelopes()
    {
        return invalidEnvelopes;
    }

    long otherEvents()
    {
        return otherEvents;
    }

    private void record(
        final int destinationModule, final int fromNode, final DirectBuffer buffer, final int offset, final int length)
    {
        final byte[] bytes = new byte[length];
        buffer.getBytes(offset, bytes);
        received.add(new Received(destinationModule, fromNode, bytes));
    }
}
