package io.jmir.benchmarks.pipeline;

import com.lmax.disruptor.InsufficientCapacityException;
import com.lmax.disruptor.RingBuffer;
import io.jmir.codecs.engine.MessageHeaderEncoder;
import io.jmir.codecs.engine.TickEncoder;
import io.jmir.engine.IdleMode;
import org.agrona.concurrent.BusySpinIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.YieldingIdleStrategy;

import java.nio.ByteBuffer;

/**
 * The raw LMAX Disruptor side of {@link FourStagePipelineThroughputBenchmark}: four single-producer rings
 * hasher -> crypto -> protocol -> app, each drained by a poller; every forwarding stage copies the event bytes
 * into the next ring, the tail decodes and counts. Stage threads idle with the Agrona strategy jmir uses for the
 * same {@link IdleMode}, and take at most the same batch per duty cycle.
 * <p>
 * <b>Threading:</b> {@link #publishAndAwait} is called by one producer thread (the benchmark thread).
 */
public final class RawFourStagePipeline implements AutoCloseable
{
    private final IdleMode idleMode;
    private final TailCounter tail = new TailCounter();
    private final RawStage head;
    private final RawStageThread[] threads;
    private final UnsafeBuffer scratch = new UnsafeBuffer(ByteBuffer.allocateDirect(64));
    private final MessageHeaderEncoder header = new MessageHeaderEncoder();
    private final TickEncoder tick = new TickEncoder();
    private long published;

    /**
     * Build the rings and start the stage threads.
     *
     * @param threading    thread per stage or one shared thread.
     * @param idleMode     of the stage threads (YIELDING or BUSY_SPIN).
     * @param ringSize     slots per ring.
     * @param slotCapacity bytes per slot.
     * @param maxBatch     most events a stage takes per duty cycle.
     * @param stageWork    {@link StageWork} iterations per event and stage (0: trivial).
     */
    public RawFourStagePipeline(
        final Threading threading, final IdleMode idleMode, final int ringSize, final int slotCapacity,
        final int maxBatch, final int stageWork)
    {
        this.idleMode = Pause.check(idleMode);
        final RawStage app = new RawStage(ringSize, slotCapacity, maxBatch, stageWork, null, tail);
        final RawStage protocol = new RawStage(ringSize, slotCapacity, maxBatch, stageWork, app, null);
        final RawStage crypto = new RawStage(ringSize, slotCapacity, maxBatch, stageWork, protocol, null);
        head = new RawStage(ringSize, slotCapacity, maxBatch, stageWork, crypto, null);
        if (threading == Threading.ONE_SHARED_THREAD)
        {
            threads = new RawStageThread[] {
                new RawStageThread("raw-shared", idleStrategy(idleMode), head, crypto, protocol, app)};
        }
        else
        {
            threads = new RawStageThread[] {
                new RawStageThread("raw-hasher", idleStrategy(idleMode), head),
                new RawStageThread("raw-crypto", idleStrategy(idleMode), crypto),
                new RawStageThread("raw-protocol", idleStrategy(idleMode), protocol),
                new RawStageThread("raw-app", idleStrategy(idleMode), app)};
        }
        for (final RawStageThread thread : threads)
        {
            thread.start();
        }
    }

    /**
     * Publish {@code count} Ticks (numbered in publication order) into the head ring — encode into a scratch
     * buffer, claim, copy, publish, as {@code Node.submit} does — retrying while the ring is full, then wait until
     * the tail counted all of them.
     *
     * @param count events to publish.
     * @return events counted by the tail so far.
     */
    public long publishAndAwait(final int count)
    {
        final RingBuffer<RawSlot> ring = head.ring;
        final int length = MessageHeaderEncoder.ENCODED_LENGTH + TickEncoder.BLOCK_LENGTH;
        for (int i = 0; i < count; i++)
        {
            tick.wrapAndApplyHeader(scratch, 0, header).nowNs(published).tickCount(0);
            final long sequence = claim(ring);
            final RawSlot slot = ring.get(sequence);
            slot.buffer.putBytes(0, scratch, 0, length);
            slot.length = length;
            ring.publish(sequence);
            published++;
        }
        final long target = published;
        long processed;
        while ((processed = tail.processed()) < target)
        {
            checkRunning();
            Pause.pause(idleMode);
        }
        return processed;
    }

    /**
     * @return the tail's counter (for the sanity check at tear-down).
     */
    public TailCounter tail()
    {
        return tail;
    }

    /**
     * Stop the threads and check that nothing went wrong.
     *
     * @throws IllegalStateException when a stage thread failed or the tail saw events out of order.
     */
    @Override
    public void close()
    {
        for (final RawStageThread thread : threads)
        {
            thread.close();
        }
        for (final RawStageThread thread : threads)
        {
            if (thread.failure() != null)
            {
                throw new IllegalStateException("raw stage thread failed", thread.failure());
            }
        }
        if (tail.outOfOrder() != 0)
        {
            throw new IllegalStateException(tail.outOfOrder() + " events reached the tail out of order");
        }
    }

    private long claim(final RingBuffer<RawSlot> ring)
    {
        while (true)
        {
            try
            {
                return ring.tryNext();
            }
            catch (final InsufficientCapacityException ex)
            {
                checkRunning();
                Pause.pause(idleMode);
            }
        }
    }

    private void checkRunning()
    {
        for (final RawStageThread thread : threads)
        {
            if (!thread.isRunning())
            {
                throw new IllegalStateException("raw stage thread stopped", thread.failure());
            }
        }
    }

    private static IdleStrategy idleStrategy(final IdleMode idleMode)
    {
        return idleMode == IdleMode.BUSY_SPIN ? new BusySpinIdleStrategy() : new YieldingIdleStrategy();
    }
}
