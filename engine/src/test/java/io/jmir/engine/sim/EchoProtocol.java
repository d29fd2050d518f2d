package io.jmir.engine.sim;

import io.jmir.codecs.EngineEvents;
import io.jmir.codecs.EnvelopeLayout;
import io.jmir.codecs.engine.InitDecoder;
import io.jmir.codecs.engine.MessageHeaderEncoder;
import io.jmir.codecs.engine.MessageReceivedDecoder;
import io.jmir.codecs.engine.SendMessageEncoder;
import io.jmir.codecs.engine.TimerSetEncoder;
import io.jmir.codecs.engine.WalAppendEncoder;
import io.jmir.codecs.engine.WalEntryLoadedDecoder;
import io.jmir.engine.Emitter;
import io.jmir.engine.Event;
import io.jmir.engine.EventBuilder;
import io.jmir.engine.Module;
import io.jmir.engine.ModuleContext;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A small deterministic protocol for simulation tests. Every ClientRequest submitted to a node becomes a ping
 * with the next sequence number, appended to the WAL (when the node has one) with the SendMessage as a
 * follow-up — persist before send — and broadcast to every other node; receivers answer with an ack. With a
 * timer, pings not acked by everyone are retransmitted periodically. Replayed WAL entries restore the pings.
 * Message bytes: type u8 (1 ping, 2 ack), origin node i32, sequence i64, little endian.
 */
final class EchoProtocol implements Module
{
    static final byte PING = 1;
    static final byte ACK = 2;
    static final int MESSAGE_LENGTH = 13;
    static final long RETRANSMIT_TIMER = 1;

    final List<String> log = new ArrayList<>();
    final List<Long> pingsReceivedInOrder = new ArrayList<>();
    final TreeSet<String> pingsSeen = new TreeSet<>();
    final TreeMap<Long, BitSet> acks = new TreeMap<>();
    int pingMessages;
    int ackMessages;
    int garbageMessages;
    boolean closed;

    private final long retransmitNs;
    private final MessageHeaderEncoder headerEncoder = new MessageHeaderEncoder();
    private final SendMessageEncoder sendEncoder = new SendMessageEncoder();
    private final WalAppendEncoder walAppendEncoder = new WalAppendEncoder();
    private final TimerSetEncoder timerSetEncoder = new TimerSetEncoder();
    private final InitDecoder initDecoder = new InitDecoder();
    private final MessageReceivedDecoder receivedDecoder = new MessageReceivedDecoder();
    private final WalEntryLoadedDecoder loadedDecoder = new WalEntryLoadedDecoder();
    private final UnsafeBuffer message = new UnsafeBuffer(new byte[MESSAGE_LENGTH]);
    private final UnsafeBuffer entry = new UnsafeBuffer(new byte[8]);
    private int selfId;
    private int netId;
    private int timerId = -1;
    private int walId = -1;
    private int nodeId = -1;
    private int nodeCount;
    private long nextSeq;

    EchoProtocol(final long retransmitNs)
    {
        this.retransmitNs = retransmitNs;
    }

    @Override
    public void onAttach(final ModuleContext context)
    {
        selfId = context.selfId();
        netId = context.moduleId("net");
        timerId = context.hasModule("timer") ? context.moduleId("timer") : -1;
        walId = context.hasModule("wal") ? context.moduleId("wal") : -1;
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
            case EngineEvents.INIT:
                event.decode(initDecoder);
                nodeId = initDecoder.nodeId();
                nodeCount = initDecoder.nodeCount();
                log.add("init");
                if (timerId >= 0)
                {
                    final EventBuilder builder = emitter.event(timerId);
                    timerSetEncoder.wrapAndApplyHeader(builder.buffer(), builder.payloadOffset(), headerEncoder)
                        .timerId(RETRANSMIT_TIMER).delayNs(retransmitNs).periodNs(retransmitNs);
                    builder.payload(timerSetEncoder).commit();
                }
                break;
            case EngineEvents.CLIENT_REQUEST:
                onRequest(emitter);
                break;
            case EngineEvents.WAL_ENTRY_LOADED:
                event.decode(loadedDecoder);
                loadedDecoder.getEntry(entry, 0, 8);
                final long seq = entry.getLong(0, ByteOrder.LITTLE_ENDIAN);
                nextSeq = Math.max(nextSeq, seq);
                acks.putIfAbsent(seq, new BitSet());
                log.add("recovered:" + seq);
                break;
            case EngineEvents.MESSAGE_RECEIVED:
                onMessage(event, emitter);
                break;
            case EngineEvents.TIMER_FIRED:
                retransmit(emitter);
                break;
            default:
                break;
        }
    }

    @Override
    public void onClose()
    {
        closed = true;
    }

    long completed()
    {
        return acks.values().stream().filter((b) -> b.cardinality() == nodeCount - 1).count();
    }

    int nodeId()
    {
        return nodeId;
    }

    private void onRequest(final Emitter emitter)
    {
        final long seq = ++nextSeq;
        acks.put(seq, new BitSet());
        log.add("request:" + seq);
        if (walId >= 0)
        {
            entry.putLong(0, seq, ByteOrder.LITTLE_ENDIAN);
            final EventBuilder builder = emitter.event(walId);
            walAppendEncoder.wrapAndApplyHeader(builder.buffer(), builder.payloadOffset(), headerEncoder)
                .retentionIndex(seq).putEntry(entry, 0, 8);
            builder.payload(walAppendEncoder).followUp(netId);
            encodePing(builder, seq, null);
            builder.end().commit();
        }
        else
        {
            final EventBuilder builder = emitter.event(netId);
            encodePing(builder, seq, null);
            builder.commit();
        }
    }

    private void retransmit(final Emitter emitter)
    {
        for (final Map.Entry<Long, BitSet> pending : acks.entrySet())
        {
            if (pending.getValue().cardinality() < nodeCount - 1)
            {
                final EventBuilder builder = emitter.event(netId);
                encodePing(builder, pending.getKey(), pending.getValue());
                builder.commit();
            }
        }
    }

    private void encodePing(final EventBuilder builder, final long seq, final BitSet skip)
    {
        int count = 0;
        for (int node = 0; node < nodeCount; node++)
        {
            count += node != nodeId && (skip == null || !skip.get(node)) ? 1 : 0;
        }
        sendEncoder.wrapAndApplyHeader(builder.buffer(), builder.payloadOffset(), headerEncoder)
            .destinationModule(selfId);
        final SendMessageEncoder.DestinationsEncoder destinations = sendEncoder.destinationsCount(count);
        for (int node = 0; node < nodeCount; node++)
        {
            if (node != nodeId && (skip == null || !skip.get(node)))
            {
                destinations.next().nodeId(node);
            }
        }
        putMessage(PING, nodeId, seq);
        sendEncoder.putMessage(message, 0, MESSAGE_LENGTH);
        builder.payload(sendEncoder);
    }

    private void onMessage(final Event event, final Emitter emitter)
    {
        event.decode(receivedDecoder);
        final int fromNode = receivedDecoder.fromNode();
        final int length = receivedDecoder.messageLength();
        if (length != MESSAGE_LENGTH || fromNode < 0 || fromNode >= nodeCount)
        {
            garbageMessages++;
            return;
        }
        receivedDecoder.getMessage(message, 0, MESSAGE_LENGTH);
        final byte type = message.getByte(0);
        final int origin = message.getInt(1, ByteOrder.LITTLE_ENDIAN);
        final long seq = message.getLong(5, ByteOrder.LITTLE_ENDIAN);
        if (type == PING)
        {
            pingMessages++;
            pingsReceivedInOrder.add(seq);
            pingsSeen.add(origin + ":" + seq);
            final EventBuilder builder = emitter.event(netId);
            sendEncoder.wrapAndApplyHeader(builder.buffer(), builder.payloadOffset(), headerEncoder)
                .destinationModule(selfId)
                .destinationsCount(1).next().nodeId(fromNode);
            putMessage(ACK, origin, seq);
            sendEncoder.putMessage(message, 0, MESSAGE_LENGTH);
            builder.payload(sendEncoder).commit();
        }
        else if (type == ACK && origin == nodeId && acks.containsKey(seq))
        {
            ackMessages++;
            acks.get(seq).set(fromNode);
        }
        else
        {
            garbageMessages++;
        }
    }

    private void putMessage(final byte type, final int origin, final long seq)
    {
        message.putByte(0, type);
        message.putInt(1, origin, ByteOrder.LITTLE_ENDIAN);
        message.putLong(5, seq, ByteOrder.LITTLE_ENDIAN);
    }
}
