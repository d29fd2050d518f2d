package io.jmir.benchmarks.pipeline;

import com.lmax.disruptor.BusySpinWaitStrategy;
import com.lmax.disruptor.EventPoller;
import com.lmax.disruptor.RingBuffer;
import io.jmir.codecs.engine.MessageHeaderDecoder;
import io.jmir.codecs.engine.TickDecoder;
import org.agrona.BufferUtil;

import java.nio.ByteBuffer;

import static org.agrona.BitUtil.CACHE_LINE_LENGTH;

/**
 * One stage of the raw Disruptor baseline: a single-producer ring of pre-allocated slots and its poller (the
 * ring's wait strategy is never waited on — the thread polls and idles itself — so it is one whose publish
 * signals nothing, as in the pipeline runtime). A forwarding stage runs the configured {@link StageWork} and
 * copies each event's bytes into the next stage's ring (claim, copy, publish — what a jmir module does with
 * {@code emit}); the tail stage decodes the Tick, runs the same work and counts it.
 * <p>
 * A poll never takes more events than the next ring has free slots, so a claim never waits — a thread that
 * drains several stages in turn therefore never blocks on a ring only it can drain.
 * <p>
 * <b>Threading:</b> {@link #poll()} runs on the stage's thread only; the ring's producer publishes from its own.
 */
final class RawStage implements EventPoller.Handler<RawSlot>
{
    final RingBuffer<RawSlot> ring;
    private final EventPoller<RawSlot> poller;
    private final int maxBatch;
    private final RawStage next;
    private final TailCounter tail;
    private final int work;
    private long workResult;
    private final MessageHeaderDecoder header = new MessageHeaderDecoder();
    private final TickDecoder tick = new TickDecoder();
    private int budget;
    private int batchCount;

    RawStage(final int ringSize, final int slotCapacity, final int maxBatch, final int work, final RawStage next,
        final TailCounter tail)
    {
        this.work = work;
        // Cache-line aligned, as the pipeline runtime's rings.
        final ByteBuffer memory = BufferUtil.allocateDirectAligned(ringSize * slotCapacity, CACHE_LINE_LENGTH);
        final int[] offset = {0};
        this.ring = RingBuffer.createSingleProducer(
            () ->
            {
                final RawSlot slot = new RawSlot(memory, offset[0], slotCapacity);
                offset[0] += slotCapacity;
                return slot;
            },
            ringSize,
            new BusySpinWaitStrategy());
        this.poller = ring.newPoller();
        ring.addGatingSequences(poller.getSequence());
        this.maxBatch = maxBatch;
        this.next = next;
        this.tail = tail;
    }

    /**
     * Drain up to a batch of events (bounded by the next ring's free space).
     *
     * @return events processed.
     */
    int poll()
    {
        budget = next == null ? maxBatch : (int)Math.min(maxBatch, next.ring.remainingCapacity());
        if (budget == 0)
        {
            return 0;
        }
        batchCount = 0;
        try
        {
            poller.poll(this);
        }
        catch (final Exception ex)
        {
            throw new IllegalStateException("raw stage poll failed", ex);
        }
        return batchCount;
    }

    @Override
    public boolean onEvent(final RawSlot slot, final long sequence, final boolean endOfBatch)
    {
        if (next != null)
        {
            workResult += StageWork.burn(slot.buffer.getLong(MessageHeaderDecoder.ENCODED_LENGTH), work);
            final RingBuffer<RawSlot> nextRing = next.ring;
            final long nextSequence = nextRing.next();
            final RawSlot out = nextRing.get(nextSequence);
            out.buffer.putBytes(0, slot.buffer, 0, slot.length);
            out.length = slot.length;
            nextRing.publish(nextSequence);
        }
        else
        {
            header.wrap(slot.buffer, 0);
            tick.wrap(slot.buffer, MessageHeaderDecoder.ENCODED_LENGTH, header.blockLength(), header.version());
            final long value = tick.nowNs();
            tail.onEvent(value, StageWork.burn(value, work));
        }
        return ++batchCount < budget;
    }
}
