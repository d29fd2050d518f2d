package io.jmir.transport;

import io.jmir.engine.Emitter;
import org.agrona.DirectBuffer;
import org.agrona.ErrorHandler;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.AtomicBuffer;
import org.agrona.concurrent.ControlledMessageHandler;
import org.agrona.concurrent.ControlledMessageHandler.Action;
import org.agrona.concurrent.ringbuffer.ManyToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.RingBuffer;

import static io.jmir.transport.FrameCodec.BYTE_ORDER;

/**
 * The {@code net} module of one node of an {@link InJvmNetwork}: same events as {@link AeronNet}
 * ({@code SendMessage} in, {@code MessageReceived} out), messages carried through the receiver's in-memory inbox.
 * Sending never blocks: a full inbox or a node that is down drops and counts. Receiving reads at most the
 * fragment limit per duty cycle and stops (without consuming) while the emitter is back-pressured.
 * <p>
 * <b>Threading:</b> module methods run on the thread of this node's net stage; other nodes' threads write into
 * this node's inbox concurrently (many-to-one ring buffer).
 */
public final class InJvmNet extends AbstractNet implements AutoCloseable
{
    private static final int MESSAGE_TYPE_ID = 1;
    private static final int SENDER_OFFSET = 0;
    private static final int MODULE_OFFSET = 4;

    private final InJvmNetwork network;
    private final ManyToOneRingBuffer inbox;
    private final int fragmentLimit;
    private final ControlledMessageHandler handler = this::onMessage;
    private Emitter pollEmitter;
    private volatile boolean closed;

    InJvmNet(
        final InJvmNetwork network,
        final int nodeId,
        final int nodeCount,
        final int maxMessageSize,
        final int fragmentLimit,
        final ManyToOneRingBuffer inbox,
        final NetCounters counters,
        final ErrorHandler errorHandler)
    {
        super(nodeId, nodeCount, maxMessageSize, counters, errorHandler);
        this.network = network;
        this.inbox = inbox;
        this.fragmentLimit = fragmentLimit;
    }

    /**
     * Read this node's inbox: deliver up to the fragment limit of messages, nothing while back-pressured. A read
     * that only consumed the ring's wrap-around padding is followed by a second one.
     *
     * @param nowNs   current time (unused).
     * @param emitter to emit {@code MessageReceived} with.
     * @return messages read.
     */
    @Override
    public int doWork(final long nowNs, final Emitter emitter)
    {
        if (closed || emitter.isBackPressured())
        {
            return 0;
        }
        pollEmitter = emitter;
        try
        {
            final int read = inbox.controlledRead(handler, fragmentLimit);
            if (read == 0 && inbox.size() > 0 && !emitter.isBackPressured())
            {
                return inbox.controlledRead(handler, fragmentLimit);
            }
            return read;
        }
        finally
        {
            pollEmitter = null;
        }
    }

    /**
     * Takes the node down when it stops.
     */
    @Override
    public void onClose()
    {
        close();
    }

    /**
     * Take this node down: messages to it are dropped (not connected) until {@link InJvmNetwork#net(int)} brings
     * it up again. Idempotent.
     */
    @Override
    public void close()
    {
        if (!closed)
        {
            closed = true;
            network.onClosed(this);
        }
    }

    @Override
    protected void sendToPeer(
        final int peer, final int destinationModule, final DirectBuffer buffer, final int offset, final int length)
    {
        final ManyToOneRingBuffer peerInbox = network.inbox(peer);
        if (closed || peerInbox == null)
        {
            counters.onDrop(DropReason.SEND_NOT_CONNECTED);
            return;
        }
        final int frameLength = InJvmNetwork.FRAME_HEADER_LENGTH + length;
        final int index = peerInbox.tryClaim(MESSAGE_TYPE_ID, frameLength);
        if (index == RingBuffer.INSUFFICIENT_CAPACITY)
        {
            counters.onDrop(DropReason.SEND_BACK_PRESSURED);
            return;
        }
        final AtomicBuffer target = peerInbox.buffer();
        target.putInt(index + SENDER_OFFSET, nodeId, BYTE_ORDER);
        target.putInt(index + MODULE_OFFSET, destinationModule, BYTE_ORDER);
        target.putBytes(index + InJvmNetwork.FRAME_HEADER_LENGTH, buffer, offset, length);
        peerInbox.commit(index);
        counters.onSent(peer, 1, frameLength);
    }

    private Action onMessage(final int msgTypeId, final MutableDirectBuffer buffer, final int index, final int length)
    {
        final Emitter emitter = pollEmitter;
        if (emitter.isBackPressured())
        {
            return Action.ABORT;
        }
        final int messageLength = length - InJvmNetwork.FRAME_HEADER_LENGTH;
        if (msgTypeId != MESSAGE_TYPE_ID || messageLength < 0)
        {
            counters.onDrop(DropReason.RECV_MALFORMED);
        }
        else if (messageLength > maxMessageSize)
        {
            counters.onDrop(DropReason.RECV_TOO_LARGE);
        }
        else
        {
            deliver(emitter, buffer.getInt(index + MODULE_OFFSET, BYTE_ORDER), buffer.getInt(index + SENDER_OFFSET,
                BYTE_ORDER), buffer, index + InJvmNetwork.FRAME_HEADER_LENGTH, messageLength, length);
        }
        return Action.CONTINUE;
    }
}
