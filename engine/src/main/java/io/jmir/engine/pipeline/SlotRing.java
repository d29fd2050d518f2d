package io.jmir.engine.pipeline;

import com.lmax.disruptor.BusySpinWaitStrategy;
import com.lmax.disruptor.InsufficientCapacityException;
import com.lmax.disruptor.MultiProducerSequencer;
import com.lmax.disruptor.Sequence;
import com.lmax.disruptor.SingleProducerSequencer;
import io.jmir.engine.internal.Dispatcher;
import org.agrona.BufferUtil;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteBuffer;

import static org.agrona.BitUtil.CACHE_LINE_LENGTH;

/**
 * A Disruptor-sequenced ring of fixed-capacity slots: a Disruptor sequencer (single- or multi-producer)
 * hands out sequences, the slots are one block of cache-line aligned off-heap memory indexed by sequence, and the
 * length of the envelope in each slot sits in a dense {@code int} array beside it (0 marks a claimed slot that
 * was abandoned). One consumer (the stage's thread) follows with its own {@link Sequence}, which gates the
 * producers. Internal API.
 * <p>
 * There is no object per slot: writers and the reader wrap a buffer of their own over a slot's memory
 * ({@link #address(long)}), so the hot path touches the slot's bytes and its length but no per-slot heap objects.
 * Writers on foreign threads ({@link PipelineRuntime#submit}) use the pre-built per-slot buffers of
 * {@link #slotBuffer(long)}, which exist only for rings that take submissions.
 * <p>
 * <b>Threading:</b> producers claim, write the slot and its length, then publish (the publication orders the
 * writes before the consumer's reads); only the consumer thread moves {@link #consumed(long)}.
 */
final class SlotRing implements Dispatcher.SlotSource
{
    final int size;
    final int mask;
    final int slotCapacity;
    final long address;
    final int[] lengths;
    private final ByteBuffer memory;
    private final boolean singleProducer;
    private final SingleProducerSequencer single;
    private final MultiProducerSequencer multi;
    private final Sequence consumed = new Sequence();
    private final UnsafeBuffer[] slotBuffers;

    SlotRing(final int size, final int slotCapacity, final boolean singleProducer, final boolean foreignWriters)
    {
        this.size = size;
        this.mask = size - 1;
        this.slotCapacity = slotCapacity;
        // Cache-line aligned, so that an envelope at the start of a slot shares as few lines as possible.
        this.memory = BufferUtil.allocateDirectAligned(size * slotCapacity, CACHE_LINE_LENGTH);
        this.address = BufferUtil.address(memory);
        this.lengths = new int[size];
        // Never waited on (the stage thread polls and parks itself, StageThread.signal() wakes it), so take a
        // strategy whose signalAllWhenBlocking() is a no-op: BlockingWaitStrategy locks a monitor on every publish.
        // Both kinds are kept statically typed (one is null), so that no call site sees both classes: the rings
        // of one node mix them (single-producer stage rings, multi-producer inboxes).
        this.singleProducer = singleProducer;
        if (singleProducer)
        {
            single = new SingleProducerSequencer(size, new BusySpinWaitStrategy());
            single.addGatingSequences(consumed);
            multi = null;
        }
        else
        {
            multi = new MultiProducerSequencer(size, new BusySpinWaitStrategy());
            multi.addGatingSequences(consumed);
            single = null;
        }
        if (foreignWriters)
        {
            slotBuffers = new UnsafeBuffer[size];
            for (int i = 0; i < size; i++)
            {
                slotBuffers[i] = new UnsafeBuffer(memory, i * slotCapacity, slotCapacity);
            }
        }
        else
        {
            slotBuffers = null;
        }
    }

    @Override
    public int[] lengths()
    {
        return lengths;
    }

    @Override
    public long address()
    {
        return address;
    }

    @Override
    public int mask()
    {
        return mask;
    }

    @Override
    public int slotCapacity()
    {
        return slotCapacity;
    }

    /**
     * @return a claimed sequence, or -1 when the ring is full.
     */
    long tryClaim()
    {
        try
        {
            return singleProducer ? single.tryNext() : multi.tryNext();
        }
        catch (final InsufficientCapacityException ex)
        {
            return -1;
        }
    }

    void publish(final long sequence)
    {
        if (singleProducer)
        {
            single.publish(sequence);
        }
        else
        {
            multi.publish(sequence);
        }
    }

    /**
     * @param sequence a claimed or published sequence.
     * @return address of its slot's first byte.
     */
    long address(final long sequence)
    {
        return address + (long)((int)sequence & mask) * slotCapacity;
    }

    /**
     * @param sequence a claimed sequence.
     * @param length   of the envelope written into its slot (0: abandoned).
     */
    void length(final long sequence, final int length)
    {
        lengths[(int)sequence & mask] = length;
    }

    /**
     * @param sequence a claimed sequence of a ring that takes writes from foreign threads.
     * @return a buffer over exactly that slot.
     */
    UnsafeBuffer slotBuffer(final long sequence)
    {
        return slotBuffers[(int)sequence & mask];
    }

    long cursor()
    {
        return singleProducer ? single.getCursor() : multi.getCursor();
    }

    /**
     * @param lowerBound first sequence to check.
     * @param cursor     the cursor read before.
     * @return highest sequence from lowerBound on that is published without gaps (lowerBound - 1 if none).
     */
    long highestPublished(final long lowerBound, final long cursor)
    {
        // Single producer: everything up to the cursor is published.
        return singleProducer ? cursor : multi.getHighestPublishedSequence(lowerBound, cursor);
    }

    long consumed()
    {
        return consumed.get();
    }

    void consumed(final long sequence)
    {
        consumed.set(sequence);
    }

    long remainingCapacity()
    {
        return singleProducer ? single.remainingCapacity() : multi.remainingCapacity();
    }

    boolean hasPending()
    {
        return cursor() > consumed.get();
    }
}
