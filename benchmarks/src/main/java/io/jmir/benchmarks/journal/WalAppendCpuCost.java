package io.jmir.benchmarks.journal;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * CPU cost per append of the two sides of {@link WalAppendBenchmark} (jmir WAL module vs raw Chronicle
 * {@code writingDocument}), measured with the thread's CPU time in one JVM, the sides alternating window by
 * window on fresh queues (which side goes first alternates): readable on a machine shared with other builds,
 * where the JMH figures of the two sides (separate forks, tens of seconds apart) move by several times. Prints
 * per entry size the best and the median window of each side, the ratio raw / jmir of those (the throughput
 * ratio to expect on an idle machine) and the median of the ratios of the two windows of each round (the two
 * sides measured back to back).
 * <p>
 * Usage: {@code java -cp benchmarks.jar io.jmir.benchmarks.journal.WalAppendCpuCost [rounds]}.
 * <p>
 * <b>Threading:</b> main thread only.
 */
public final class WalAppendCpuCost
{
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private static final int[] SIZES = {64, 512, 4096};
    /** Unmeasured rounds per size first: the jmir path needs more than a few to be compiled on a loaded machine. */
    private static final int WARM_UP_ROUNDS = 10;

    private WalAppendCpuCost()
    {
    }

    /**
     * @param args windows per side and size (default 7).
     * @throws IOException when a queue directory cannot be created or deleted.
     */
    public static void main(final String[] args) throws IOException
    {
        final int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 7;
        for (final int size : SIZES)
        {
            final int appends = size >= 4096 ? 20_000 : 100_000;
            final WalAppendBenchmark bench = new WalAppendBenchmark();
            bench.entryBytes = size;
            bench.encode();
            final double[] jmir = new double[rounds];
            final double[] raw = new double[rounds];
            final double[] ratio = new double[rounds];
            for (int r = -WARM_UP_ROUNDS; r < rounds; r++)
            {
                bench.open();
                final boolean jmirFirst = (r & 1) == 0;
                final double firstNs = window(appends, jmirFirst ? bench::jmirWalAppend : bench::rawChronicleAppend);
                final double secondNs = window(appends, jmirFirst ? bench::rawChronicleAppend : bench::jmirWalAppend);
                bench.close();
                if (r >= 0)
                {
                    jmir[r] = jmirFirst ? firstNs : secondNs;
                    raw[r] = jmirFirst ? secondNs : firstNs;
                    ratio[r] = raw[r] / jmir[r];
                }
            }
            System.out.printf(Locale.ROOT,
                "%5d B: CPU ns/append best jmir %.0f raw %.0f ratio %.2f | median jmir %.0f raw %.0f ratio %.2f" +
                " | median of paired ratios %.2f%n",
                size, min(jmir), min(raw), min(raw) / min(jmir), median(jmir), median(raw),
                median(raw) / median(jmir), median(ratio));
        }
    }

    private static double window(final int appends, final LongSupplier append)
    {
        final long before = THREADS.getCurrentThreadCpuTime();
        for (int i = 0; i < appends; i++)
        {
            append.getAsLong();
        }
        return (THREADS.getCurrentThreadCpuTime() - before) / (double)appends;
    }

    private static double median(final double[] values)
    {
        final double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

    private static double min(final double[] values)
    {
        return Arrays.stream(values).min().orElse(Double.NaN);
    }
}
