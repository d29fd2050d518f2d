package io.jmir.engine.pipeline;

import io.jmir.engine.EventBuilder;
import io.jmir.engine.Module;
import io.jmir.engine.internal.Dispatcher;
import io.jmir.engine.internal.ModuleHost;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * One module in the pipeline runtime: its {@link SlotRing} (a Disruptor-sequenced ring of pre-allocated slots),
 * the loop its thread drains it with, and the emitter it emits through. Internal API.
 * <p>
 * <b>Rings:</b> when the node runs several stage threads, the ring is multi-producer and also takes submissions
 * ({@link #inbox} is the ring itself). When the thread plan has a single stage thread, every internal emit comes
 * from that thread (or from the launching thread before it starts: Init and recovery), so the ring is
 * single-producer (no CAS per claim, no availability flags per slot) and submissions from other threads go
 * through a separate multi-producer inbox ring of half the size, drained by the same thread.
 * <p>
 * <b>Draining:</b> the stage reads the ring's cursor once per batch, then for each slot wraps one reusable
 * buffer ({@link #view}) over the slot's memory and dispatches; the consumer sequence is set once at the end of
 * the batch (as Disruptor's {@code EventPoller} does), which frees the batch's slots for producers.
 * <p>
 * <b>Threading:</b> producers on any thread claim/publish into the inbox; into {@link #ring} only the stage
 * threads (one thread, for a single-producer ring); everything else runs on the stage's owning
 * {@link StageThread}.
 */
final class Stage
{
    final int moduleId;
    final ModuleHost host;
    final SlotRing ring;
    final SlotRing inbox;
    final int ringSize;
    final int slotCapacity;
    final int submitHeadroom;
    private final int maxBatch;
    private final boolean active;
    private final UnsafeBuffer view = new UnsafeBuffer(0, 0);
    private final ExpandableArrayBuffer held = new ExpandableArrayBuffer(0);
    private final Dispatcher.FollowUpTarget holdTarget = this::hold;
    private int heldLength;
    private Dispatcher dispatcher;
    private StageEmitter emitter;
    private EventBuilder builder;
    private Dispatcher.FollowUpTarget followUpTarget;
    private StageThread owner;
    private long batchNowNs;

    Stage(
        final int moduleId,
        final ModuleHost host,
        final int ringSize,
        final int slotCapacity,
        final int maxBatch,
        final boolean singleProducer)
    {
        this.moduleId = moduleId;
        this.host = host;
        this.ringSize = ringSize;
        this.slotCapacity = slotCapacity;
        this.maxBatch = maxBatch;
        this.ring = new SlotRing(ringSize, slotCapacity, singleProducer, !singleProducer);
        if (singleProducer)
        {
            this.inbox = new SlotRing(Math.max(2, ringSize / 2), slotCapacity, false, true);
            this.submitHeadroom = 0;
        }
        else
        {
            this.inbox = ring;
            this.submitHeadroom = Math.max(1, ringSize / 4);
        }
        final Module module = host.module();
        this.active = module.nextDeadlineNs() != Long.MAX_VALUE || overridesDoWork(module);
    }

    void bind(final Dispatcher dispatcher, final StageEmitter emitter, final StageThread owner)
    {
        this.dispatcher = dispatcher;
        this.emitter = emitter;
        this.builder = emitter.builder();
        this.followUpTarget = host.holdsFollowUps() ? holdTarget : emitter;
        this.owner = owner;
        emitter.bind(owner, dispatcher.event());
    }

    StageEmitter emitter()
    {
        return emitter;
    }

    StageThread owner()
    {
        return owner;
    }

    long tryClaim()
    {
        return ring.tryClaim();
    }

    long tryClaimInbox()
    {
        return inbox.tryClaim();
    }

    void publishInbox(final long sequence)
    {
        inbox.publish(sequence);
        owner.signal();
    }

    boolean hasPending()
    {
        return ring.hasPending() || (inbox != ring && inbox.hasPending());
    }

    boolean isActive()
    {
        return active;
    }

    /**
     * One duty cycle for this stage: forward overflow, drain up to maxBatch events, end the batch, run doWork
     * (unless the node is still placing recovered events, see {@link PipelineRuntime#isRecovering()}).
     */
    int doWork(final long nowNs, final long epochNs, final boolean dutyAllowed)
    {
        int work = emitter.drainOverflow();
        batchNowNs = epochNs;
        int dispatched = drain(ring);
        if (inbox != ring)
        {
            // Submissions get their own budget, so internal traffic cannot starve the edge (nor the reverse).
            dispatched += drain(inbox);
        }
        if (dispatched > 0)
        {
            work += dispatched;
            if (dispatcher.endOfBatch(host, emitter, emitter.builder()))
            {
                releaseHeld();
            }
            else
            {
                heldLength = 0;
            }
        }
        if (dutyAllowed && active && !host.failed() && host.module().nextDeadlineNs() <= nowNs)
        {
            work += dispatcher.doWork(host, nowNs, emitter, emitter.builder());
        }
        return work;
    }

    /**
     * Dispatch up to maxBatch published events of one ring, in order.
     *
     * @return events taken (abandoned slots included).
     */
    private int drain(final SlotRing source)
    {
        final long current = source.consumed();
        final long cursor = source.cursor();
        if (cursor <= current)
        {
            return 0;
        }
        // Bound the scan to this batch first: a multi-producer ring checks one availability flag per sequence.
        final long end = source.highestPublished(current + 1, Math.min(cursor, current + maxBatch));
        emitter.dispatching(true);
        try
        {
            dispatcher.dispatchSlots(
                host, view, source, current + 1, end, emitter, builder, followUpTarget, batchNowNs);
        }
        finally
        {
            emitter.dispatching(false);
            source.consumed(Math.max(current, end));
        }
        return (int)(end - current);
    }

    long nextDeadlineNs()
    {
        return active && !host.failed() ? host.module().nextDeadlineNs() : Long.MAX_VALUE;
    }

    void close(final java.util.function.Consumer<Throwable> onError)
    {
        try
        {
            host.module().onClose();
        }
        catch (final Throwable ex)
        {
            onError.accept(ex);
        }
    }

    private void hold(final DirectBuffer buffer, final int offset, final int length)
    {
        held.putInt(heldLength, length);
        held.putBytes(heldLength + 4, buffer, offset, length);
        heldLength += 4 + length;
    }

    private void releaseHeld()
    {
        int cursor = 0;
        while (cursor < heldLength)
        {
            final int length = held.getInt(cursor);
            emitter.forward(held, cursor + 4, length);
            cursor += 4 + length;
        }
        heldLength = 0;
    }

    private static boolean overridesDoWork(final Module module)
    {
        try
        {
            return module.getClass().getMethod("doWork", long.class, io.jmir.engine.Emitter.class)
                .getDeclaringClass() != Module.class;
        }
        catch (final NoSuchMethodException ex)
        {
            return false;
        }
    }
}
