package io.jmir.journal.internal;

import net.openhft.chronicle.core.time.TimeProvider;

/**
 * Chronicle's roll cycles follow a clock; jmir journals roll when the writer decides (at a session start, at
 * truncation, after a number of entries), so the writer's queue gets this clock, which shows the start of the
 * current logical cycle: cycle N is Chronicle time {@code N * cycleLengthMs}. Cycle files are therefore named
 * after 1970 dates (e.g. {@code 19700101-03F.cq4} is cycle 3 with the FAST_HOURLY roll cycle).
 * <p>
 * <b>Threading:</b> set by the writer's thread; read by Chronicle on any thread (volatile).
 */
public final class LogicalClock implements TimeProvider
{
    private final long cycleLengthMs;
    private volatile long cycle;

    /**
     * @param cycleLengthMs length of one roll cycle in Chronicle time.
     */
    public LogicalClock(final long cycleLengthMs)
    {
        this.cycleLengthMs = cycleLengthMs;
    }

    /**
     * @param cycle to show from now on.
     */
    public void cycle(final long cycle)
    {
        this.cycle = cycle;
    }

    /**
     * @return the cycle shown.
     */
    public long cycle()
    {
        return cycle;
    }

    @Override
    public long currentTimeMillis()
    {
        return cycle * cycleLengthMs;
    }
}
