package io.jmir.engine.pipeline;

import com.lmax.disruptor.BusySpinWaitStrategy;
import com.lmax.disruptor.EventFactory;
import com.lmax.disruptor.EventPoller;
import com.lmax.disruptor.InsufficientCapacityException;
import com.lmax.disruptor.RingBuffer;
import io.jmir.engine.EventBuilder;
import io.jmir.engine.Module;
import io.jmir.engine.internal.Dispatcher;
import io.jmir.engine.internal.ModuleHost;
import org.agrona.BufferUtil;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;

import java.nio.ByteBuffer;

import static org.agrona.BitUtil.CACHE_LINE_LENGTH;

/**
 * One module in the pipeline runtime: its Disruptor ring of pre-allocated slots, the poller its thread drains,
 * and the emitter it emits through. Internal API.
 * <p>
 * <b>Rings:</b> when the node runs several stage threads, the ring is multi-producer and also takes submissions
 * ({@link #inbox} is the ring itself). When the thread plan has a single stage thread, every internal emit comes
 * from that thread (or from the launching thread before it starts: Init and recovery), so the ring is
 * single-producer (no CAS per claim, no availability flags per slot) and submissions from other threads go
 * through a separate multi-producer inbox ring of half the size, drained by the same thread.
 * <p>
 * <b>Threading:</b> producers on any thread claim/publish into the inbox; into {@link #ring} only the stage
 * threads (one thread, for a single-producer ring); everything else runs on the stage's owning
 * {@link StageThread}.
 */
final class Stage implements EventPoller.Handler<Slot>
{
    final int moduleId;
    final ModuleHost host;
    final RingBuffer<Slot> ring;
    final RingBuffer<Slot> inbox;
    final int ringSize;
    final int slotCapacity;
    final int submitHeadroom;
    private final EventPoller<Slot> poller;
    private final EventPoller<Slot> inboxPoller;
    private final int maxBatch;
    private final boolean active;
    private final ExpandableArrayBuffer held = new ExpandableArrayBuffer(0);
    private final Dispatcher.FollowUpTarget holdTarget = this::hold;
    private int heldLength;
    private Dispatcher dispatcher;
    private StageEmitter emitter;
    private EventBuilder builder;
    private Dispatcher.FollowUpTarget followUpTarget;
    private StageThread owner;
    private int batchCount;
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
        this.ring = newRing(ringSize, slotCapacity, singleProducer);
        this.poller = ring.newPoller();
        ring.addGatingSequences(poller.getSequence());
        if (singleProducer)
        {
            this.inbox = newRing(Math.max(2, ringSize / 2), slotCapacity, false);
            this.inboxPoller = inbox.newPoller();
            inbox.addGatingSequences(inboxPoller.getSequence());
            this.submitHeadroom = 0;
        }
        else
        {
            this.inbox = ring;
            this.inboxPoller = null;
            this.submitHeadroom = Math.max(1, ringSize / 4);
        }
        final Module module = host.module();
        this.active = module.nextDeadlineNs() != Long.MAX_VALUE || overridesDoWork(module);
    }

    private static RingBuffer<Slot> newRing(final int size, final int slotCapacity, final boolean singleProducer)
    {
        // Cache-line aligned, so that an envelope at the start of a slot shares as few lines as possible.
        final ByteBuffer memory = BufferUtil.allocateDirectAligned(size * slotCapacity, CACHE_LINE_LENGTH);
        final int[] next = {0};
        final EventFactory<Slot> factory = () ->
        {
            final Slot slot = new Slot(memory, next[0], slotCapacity);
            next[0] += slotCapacity;
            return slot;
        };
        // Never waited on (the stage thread polls and parks itself, StageThread.signal() wakes it), so take a
        // strategy whose signalAllWhenBlocking() is a no-op: the default BlockingWaitStrategy locks a monitor
        // and calls notifyAll() on every publish.
        return singleProducer ?
            RingBuffer.createSingleProducer(factory, size, new BusySpinWaitStrategy()) :
            RingBuffer.createMultiProducer(factory, size, new BusySpinWaitStrategy());
    }

    void bind(final Dispatcher dispatcher, final StageEmitter emitter, final StageThread owner)
    {
        this.dispatcher = dispatcher;
        this.emitter = emitter;
        this.builder = emitter.builder();
        this.followUpTarget = host.holdsFollowUps() ? holdTarget : emitter;
        this.owner = owner;
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
        try
        {
            return ring.tryNext();
        }
        catch (final InsufficientCapacityException ex)
        {
            return -1;
        }
    }

    void publish(final long sequence)
    {
        ring.publish(sequence);
        owner.signal();
    }

    long tryClaimInbox()
    {
        try
        {
            return inbox.tryNext();
        }
        catch (final InsufficientCapacityException ex)
        {
            return -1;
        }
    }

    void publishInbox(final long sequence)
    {
        inbox.publish(sequence);
        owner.signal();
    }

    boolean hasPending()
    {
        return ring.getCursor() > poller.getSequence().get() ||
            (inboxPoller != null && inbox.getCursor() > inboxPoller.getSequence().get());
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
        batchCount = 0;
        batchNowNs = epochNs;
        int dispatched = 0;
        try
        {
            poller.poll(this);
            if (inboxPoller != null)
            {
                // Submissions get their own budget, so internal traffic cannot starve the edge (nor the reverse).
                dispatched = batchCount;
                batchCount = 0;
                inboxPoller.poll(this);
            }
        }
        catch (final Exception ex)
        {
            throw new IllegalStateException("stage '" + host.name() + "' poll failed", ex);
        }
        dispatched += batchCount;
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

    @Override
    public boolean onEvent(final Slot slot, final long sequence, final boolean endOfBatch)
    {
        final int length = slot.length;
        if (length > 0)
        {
            dispatcher.dispatch(host, slot.buffer, 0, length, emitter, builder, followUpTarget, batchNowNs);
        }
        return ++batchCount < maxBatch;
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
