package io.jmir.benchmarks.pipeline;

/**
 * Deterministic CPU work a stage may do per event, identical on both sides of a pipeline benchmark: a chain of
 * dependent multiply-xorshift steps seeded by the event, so it cannot be hoisted or skipped. With 0 iterations
 * it returns the seed (the "trivial work" case). Stateless.
 */
final class StageWork
{
    private StageWork()
    {
    }

    /**
     * @param seed       from the event.
     * @param iterations steps to run (about 1-2 ns each).
     * @return the mixed value (keep it, or the JIT may drop the work).
     */
    static long burn(final long seed, final int iterations)
    {
        long x = seed;
        for (int i = 0; i < iterations; i++)
        {
            x = x * 0x5851F42D4C957F2DL + 0x14057B7EF767814FL;
            x ^= x >>> 29;
        }
        return x;
    }
}
