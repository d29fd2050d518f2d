package io.jmir.benchmarks.pipeline;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The work of the tail stage (the "app") on both sides of a pipeline benchmark: counts the events that reached
 * it and checks they arrived in publication order (each carries its publication number), so a benchmark that
 * loses, duplicates or reorders events fails at tear-down instead of reporting a number.
 * <p>
 * <b>Threading:</b> {@link #onEvent} is called by the tail stage's thread only; {@link #processed()} and
 * {@link #outOfOrder()} may be read from any thread.
 */
public final class TailCounter
{
    private final AtomicLong processed = new AtomicLong();
    private long expected;
    private long count;
    private long workResult;
    private volatile long outOfOrder;

    /**
     * Count one event.
     *
     * @param value      publication number carried by the event.
     * @param workResult result of the tail's stage work, kept so the JIT cannot drop it.
     */
    public void onEvent(final long value, final long workResult)
    {
        this.workResult += workResult;
        if (value != expected)
        {
            outOfOrder = outOfOrder + 1;
        }
        expected = value + 1;
        processed.lazySet(++count);
    }

    /**
     * @return events counted so far.
     */
    public long processed()
    {
        return processed.get();
    }

    /**
     * @return events that did not carry the next expected publication number.
     */
    public long outOfOrder()
    {
        return outOfOrder;
    }
}
