package io.jmir.engine.pipeline;

import io.jmir.codecs.EnvelopeLayout;
import io.jmir.codecs.EnvelopeValidator;
import io.jmir.codecs.SchemaRegistry;
import io.jmir.engine.Emitter;
import io.jmir.engine.Event;
import io.jmir.engine.EventBuilder;
import io.jmir.engine.NodeCounters;
import io.jmir.engine.internal.Dispatcher;
import io.jmir.engine.internal.EventSink;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The emitter of one stage: claims a slot in the destination ring ({@code tryNext}), lets the module encode
 * straight into it, publishes. When the destination ring is full — or already has events of this stage
 * waiting — the event is encoded into this stage's overflow queue for that destination instead and forwarded in
 * order by {@link #drainOverflow()} at the start of every duty cycle. Emitting therefore never blocks, so
 * cycles of stages cannot deadlock; the node's edges refuse input while overflow exceeds its limit.
 * <p>
 * <b>Validation at emission:</b> every event is validated here, when it is committed (an unknown schema or
 * template, a payload header that disagrees with its length, a bad follow-up list): a malformed one is counted
 * ({@link NodeCounters#malformed}) and dropped, never published, and the emitting module keeps running. The
 * receiving stage's dispatcher therefore does not validate again: everything in a ring was validated where it
 * entered (here, or at {@link PipelineRuntime#submit}). The one event not checked again is the payload of the
 * event being dispatched forwarded as is with {@link #emit} (same buffer, offset and length): it was validated
 * where it entered this stage's ring. Internal API.
 * <p>
 * <b>Fast path:</b> {@link #emit} checks the source range once, before claiming (a claimed slot is always
 * published), then writes the envelope into the slot by address ({@link SlotAccess}).
 * <p>
 * <b>Threading:</b> used only by the owning stage thread (and by the launching thread before it starts).
 */
final class StageEmitter implements Emitter, EventSink, Dispatcher.FollowUpTarget
{
    private final Stage[] stages;
    private final OverflowQueue[] overflow;
    private final int source;
    private final EventBuilder builder = new EventBuilder();
    private final NodeCounters counters;
    private final AtomicLong nodeOverflowBytes;
    private final EnvelopeValidator validator;
    private final UnsafeBuffer slot = new UnsafeBuffer(0, 0);
    private int pendingQueues;
    private Stage claimStage;
    private long claimSequence = -1;
    private OverflowQueue claimQueue;
    private StageThread thread;
    private Event input;
    private boolean dispatching;

    StageEmitter(
        final Stage[] stages,
        final int source,
        final NodeCounters counters,
        final AtomicLong nodeOverflowBytes,
        final SchemaRegistry schemas)
    {
        this.validator = new EnvelopeValidator(schemas);
        this.stages = stages;
        this.overflow = new OverflowQueue[stages.length];
        this.source = source;
        this.counters = counters;
        this.nodeOverflowBytes = nodeOverflowBytes;
    }

    EventBuilder builder()
    {
        return builder;
    }

    @Override
    public EventBuilder event(final int destination)
    {
        return begin(destination, source);
    }

    /**
     * Fast path of {@link Emitter#emit}: when the destination ring has a free slot and nothing of this stage
     * waits in overflow for it, write the envelope around the copied payload straight into the slot (no builder
     * state machine). Otherwise, and for payloads too large for a slot, the builder path gives the same result
     * (overflow, or the usual too-large failure).
     */
    @Override
    public void emit(final int destination, final DirectBuffer buffer, final int offset, final int length)
    {
        if (destination >= 0 && destination < stages.length && !builder.isOpen())
        {
            final Stage stage = stages[destination];
            final OverflowQueue queue = overflow[destination];
            if (length >= EnvelopeLayout.HEADER_LENGTH && length + EnvelopeLayout.OVERHEAD <= stage.slotCapacity &&
                (queue == null || queue.isEmpty()))
            {
                // The whole source range is checked once, before a slot is claimed (a claimed slot must be
                // published); after that the payload is read and the envelope written without further checks.
                buffer.boundsCheck(offset, length);
                final byte[] array = buffer.byteArray();
                final long address = buffer.addressOffset() + offset;
                final long header;
                final Event input = this.input;
                if (dispatching && buffer == input.buffer() && offset == input.payloadOffset() &&
                    length == input.payloadLength())
                {
                    // The payload of the event being dispatched, forwarded as is: it was validated where it
                    // entered this stage's ring, and its type is already decoded (the payload's header equals the
                    // envelope's ids, checked then).
                    header = ((long)input.templateId() << 16) | ((long)input.schemaId() << 32);
                }
                else
                {
                    header = SlotAccess.getLong(array, address);
                    final EnvelopeValidator.Result result = validator.validatePayloadHeader(header, length);
                    if (result != EnvelopeValidator.Result.OK)
                    {
                        counters.malformed(result);
                        return;
                    }
                }
                final SlotRing ring = stage.ring;
                final long sequence = ring.tryClaim();
                if (sequence >= 0)
                {
                    ring.length(sequence, SlotAccess.writeEnvelope(
                        ring.address(sequence), destination, source, header, array, address, length));
                    publish(stage, sequence);
                    return;
                }
            }
        }
        Emitter.super.emit(destination, buffer, offset, length);
    }

    EventBuilder begin(final int destination, final int sourceId)
    {
        if (builder.isOpen())
        {
            throw new IllegalStateException("an event is already open: commit or abort it before emitting another");
        }
        if (destination < 0 || destination >= stages.length)
        {
            throw new IllegalArgumentException("unknown destination module id " + destination + " (node has " +
                stages.length + " modules)");
        }
        final Stage stage = stages[destination];
        final OverflowQueue queue = overflow[destination];
        claimStage = stage;
        if (queue == null || queue.isEmpty())
        {
            final long sequence = stage.tryClaim();
            if (sequence >= 0)
            {
                claimSequence = sequence;
                claimQueue = null;
                slot.wrap(stage.ring.address(sequence), stage.slotCapacity);
                return builder.begin(this, slot, 0, stage.slotCapacity, destination, sourceId);
            }
        }
        final OverflowQueue target = queue(destination);
        claimQueue = target;
        claimSequence = -1;
        return builder.begin(this, target.claim(stage.slotCapacity), 0, stage.slotCapacity, destination, sourceId);
    }

    @Override
    public void commit(final int offset, final int length)
    {
        final Stage stage = claimStage;
        if (claimQueue == null)
        {
            final EnvelopeValidator.Result result = validator.validateBuilt(slot, offset, length, stages.length);
            if (result != EnvelopeValidator.Result.OK)
            {
                counters.malformed(result);
                abort();
                return;
            }
            if (offset != 0)
            {
                slot.putBytes(0, slot, offset, length);
            }
            stage.ring.length(claimSequence, length);
            publish(stage, claimSequence);
        }
        else
        {
            final EnvelopeValidator.Result result =
                validator.validateBuilt(claimQueue.claimed(), offset, length, stages.length);
            if (result != EnvelopeValidator.Result.OK)
            {
                counters.malformed(result);
                abort();
                return;
            }
            enqueue(claimQueue);
            claimQueue.commit(offset, length);
            nodeOverflowBytes.addAndGet(length + 4);
        }
        claimStage = null;
        claimQueue = null;
        claimSequence = -1;
    }

    @Override
    public void abort()
    {
        if (claimQueue == null && claimStage != null)
        {
            claimStage.ring.length(claimSequence, 0);
            publish(claimStage, claimSequence);
        }
        claimStage = null;
        claimQueue = null;
        claimSequence = -1;
    }

    @Override
    public int capacity(final int destination)
    {
        return destination >= 0 && destination < stages.length ? stages[destination].slotCapacity : 0;
    }

    /**
     * Forward a complete envelope (a released follow-up) to its destination, in order with this stage's other
     * events for it.
     */
    @Override
    public void forward(final DirectBuffer buffer, final int offset, final int length)
    {
        final int destination = EnvelopeLayout.destination(buffer, offset);
        final Stage stage = stages[destination];
        if (length > stage.slotCapacity)
        {
            counters.increment(NodeCounters.Counter.MALFORMED_FOLLOW_UPS);
            return;
        }
        final OverflowQueue queue = overflow[destination];
        if (queue == null || queue.isEmpty())
        {
            final long sequence = stage.tryClaim();
            if (sequence >= 0)
            {
                slot.wrap(stage.ring.address(sequence), stage.slotCapacity);
                slot.putBytes(0, buffer, offset, length);
                stage.ring.length(sequence, length);
                publish(stage, sequence);
                return;
            }
        }
        final OverflowQueue target = queue(destination);
        enqueue(target);
        target.append(buffer, offset, length);
        nodeOverflowBytes.addAndGet(length + 4);
    }

    /**
     * Forward waiting overflow, in order, as far as destination rings have space.
     *
     * @return number of events forwarded.
     */
    int drainOverflow()
    {
        if (pendingQueues == 0)
        {
            return 0;
        }
        int forwarded = 0;
        for (int destination = 0; destination < overflow.length; destination++)
        {
            final OverflowQueue queue = overflow[destination];
            if (queue == null || queue.isEmpty())
            {
                continue;
            }
            final Stage stage = stages[destination];
            long bytes = 0;
            while (!queue.isEmpty())
            {
                final long sequence = stage.tryClaim();
                if (sequence < 0)
                {
                    break;
                }
                final int length = queue.headLength();
                slot.wrap(stage.ring.address(sequence), stage.slotCapacity);
                slot.putBytes(0, queue.buffer(), queue.headOffset(), length);
                stage.ring.length(sequence, length);
                publish(stage, sequence);
                bytes += length + 4;
                queue.pop();
                forwarded++;
            }
            nodeOverflowBytes.addAndGet(-bytes);
            if (queue.isEmpty())
            {
                pendingQueues--;
            }
        }
        return forwarded;
    }

    @Override
    public boolean isBackPressured()
    {
        return pendingQueues > 0;
    }

    void bind(final StageThread thread, final Event input)
    {
        this.thread = thread;
        this.input = input;
    }

    /**
     * @param dispatching true while the stage delivers a batch: module code then runs only inside
     *                    {@code onEvent}, where the dispatcher's event is the one being delivered.
     */
    void dispatching(final boolean dispatching)
    {
        this.dispatching = dispatching;
    }

    /**
     * Publish a slot of a destination stage; wake its thread unless that is the emitting thread itself (which is
     * awake, and checks its rings before it parks).
     */
    private void publish(final Stage stage, final long sequence)
    {
        stage.ring.publish(sequence);
        final StageThread owner = stage.owner();
        if (owner != thread)
        {
            owner.signal();
        }
    }

    private void enqueue(final OverflowQueue queue)
    {
        if (queue.isEmpty())
        {
            pendingQueues++;
        }
        counters.increment(NodeCounters.Counter.OVERFLOWED_EVENTS);
    }

    private OverflowQueue queue(final int destination)
    {
        OverflowQueue queue = overflow[destination];
        if (queue == null)
        {
            queue = new OverflowQueue();
            overflow[destination] = queue;
        }
        return queue;
    }
}
