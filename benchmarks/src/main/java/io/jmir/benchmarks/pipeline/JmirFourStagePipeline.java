package io.jmir.benchmarks.pipeline;

import io.jmir.codecs.engine.MessageHeaderEncoder;
import io.jmir.codecs.engine.TickEncoder;
import io.jmir.engine.IdleMode;
import io.jmir.engine.Node;
import io.jmir.engine.NodeCounters;
import io.jmir.engine.NodeDefinition;
import io.jmir.engine.SubmitResult;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteBuffer;

/**
 * The jmir side of {@link FourStagePipelineThroughputBenchmark}: a node of four modules
 * hasher -> crypto -> protocol -> app, three {@link ForwardingModule}s and a {@link CountingModule}, on the
 * pipeline runtime. Events enter with {@link Node#submit}.
 * <p>
 * <b>Threading:</b> {@link #publishAndAwait} is called by one producer thread (the benchmark thread).
 */
public final class JmirFourStagePipeline implements AutoCloseable
{
    private final IdleMode idleMode;
    private final TailCounter tail = new TailCounter();
    private final Node node;
    private final int headId;
    private final UnsafeBuffer scratch = new UnsafeBuffer(ByteBuffer.allocateDirect(64));
    private final MessageHeaderEncoder header = new MessageHeaderEncoder();
    private final TickEncoder tick = new TickEncoder();
    private long published;

    /**
     * Build and start the node.
     *
     * @param threading    thread per stage or one shared thread.
     * @param idleMode     of the stage threads (YIELDING or BUSY_SPIN).
     * @param ringSize     slots per ring.
     * @param slotCapacity bytes per slot.
     * @param maxBatch     most events a stage takes per duty cycle.
     * @param stageWork    {@link StageWork} iterations per event and stage (0: trivial).
     */
    public JmirFourStagePipeline(
        final Threading threading, final IdleMode idleMode, final int ringSize, final int slotCapacity,
        final int maxBatch, final int stageWork)
    {
        this.idleMode = Pause.check(idleMode);
        final NodeDefinition definition = new NodeDefinition(0, 1)
            .module("hasher", new ForwardingModule("crypto", stageWork))
            .module("crypto", new ForwardingModule("protocol", stageWork))
            .module("protocol", new ForwardingModule("app", stageWork))
            .module("app", new CountingModule(tail, stageWork));
        final Node.Context context = new Node.Context().ringSize(ringSize).slotCapacity(slotCapacity)
            .maxBatch(maxBatch);
        if (threading == Threading.ONE_SHARED_THREAD)
        {
            context.sharedThread(idleMode);
        }
        else
        {
            context.defaultIdleMode(idleMode);
        }
        node = Node.launch(definition, context);
        headId = node.moduleId("hasher");
    }

    /**
     * Submit {@code count} Ticks (numbered in publication order) at the head, retrying while back-pressured,
     * then wait until the tail counted all of them.
     *
     * @param count events to publish.
     * @return events counted by the tail so far.
     */
    public long publishAndAwait(final int count)
    {
        final Node node = this.node;
        final int length = MessageHeaderEncoder.ENCODED_LENGTH + TickEncoder.BLOCK_LENGTH;
        for (int i = 0; i < count; i++)
        {
            tick.wrapAndApplyHeader(scratch, 0, header).nowNs(published).tickCount(0);
            SubmitResult result;
            while ((result = node.submit(headId, scratch, 0, length)) != SubmitResult.ACCEPTED)
            {
                if (result == SubmitResult.REJECTED)
                {
                    throw new IllegalStateException("submit rejected: " + node.failure());
                }
                Pause.pause(idleMode);
            }
            published++;
        }
        final long target = published;
        long processed;
        while ((processed = tail.processed()) < target)
        {
            if (!node.isRunning())
            {
                throw new IllegalStateException("node stopped: " + node.failure());
            }
            Pause.pause(idleMode);
        }
        return processed;
    }

    /**
     * @return the node's counters (overflowed events, back-pressured submissions).
     */
    public NodeCounters counters()
    {
        return node.counters();
    }

    /**
     * @return the tail's counter (for the sanity check at tear-down).
     */
    public TailCounter tail()
    {
        return tail;
    }

    /**
     * Stop the node and check that nothing went wrong.
     *
     * @throws IllegalStateException when a module failed or the tail saw events out of order.
     */
    @Override
    public void close()
    {
        node.close();
        if (node.failure() != null)
        {
            throw new IllegalStateException("module failure during the benchmark: " + node.failure());
        }
        if (tail.outOfOrder() != 0)
        {
            throw new IllegalStateException(tail.outOfOrder() + " events reached the tail out of order");
        }
    }
}
