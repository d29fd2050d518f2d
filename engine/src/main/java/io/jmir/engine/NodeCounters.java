package io.jmir.engine;

import io.jmir.codecs.EnvelopeValidator;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Counters of a node's anomalies and edge decisions. Written by stage threads and submitters, readable from
 * any thread. The steady-state event path does not touch them.
 */
public final class NodeCounters
{
    /** What is counted. */
    public enum Counter
    {
        /** Events rejected by validation at a stage (any reason; see {@link #malformed}). */
        MALFORMED_EVENTS,
        /** Events addressed to a failed (isolated) module, dropped. */
        EVENTS_TO_FAILED_MODULE,
        /** Module failures. */
        MODULE_FAILURES,
        /** Submissions refused with BACK_PRESSURED. */
        SUBMIT_BACK_PRESSURED,
        /** Submissions refused with REJECTED. */
        SUBMIT_REJECTED,
        /** Events that waited in an overflow queue because their ring was full. */
        OVERFLOWED_EVENTS,
        /** Follow-up lists that could not be walked (malformed), dropped. */
        MALFORMED_FOLLOW_UPS
    }

    private static final int COUNTERS = Counter.values().length;
    private final AtomicLongArray values = new AtomicLongArray(COUNTERS + EnvelopeValidator.Result.values().length);

    /**
     * @param counter to increment.
     */
    public void increment(final Counter counter)
    {
        values.incrementAndGet(counter.ordinal());
    }

    /**
     * Count a malformed event and its reason.
     *
     * @param reason from validation.
     */
    public void malformed(final EnvelopeValidator.Result reason)
    {
        values.incrementAndGet(Counter.MALFORMED_EVENTS.ordinal());
        values.incrementAndGet(COUNTERS + reason.ordinal());
    }

    /**
     * @param counter to read.
     * @return its value.
     */
    public long get(final Counter counter)
    {
        return values.get(counter.ordinal());
    }

    /**
     * @param reason validation outcome.
     * @return how many events were rejected for it.
     */
    public long malformedCount(final EnvelopeValidator.Result reason)
    {
        return values.get(COUNTERS + reason.ordinal());
    }

    @Override
    public String toString()
    {
        final StringBuilder sb = new StringBuilder("NodeCounters{");
        for (final Counter counter : Counter.values())
        {
            sb.append(counter.name()).append('=').append(get(counter)).append(' ');
        }
        for (final EnvelopeValidator.Result reason : EnvelopeValidator.Result.values())
        {
            final long value = malformedCount(reason);
            if (value != 0)
            {
                sb.append("malformed.").append(reason.name()).append('=').append(value).append(' ');
            }
        }
        return sb.append('}').toString();
    }
}
