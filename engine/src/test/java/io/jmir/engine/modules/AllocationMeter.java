package io.jmir.engine.modules;

import java.lang.management.ManagementFactory;

/**
 * Bytes allocated by the current thread, from the JVM's per-thread allocation counter.
 */
public final class AllocationMeter
{
    /**
     * Allocation a measured run may show without allocating per event: the JVM occasionally charges a few
     * bytes to a thread (deoptimisation, lazy class init). One object per event over thousands of events is
     * far above it.
     */
    public static final long NOISE_BYTES = 1024;

    private static final com.sun.management.ThreadMXBean THREADS =
        (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();

    private AllocationMeter()
    {
    }

    /**
     * @return true when the JVM can measure per-thread allocation.
     */
    public static boolean supported()
    {
        return THREADS.isThreadAllocatedMemorySupported() && THREADS.isThreadAllocatedMemoryEnabled();
    }

    /**
     * @return bytes allocated so far by the calling thread.
     */
    public static long allocatedBytes()
    {
        return THREADS.getThreadAllocatedBytes(Thread.currentThread().getId());
    }

    /**
     * Run a task (after warming it up) and return what the calling thread allocated during the measured run.
     *
     * @param warmups times to run it first.
     * @param task    to measure.
     * @return bytes allocated by the measured run.
     */
    public static long measure(final int warmups, final Runnable task)
    {
        for (int i = 0; i < warmups; i++)
        {
            task.run();
        }
        final long before = allocatedBytes();
        task.run();
        final long after = allocatedBytes();
        return after - before;
    }
}
