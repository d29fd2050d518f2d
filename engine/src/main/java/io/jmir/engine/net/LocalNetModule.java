package io.jmir.engine.net;

import io.jmir.codecs.engine.MessageHeaderEncoder;
import io.jmir.codecs.engine.MessageReceivedEncoder;
import io.jmir.codecs.engine.SendMessageDecoder;
import io.jmir.codecs.engine.SendMessageEncoder;
import io.jmir.engine.Emitter;
import io.jmir.engine.Event;
import io.jmir.engine.Module;
import io.jmir.engine.SubmitResult;
import org.agrona.ExpandableArrayBuffer;

/**
 * The "net" module of a node on a {@link LocalNetwork}. SendMessage in; for each destination a MessageReceived
 * {fromNode, message} submitted to the destination node's destination module. A destination that is
 * back-pressured (or not registered yet) gets the message later, in order, from a pending queue retried on every
 * duty cycle; the queue is bounded by {@link #maxPendingBytes} — beyond it messages are dropped and counted
 * (protocols tolerate loss by retransmission). Zero allocation in steady state.
 * <p>
 * <b>Threading:</b> runs on its stage thread only.
 */
public final class LocalNetModule implements Module
{
    private static final int RECORD_HEADER = 12;
    private final LocalNetwork network;
    private final int nodeId;
    private final SendMessageDecoder sendDecoder = new SendMessageDecoder();
    private final MessageReceivedEncoder receivedEncoder = new MessageReceivedEncoder();
    private final MessageHeaderEncoder headerEncoder = new MessageHeaderEncoder();
    private final ExpandableArrayBuffer scratch = new ExpandableArrayBuffer(1024);
    private final ExpandableArrayBuffer pending = new ExpandableArrayBuffer(0);
    private int pendingHead;
    private int pendingTail;
    private long maxPendingBytes = 64L * 1024 * 1024;
    private long sent;
    private long dropped;

    LocalNetModule(final LocalNetwork network, final int nodeId)
    {
        this.network = network;
        this.nodeId = nodeId;
    }

    /**
     * @param maxPendingBytes bound of the retry queue; above it messages are dropped and counted.
     * @return this.
     */
    public LocalNetModule maxPendingBytes(final long maxPendingBytes)
    {
        this.maxPendingBytes = maxPendingBytes;
        return this;
    }

    /**
     * @return messages handed to destination nodes.
     */
    public long sent()
    {
        return sent;
    }

    /**
     * @return messages dropped (retry queue full or destination unknown).
     */
    public long dropped()
    {
        return dropped;
    }

    @Override
    public void onEvent(final Event event, final Emitter emitter)
    {
        if (event.schemaId() != SendMessageEncoder.SCHEMA_ID || event.templateId() != SendMessageEncoder.TEMPLATE_ID)
        {
            return;
        }
        event.decode(sendDecoder);
        final int destinationModule = sendDecoder.destinationModule();
        final SendMessageDecoder.DestinationsDecoder destinations = sendDecoder.destinations();
        final int count = destinations.count();
        final int messageOffset = sendDecoder.limit() + count * destinations.actingBlockLength();
        final int messageLength = event.buffer().getInt(messageOffset, java.nio.ByteOrder.LITTLE_ENDIAN);
        receivedEncoder.wrapAndApplyHeader(scratch, 0, headerEncoder).fromNode(nodeId)
            .putMessage(event.buffer(), messageOffset + 4, messageLength);
        final int length = MessageHeaderEncoder.ENCODED_LENGTH + receivedEncoder.encodedLength();
        while (destinations.hasNext())
        {
            final int destination = destinations.next().nodeId();
            if (pendingTail > pendingHead || !deliver(destination, destinationModule, length))
            {
                enqueue(destination, destinationModule, length);
            }
        }
    }

    @Override
    public int doWork(final long nowNs, final Emitter emitter)
    {
        int work = 0;
        while (pendingHead < pendingTail)
        {
            final int destination = pending.getInt(pendingHead);
            final int module = pending.getInt(pendingHead + 4);
            final int length = pending.getInt(pendingHead + 8);
            final SubmitResult result = network.deliver(destination, module, pending, pendingHead + RECORD_HEADER,
                length);
            if (result == SubmitResult.BACK_PRESSURED)
            {
                break;
            }
            if (result == SubmitResult.ACCEPTED)
            {
                sent++;
            }
            else
            {
                dropped++;
            }
            pendingHead += RECORD_HEADER + length;
            work++;
        }
        if (pendingHead == pendingTail)
        {
            pendingHead = 0;
            pendingTail = 0;
        }
        return work;
    }

    @Override
    public long nextDeadlineNs()
    {
        return pendingTail > pendingHead ? 0 : Long.MAX_VALUE;
    }

    private boolean deliver(final int destination, final int module, final int length)
    {
        final SubmitResult result = network.deliver(destination, module, scratch, 0, length);
        if (result == SubmitResult.ACCEPTED)
        {
            sent++;
            return true;
        }
        if (result == SubmitResult.REJECTED)
        {
            dropped++;
            return true;
        }
        return false;
    }

    private void enqueue(final int destination, final int module, final int length)
    {
        if (pendingTail - pendingHead + RECORD_HEADER + length > maxPendingBytes)
        {
            dropped++;
            return;
        }
        if (pendingHead > 0 && pendingHead >= pendingTail - pendingHead)
        {
            pending.putBytes(0, pending, pendingHead, pendingTail - pendingHead);
            pendingTail -= pendingHead;
            pendingHead = 0;
        }
        pending.putInt(pendingTail, destination);
        pending.putInt(pendingTail + 4, module);
        pending.putInt(pendingTail + 8, length);
        pending.putBytes(pendingTail + RECORD_HEADER, scratch, 0, length);
        pendingTail += RECORD_HEADER + length;
    }
}
