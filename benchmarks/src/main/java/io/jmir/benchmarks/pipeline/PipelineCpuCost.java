package io.jmir.benchmarks.pipeline;

import io.jmir.engine.IdleMode;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.Locale;

/**
 * CPU cost per event of the two sides of {@link FourStagePipelineThroughputBenchmark} (one shared stage thread,
 * YIELDING), measured with per-thread CPU time rather than wall-clock time, so that it stays readable on a
 * machine shared with other builds (where the JMH wall-clock figures move by several times from run to run).
 * <p>
 * For each side: warm up, then {@code rounds} windows of {@code events} events; per window the CPU time of the
 * stage thread and of the producer (this thread) divided by the events. The stage thread stays saturated while
 * the producer keeps its ring non-empty, so its CPU time per event is the per-event cost of the four hops; time it
 * spends idle (yielding) when the producer falls behind is included, which inflates both sides alike. The sides
 * alternate window by window. Prints the median per side and their ratio (raw / jmir: the throughput ratio one
 * would expect on an idle machine when the stage thread is the bottleneck).
 * <p>
 * Usage: {@code java -cp benchmarks.jar io.jmir.benchmarks.pipeline.PipelineCpuCost [events] [rounds]}.
 * <p>
 * <b>Threading:</b> the main thread is the producer; each pipeline owns its stage thread.
 */
public final class PipelineCpuCost
{
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private PipelineCpuCost()
    {
    }

    /**
     * @param args events per window (default 2,000,000) and windows per side (default 7).
     */
    public static void main(final String[] args)
    {
        final int events = args.length > 0 ? Integer.parseInt(args[0]) : 2_000_000;
        final int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 7;
        final int ring = FourStagePipelineThroughputBenchmark.RING_SIZE;
        final int slot = FourStagePipelineThroughputBenchmark.SLOT_CAPACITY;
        final int batch = FourStagePipelineThroughputBenchmark.MAX_BATCH;
        try (JmirFourStagePipeline jmir = new JmirFourStagePipeline(
                Threading.ONE_SHARED_THREAD, IdleMode.YIELDING, ring, slot, batch, 0);
            RawFourStagePipeline raw = new RawFourStagePipeline(
                Threading.ONE_SHARED_THREAD, IdleMode.YIELDING, ring, slot, batch, 0))
        {
            final long jmirStage = threadId("jmir-node0-shared");
            final long rawStage = threadId("raw-shared");
            final long producer = Thread.currentThread().getId();
            for (int i = 0; i < 3; i++)
            {
                jmir.publishAndAwait(events);
                raw.publishAndAwait(events);
            }
            final double[][] jmirCost = new double[2][rounds];
            final double[][] rawCost = new double[2][rounds];
            for (int r = 0; r < rounds; r++)
            {
                measure(jmirCost, r, events, jmirStage, producer, () -> jmir.publishAndAwait(events));
                measure(rawCost, r, events, rawStage, producer, () -> raw.publishAndAwait(events));
            }
            final double jmirStageNs = median(jmirCost[0]);
            final double rawStageNs = median(rawCost[0]);
            System.out.printf(Locale.ROOT, "stage thread CPU ns/event: jmir %.1f raw %.1f ratio raw/jmir %.2f%n",
                jmirStageNs, rawStageNs, rawStageNs / jmirStageNs);
            System.out.printf(Locale.ROOT, "producer CPU ns/event:     jmir %.1f raw %.1f%n",
                median(jmirCost[1]), median(rawCost[1]));
            System.out.printf(Locale.ROOT, "stage thread CPU ns/event, best window: jmir %.1f raw %.1f ratio %.2f%n",
                min(jmirCost[0]), min(rawCost[0]), min(rawCost[0]) / min(jmirCost[0]));
            System.out.println("jmir stage per window: " + Arrays.toString(round(jmirCost[0])));
            System.out.println("raw stage per window:  " + Arrays.toString(round(rawCost[0])));
        }
    }

    private static void measure(
        final double[][] into, final int round, final int events, final long stage, final long producer,
        final Runnable work)
    {
        final long stageBefore = THREADS.getThreadCpuTime(stage);
        final long producerBefore = THREADS.getThreadCpuTime(producer);
        work.run();
        into[0][round] = (THREADS.getThreadCpuTime(stage) - stageBefore) / (double)events;
        into[1][round] = (THREADS.getThreadCpuTime(producer) - producerBefore) / (double)events;
    }

    private static long threadId(final String name)
    {
        for (final Thread thread : Thread.getAllStackTraces().keySet())
        {
            if (thread.getName().equals(name))
            {
                return thread.getId();
            }
        }
        throw new IllegalStateException("no thread named " + name);
    }

    private static double median(final double[] values)
    {
        final double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

    private static double min(final double[] values)
    {
        double min = Double.MAX_VALUE;
        for (final double value : values)
        {
            min = Math.min(min, value);
        }
        return min;
    }

    private static long[] round(final double[] values)
    {
        final long[] rounded = new long[values.length];
        for (int i = 0; i < values.length; i++)
        {
            rounded[i] = Math.round(values[i]);
        }
        return rounded;
    }
}
