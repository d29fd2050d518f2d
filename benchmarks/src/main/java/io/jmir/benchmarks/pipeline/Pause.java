package io.jmir.benchmarks.pipeline;

import io.jmir.engine.IdleMode;

/**
 * How the benchmark thread waits (for ring space when publishing, for the tail when a batch is out): the same
 * way the stage threads idle, so both sides of a benchmark share the cores alike. Stateless.
 */
final class Pause
{
    private Pause()
    {
    }

    /**
     * @param idleMode of the stage threads; only {@link IdleMode#YIELDING} and {@link IdleMode#BUSY_SPIN} exist
     *                 on both sides of the pipeline benchmarks.
     * @return the idle mode.
     * @throws IllegalArgumentException for other modes.
     */
    static IdleMode check(final IdleMode idleMode)
    {
        if (idleMode != IdleMode.YIELDING && idleMode != IdleMode.BUSY_SPIN)
        {
            throw new IllegalArgumentException("idleMode must be YIELDING or BUSY_SPIN (same on both sides), got " +
                idleMode);
        }
        return idleMode;
    }

    /**
     * Wait a moment.
     *
     * @param idleMode YIELDING yields, BUSY_SPIN spins.
     */
    static void pause(final IdleMode idleMode)
    {
        if (idleMode == IdleMode.YIELDING)
        {
            Thread.yield();
        }
        else
        {
            Thread.onSpinWait();
        }
    }
}
