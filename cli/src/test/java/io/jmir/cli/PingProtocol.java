package io.jmir.cli;

import io.jmir.codecs.EnvelopeLayout;
import io.jmir.codecs.engine.InitDecoder;
import io.jmir.codecs.engine.MessageHeaderDecoder;
import io.jmir.codecs.engine.MessageHeaderEncoder;
import io.jmir.codecs.engine.MessageReceivedDecoder;
import io.jmir.codecs.engine.SendMessageEncoder;
import io.jmir.codecs.engine.TickDecoder;
import io.jmir.codecs.engine.TickEncoder;
import io.jmir.codecs.engine.WalAppendEncoder;
import io.jmir.engine.Emitter;
import io.jmir.engine.Event;
import io.jmir.engine.EventBuilder;
import io.jmir.engine.Module;
import io.jmir.engine.ModuleContext;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * A deterministic test protocol for journal tools. On Tick{nowNs, tickCount} (from outside) it appends
 * Tick{nowNs, tickCount * multiplier} to the WAL with a follow-up SendMessage of the same Tick to every other node,
 * and emits the Tick to the sink directly. On MessageReceived it emits Tick{fromNode, value} to the sink.
 * Constructor arguments as Strings so that {@code jmir replay --module-class ... --arg 2} can create it.
 */
public final class PingProtocol implements Module
{
    private final MessageHeaderEncoder headerEncoder = new MessageHeaderEncoder();
    private final MessageHeaderDecoder headerDecoder = new MessageHeaderDecoder();
    private final TickDecoder tickDecoder = new TickDecoder();
    private final TickEncoder tickEncoder = new TickEncoder();
    private final InitDecoder initDecoder = new InitDecoder();
    private final MessageReceivedDecoder receivedDecoder = new MessageReceivedDecoder();
    private final WalAppendEncoder appendEncoder = new WalAppendEncoder();
    private final SendMessageEncoder sendEncoder = new SendMessageEncoder();
    private final UnsafeBuffer entry = new UnsafeBuffer(new byte[64]);
    private final UnsafeBuffer message = new UnsafeBuffer(new byte[256]);
    private final long multiplier;
    private int selfId;
    private int walId;
    private int netId;
    private int sinkId;
    private int nodeId;
    private int nodeCount;

    public PingProtocol(final String... args)
    {
        multiplier = args.length > 0 ? Long.parseLong(args[0]) : 1;
    }

    @Override
    public void onAttach(final ModuleContext context)
    {
        selfId = context.selfId();
        walId = context.moduleId("wal");
        netId = context.moduleId("net");
        sinkId = context.moduleId("sink");
    }

    @Override
    public void onEvent(final Event event, final Emitter emitter)
    {
        if (event.schemaId() != EnvelopeLayout.ENGINE_SCHEMA_ID)
        {
            return;
        }
        switch (event.templateId())
        {
            case InitDecoder.TEMPLATE_ID ->
            {
                event.decode(initDecoder);
                nodeId = initDecoder.nodeId();
                nodeCount = initDecoder.nodeCount();
            }
            case TickDecoder.TEMPLATE_ID -> onTick(event, emitter);
            case MessageReceivedDecoder.TEMPLATE_ID ->
            {
                event.decode(receivedDecoder);
                final int from = receivedDecoder.fromNode();
                final int length = receivedDecoder.getMessage(message, 0, message.capacity());
                headerDecoder.wrap(message, 0);
                tickDecoder.wrap(message, MessageHeaderDecoder.ENCODED_LENGTH, headerDecoder.blockLength(),
                    headerDecoder.version());
                final long value = length > 0 ? tickDecoder.tickCount() : -1;
                final EventBuilder b = emitter.event(sinkId);
                tickEncoder.wrapAndApplyHeader(b.buffer(), b.payloadOffset(), headerEncoder).nowNs(from)
                    .tickCount(value);
                b.payload(tickEncoder).commit();
            }
            default ->
            {
            }
        }
    }

    private void onTick(final Event event, final Emitter emitter)
    {
        event.decode(tickDecoder);
        final long retention = tickDecoder.nowNs();
        final long value = tickDecoder.tickCount() * multiplier;
        tickEncoder.wrapAndApplyHeader(entry, 0, headerEncoder).nowNs(retention).tickCount(value);
        final int entryLength = MessageHeaderEncoder.ENCODED_LENGTH + tickEncoder.encodedLength();

        final EventBuilder b = emitter.event(walId);
        appendEncoder.wrapAndApplyHeader(b.buffer(), b.payloadOffset(), headerEncoder).retentionIndex(retention)
            .putEntry(entry, 0, entryLength);
        b.payload(appendEncoder).followUp(netId);
        sendEncoder.wrapAndApplyHeader(b.buffer(), b.payloadOffset(), headerEncoder).destinationModule(selfId);
        final SendMessageEncoder.DestinationsEncoder destinations = sendEncoder.destinationsCount(nodeCount - 1);
        for (int node = 0; node < nodeCount; node++)
        {
            if (node != nodeId)
            {
                destinations.next().nodeId(node);
            }
        }
        sendEncoder.putMessage(entry, 0, entryLength);
        b.payload(sendEncoder).end();
        b.commit();

        final EventBuilder direct = emitter.event(sinkId);
        tickEncoder.wrapAndApplyHeader(direct.buffer(), direct.payloadOffset(), headerEncoder).nowNs(nodeId)
            .tickCount(value);
        direct.payload(tickEncoder).commit();
    }
}
