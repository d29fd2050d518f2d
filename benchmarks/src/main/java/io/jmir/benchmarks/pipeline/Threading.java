package io.jmir.benchmarks.pipeline;

/**
 * How the four stages of a pipeline benchmark are put on threads (the same on both sides).
 */
public enum Threading
{
    /** One thread per stage: four stage threads plus the producer (oversubscribes a 2-core machine). */
    THREAD_PER_STAGE,
    /** All four stages on one thread that drains them in turn: one stage thread plus the producer. */
    ONE_SHARED_THREAD
}
