package io.jmir.transport;

import io.jmir.codecs.EnvelopeLayout;
import io.jmir.codecs.engine.InitDecoder;
import io.jmir.codecs.engine.MessageHeaderEncoder;
import io.jmir.codecs.engine.MessageReceivedEncoder;
import io.jmir.codecs.engine.SendMessageDecoder;
import io.jmir.engine.ConfigurationException;
import io.jmir.engine.Emitter;
import io.jmir.engine.Event;
import io.jmir.engine.EventBuilder;
import io.jmir.engine.Module;
import io.jmir.engine.ModuleContext;
import org.agrona.DirectBuffer;
import org.agrona.ErrorHandler;

import static io.jmir.codecs.EnvelopeLayout.BYTE_ORDER;

/**
 * What every net module does the same way, whatever carries the bytes: takes {@code SendMessage} events apart
 * (checking every length against the event), enforces the maximum message size, delivers messages to itself
 * directly, and turns received messages into {@code MessageReceived} events for the destination module.
 * <p>
 * <b>Threading:</b> every method is called by the thread of the stage the module runs on.
 */
abstract class AbstractNet implements Module
{
    private static final int GROUP_HEADER_LENGTH = 4;
    private static final int NODE_ID_LENGTH = 4;
    private static final int VAR_DATA_PREFIX = 4;
    private static final int MESSAGE_RECEIVED_OVERHEAD = MessageHeaderEncoder.ENCODED_LENGTH +
        MessageReceivedEncoder.BLOCK_LENGTH + MessageReceivedEncoder.messageHeaderLength();

    protected final int nodeId;
    protected final int nodeCount;
    protected final int maxMessageSize;
    protected final NetCounters counters;
    private final ErrorHandler errorHandler;
    private final MessageHeaderEncoder headerEncoder = new MessageHeaderEncoder();
    private final MessageReceivedEncoder messageReceivedEncoder = new MessageReceivedEncoder();
    private int moduleCount = EventBuilder.EXTERNAL_SOURCE;

    AbstractNet(
        final int nodeId,
        final int nodeCount,
        final int maxMessageSize,
        final NetCounters counters,
        final ErrorHandler errorHandler)
    {
        this.nodeId = nodeId;
        this.nodeCount = nodeCount;
        this.maxMessageSize = maxMessageSize;
        this.counters = counters;
        this.errorHandler = errorHandler;
    }

    /**
     * Checks that the node this module is attached to is the node the transport was configured for.
     *
     * @param context of the node.
     * @throws ConfigurationException naming {@code nodeId} or {@code nodeCount} when they disagree.
     */
    @Override
    public void onAttach(final ModuleContext context)
    {
        if (context.nodeId() != nodeId)
        {
            throw new ConfigurationException(
                "nodeId", "transport is configured for node " + nodeId + " but attached to node " + context.nodeId());
        }
        if (context.nodeCount() != nodeCount)
        {
            throw new ConfigurationException("nodeCount", "transport knows " + nodeCount +
                " nodes but the node definition says " + context.nodeCount());
        }
        moduleCount = context.moduleCount();
    }

    /**
     * Sends each {@code SendMessage} to its destinations; ignores {@code Init}; counts anything else as
     * {@link DropReason#UNEXPECTED_EVENT}.
     *
     * @param event   the event.
     * @param emitter used for messages a node sends to itself.
     */
    @Override
    public void onEvent(final Event event, final Emitter emitter)
    {
        if (event.schemaId() == EnvelopeLayout.ENGINE_SCHEMA_ID &&
            event.templateId() == SendMessageDecoder.TEMPLATE_ID)
        {
            onSendMessage(event, emitter);
        }
        else if (event.schemaId() != EnvelopeLayout.ENGINE_SCHEMA_ID || event.templateId() != InitDecoder.TEMPLATE_ID)
        {
            counters.onDrop(DropReason.UNEXPECTED_EVENT);
        }
    }

    /**
     * Network modules are polled on every duty cycle.
     *
     * @return 0.
     */
    @Override
    public long nextDeadlineNs()
    {
        return 0;
    }

    /**
     * @return the counters of this node's transport.
     */
    public NetCounters counters()
    {
        return counters;
    }

    /**
     * @return id of the node this module serves.
     */
    public int nodeId()
    {
        return nodeId;
    }

    /**
     * Send one message to a peer (never this node). Counts the outcome: sent, or a drop reason.
     *
     * @param peer              receiving node, in range and not this node.
     * @param destinationModule module of the receiver.
     * @param buffer            holding the message.
     * @param offset            of the message.
     * @param length            of the message, at most the maximum message size.
     */
    protected abstract void sendToPeer(
        int peer, int destinationModule, DirectBuffer buffer, int offset, int length);

    /**
     * Emit a received (authenticated) message as {@code MessageReceived} to its destination module, counting it.
     *
     * @param emitter           to emit with.
     * @param destinationModule module to deliver to.
     * @param fromNode          authenticated sender.
     * @param buffer            holding the message.
     * @param offset            of the message.
     * @param length            of the message.
     * @param wireLength        bytes to count with the message (0 when counted per frame).
     * @return true when delivered, false when dropped (and counted).
     */
    protected final boolean deliver(
        final Emitter emitter,
        final int destinationModule,
        final int fromNode,
        final DirectBuffer buffer,
        final int offset,
        final int length,
        final int wireLength)
    {
        final boolean delivered = emitReceived(emitter, destinationModule, fromNode, buffer, offset, length);
        if (delivered)
        {
            counters.onReceived(fromNode, 1, wireLength);
        }
        return delivered;
    }

    /**
     * Emit a received (authenticated) message as {@code MessageReceived} to its destination module without
     * counting it as received (the caller counts the messages of a frame at once); drops are counted.
     *
     * @param emitter           to emit with.
     * @param destinationModule module to deliver to.
     * @param fromNode          authenticated sender.
     * @param buffer            holding the message.
     * @param offset            of the message.
     * @param length            of the message.
     * @return true when delivered, false when dropped (and counted).
     */
    protected final boolean emitReceived(
        final Emitter emitter,
        final int destinationModule,
        final int fromNode,
        final DirectBuffer buffer,
        final int offset,
        final int length)
    {
        if (destinationModule >= moduleCount)
        {
            counters.onDrop(DropReason.RECV_UNKNOWN_MODULE);
            return false;
        }
        final EventBuilder builder = emitter.event(destinationModule);
        if (builder.remaining() < MESSAGE_RECEIVED_OVERHEAD + length)
        {
            builder.abort();
            counters.onDrop(DropReason.RECV_EVENT_TOO_LARGE);
            return false;
        }
        messageReceivedEncoder.wrapAndApplyHeader(builder.buffer(), builder.payloadOffset(), headerEncoder)
            .fromNode(fromNode)
            .putMessage(buffer, offset, length);
        builder.payload(messageReceivedEncoder).commit();
        return true;
    }

    private void onSendMessage(final Event event, final Emitter emitter)
    {
        final DirectBuffer buffer = event.buffer();
        final long end = (long)event.payloadOffset() + event.payloadLength();
        final int blockLength = event.blockLength();
        final long groupOffset = (long)event.bodyOffset() + blockLength;
        if (blockLength < SendMessageDecoder.BLOCK_LENGTH || groupOffset + GROUP_HEADER_LENGTH > end)
        {
            counters.onDrop(DropReason.SEND_MALFORMED_REQUEST);
            return;
        }
        final int entryLength = buffer.getShort((int)groupOffset, BYTE_ORDER) & 0xFFFF;
        final int count = buffer.getShort((int)groupOffset + 2, BYTE_ORDER) & 0xFFFF;
        final long entriesOffset = groupOffset + GROUP_HEADER_LENGTH;
        final long messageLengthOffset = entriesOffset + (long)count * entryLength;
        if ((count > 0 && entryLength < NODE_ID_LENGTH) || messageLengthOffset + VAR_DATA_PREFIX > end)
        {
            counters.onDrop(DropReason.SEND_MALFORMED_REQUEST);
            return;
        }
        final long messageLength = buffer.getInt((int)messageLengthOffset, BYTE_ORDER) & 0xFFFF_FFFFL;
        final int messageOffset = (int)messageLengthOffset + VAR_DATA_PREFIX;
        if (messageOffset + messageLength > end)
        {
            counters.onDrop(DropReason.SEND_MALFORMED_REQUEST);
            return;
        }
        final int destinationModule = buffer.getShort(
            event.bodyOffset() + SendMessageDecoder.destinationModuleEncodingOffset(), BYTE_ORDER) & 0xFFFF;
        for (int i = 0; i < count; i++)
        {
            final int destination = buffer.getInt((int)entriesOffset + i * entryLength, BYTE_ORDER);
            sendOne(destination, destinationModule, buffer, messageOffset, (int)messageLength, emitter);
        }
    }

    private void sendOne(
        final int destination,
        final int destinationModule,
        final DirectBuffer buffer,
        final int offset,
        final int length,
        final Emitter emitter)
    {
        if (destination < 0 || destination >= nodeCount)
        {
            counters.onDrop(DropReason.SEND_UNKNOWN_DESTINATION);
        }
        else if (length > maxMessageSize)
        {
            counters.onDrop(DropReason.SEND_TOO_LARGE);
            errorHandler.onError(new MessageTooLargeException(nodeId, destination, length, maxMessageSize));
        }
        else if (destination == nodeId)
        {
            counters.onSent(nodeId, 1, length);
            deliver(emitter, destinationModule, nodeId, buffer, offset, length, length);
        }
        else
        {
            sendToPeer(destination, destinationModule, buffer, offset, length);
        }
    }
}
