package io.jmir.engine.sim;

import io.jmir.codecs.EngineEvents;
import io.jmir.codecs.EnvelopeLayout;
import io.jmir.codecs.engine.SendMessageDecoder;
import io.jmir.engine.Emitter;
import io.jmir.engine.Event;
import io.jmir.engine.Module;
import io.jmir.engine.ModuleContext;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import static io.jmir.codecs.EnvelopeLayout.BYTE_ORDER;

/**
 * The net module of a simulated node: takes {@code SendMessage} events and hands the message to the
 * {@link SimNetwork} once per destination node. Other events (Init first of all) are ignored. A SendMessage
 * whose body does not decode within its bounds is counted ({@link SimNetwork.DropReason#MALFORMED}) and
 * dropped, never thrown. One instance per start of a node; closed when the node crashes.
 * <p>
 * <b>Threading:</b> the simulation thread.
 */
final class SimNetModule implements Module
{
    private static final int NODE_ID_LENGTH = 4;
    private static final int GROUP_HEADER_LENGTH = 4;
    private static final int VAR_LENGTH_PREFIX = 4;

    private final SimNetwork network;
    private final int nodeId;
    private final UnsafeBuffer message = new UnsafeBuffer(new byte[0]);
    private boolean closed;

    SimNetModule(final SimNetwork network, final int nodeId)
    {
        this.network = network;
        this.nodeId = nodeId;
    }

    @Override
    public void onAttach(final ModuleContext context)
    {
        if (context.nodeId() != nodeId)
        {
            throw new IllegalStateException("the net module of node " + nodeId + " was registered in node " +
                context.nodeId());
        }
    }

    @Override
    public void onEvent(final Event event, final Emitter emitter)
    {
        if (closed || event.schemaId() != EnvelopeLayout.ENGINE_SCHEMA_ID ||
            event.templateId() != EngineEvents.SEND_MESSAGE)
        {
            return;
        }
        final DirectBuffer buffer = event.buffer();
        final int end = event.payloadOffset() + event.payloadLength();
        final int body = event.bodyOffset();
        final int blockLength = event.blockLength();
        final int groupOffset = body + blockLength;
        if (blockLength < SendMessageDecoder.BLOCK_LENGTH || groupOffset + GROUP_HEADER_LENGTH > end)
        {
            network.dropMalformed();
            return;
        }
        final int destinationModule =
            buffer.getShort(body + SendMessageDecoder.destinationModuleEncodingOffset(), BYTE_ORDER) & 0xFFFF;
        final int entryLength = buffer.getShort(groupOffset, BYTE_ORDER) & 0xFFFF;
        final int count = buffer.getShort(groupOffset + 2, BYTE_ORDER) & 0xFFFF;
        final int entries = groupOffset + GROUP_HEADER_LENGTH;
        final long varOffset = entries + (long)count * entryLength;
        if (entryLength < NODE_ID_LENGTH || varOffset + VAR_LENGTH_PREFIX > end)
        {
            network.dropMalformed();
            return;
        }
        final int length = buffer.getInt((int)varOffset, BYTE_ORDER);
        final long dataOffset = varOffset + VAR_LENGTH_PREFIX;
        if (length < 0 || dataOffset + length > end)
        {
            network.dropMalformed();
            return;
        }
        message.wrap(buffer, (int)dataOffset, length);
        for (int i = 0; i < count; i++)
        {
            final int toNode = buffer.getInt(entries + i * entryLength, BYTE_ORDER);
            network.send(nodeId, toNode, destinationModule, message, 0, length);
        }
    }

    @Override
    public void onClose()
    {
        closed = true;
    }
}
