package io.jmir.benchmarks.transport;

import io.aeron.Aeron;
import io.aeron.driver.MediaDriver;
import io.aeron.driver.status.SystemCounterDescriptor;
import io.jmir.engine.IdleMode;
import org.agrona.CloseHelper;
import org.agrona.IoUtil;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.YieldingIdleStrategy;
import org.agrona.concurrent.status.CountersReader;

import java.io.File;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * CPU cost per delivered message of the pipelines of {@link OneToOneUdpThroughputBenchmark} — raw Aeron, raw Aeron
 * with the same HMAC-SHA256 per message, the net module with one message per batch and with 16 — measured with
 * per-thread CPU time of every thread involved (sending thread, receiving thread, the SHARED media driver's
 * thread, the Aeron clients' conductors, and the rest of the JVM), so that it stays readable on a machine shared
 * with other builds, and the bytes the sending and receiving threads allocate per message (thread allocation
 * counters; for {@code jmirNode} the two nodes' stage threads). One JVM, one driver, one sending and one
 * receiving thread that run whichever pipeline the current window names; windows alternate between the
 * pipelines; medians per pipeline.
 * <p>
 * Idle sending/receiving threads use the given idle strategy: {@code backoff} (default: 100 spins, 10 yields,
 * then parks of 1-100 µs; the spinning and yielding while waiting still count in the thread's CPU time) or
 * {@code yield} (what the JMH benchmark does: every idle iteration yields, and its CPU counts). The driver uses
 * the transport's default backoff strategy. The in-flight window is the JMH benchmark's (96 KiB in messages).
 * <p>
 * The expected throughput on an otherwise idle 2-core machine is bounded by the busiest thread and by the total
 * CPU over two cores: {@code bound = max(driver, sender, receiver, total / 2)} ns per message; the report gives
 * {@code raw bound / pipeline bound} next to the plain CPU ratio {@code raw total / pipeline total}.
 * <p>
 * Usage: {@code java -cp benchmarks.jar io.jmir.benchmarks.transport.TransportCpuCost [size] [messages] [rounds]
 * [idle] [pipes]} ({@code pipes}: comma separated subset of {@code aeron,aeronHmac,jmir,jmirBatch16,jmirNode};
 * {@code jmirNode}: {@link NetNodePair}, bursts of 16 ({@code jmirNode<n>}: bursts of n), node threads SLEEPING
 * for {@code backoff}, YIELDING for {@code yield}; its stage threads count as sender and receiver).
 * <p>
 * <b>Threading:</b> the main thread sets up and coordinates windows; one sending and one receiving thread.
 */
public final class TransportCpuCost
{
    private static final com.sun.management.ThreadMXBean THREADS =
        (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();
    private static final int WINDOW_BYTES = 96 * 1024;
    private static final String[] GROUPS = { "sender", "receiver", "driver", "clients", "other" };
    private static final SystemCounterDescriptor[] LOSS = {
        SystemCounterDescriptor.NAK_MESSAGES_SENT, SystemCounterDescriptor.RETRANSMITS_SENT,
        SystemCounterDescriptor.STATUS_MESSAGES_SENT, SystemCounterDescriptor.SHORT_SENDS };

    private volatile Window window;
    private volatile boolean stop;
    private long inFlight;

    private TransportCpuCost()
    {
    }

    /**
     * One window of work for both threads: a pipeline and how many messages to deliver through it.
     */
    static final class Window
    {
        final UdpPipes.Pipe pipe;
        final long target;
        final CountDownLatch done = new CountDownLatch(1);
        volatile long received;

        Window(final UdpPipes.Pipe pipe, final long target)
        {
            this.pipe = pipe;
            this.target = target;
        }
    }

    /**
     * @param args message size (default 64), messages per window (default 200,000), windows per pipeline (default
     *             7), idle strategy ({@code backoff} or {@code yield}), pipelines.
     * @throws InterruptedException if interrupted.
     */
    public static void main(final String[] args) throws InterruptedException
    {
        final int size = args.length > 0 ? Integer.parseInt(args[0]) : 64;
        final int messages = args.length > 1 ? Integer.parseInt(args[1]) : 200_000;
        final int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 7;
        final String idle = args.length > 3 ? args[3] : "backoff";
        final String pipes = args.length > 4 ? args[4] : "aeron,aeronHmac,jmir,jmirBatch16,jmirNode";
        new TransportCpuCost().run(size, messages, rounds, idle, Arrays.asList(pipes.split(",")));
    }

    private void run(final int size, final int messages, final int rounds, final String idle, final List<String> names)
        throws InterruptedException
    {
        final File dirBase = BenchmarkSupport.uniqueDir("jmir-cpu-transport");
        final String driverDir = new File(dirBase, "driver").getAbsolutePath();
        final MediaDriver driver = BenchmarkSupport.launchSharedDriver(driverDir);
        final Aeron aeron = Aeron.connect(new Aeron.Context().aeronDirectoryName(driverDir));
        final List<UdpPipes.Pipe> pipes = new ArrayList<>();
        try
        {
            final byte[] secret = new byte[32];
            ThreadLocalRandom.current().nextBytes(secret);
            for (final String name : names)
            {
                pipes.add(newPipe(name, aeron, driverDir, size, secret, idle));
            }
            awaitConnected(pipes);
            inFlight = Math.max(16, WINDOW_BYTES / (size + 96));
            final Thread sender = new Thread(() -> sendLoop(newIdle(idle)), "bench-tx");
            final Thread receiver = new Thread(() -> receiveLoop(newIdle(idle)), "bench-rx");
            sender.start();
            receiver.start();
            final long[] ids = { sender.getId(), receiver.getId(), Thread.currentThread().getId() };
            final double[][][] cost = new double[pipes.size()][GROUPS.length + 2][rounds];
            final long[][] loss = new long[pipes.size()][LOSS.length];
            final double[][][] allocated = new double[pipes.size()][2][rounds];
            for (int w = 0; w < 2; w++)
            {
                for (final UdpPipes.Pipe pipe : pipes)
                {
                    runWindow(pipe, messages);
                }
            }
            for (int r = 0; r < rounds; r++)
            {
                for (int p = 0; p < pipes.size(); p++)
                {
                    measure(pipes.get(p), messages, ids, cost[p], allocated[p], r, aeron.countersReader(), loss[p]);
                }
            }
            stop = true;
            sender.join();
            receiver.join();
            report(size, messages, rounds, idle, pipes, cost, loss);
            reportAllocation(pipes, allocated);
        }
        finally
        {
            stop = true;
            CloseHelper.quietCloseAll(pipes);
            CloseHelper.quietCloseAll(aeron, driver);
            IoUtil.delete(dirBase, true);
        }
    }

    private static UdpPipes.Pipe newPipe(
        final String name, final Aeron aeron, final String driverDir, final int size, final byte[] secret,
        final String idle)
    {
        final IdleMode idleMode = "yield".equals(idle) ? IdleMode.YIELDING : IdleMode.SLEEPING;
        final int[] ports = BenchmarkSupport.freeUdpPorts(2);
        switch (name)
        {
            case "aeron":
                return new UdpPipes.Raw(aeron, ports[0], size);
            case "aeronHmac":
                return new UdpPipes.RawHmac(aeron, ports[0], size, secret);
            case "jmir":
                return new UdpPipes.Net(name, driverDir, ports, size, secret, 1);
            case "jmirBatch16":
                return new UdpPipes.Net(name, driverDir, ports, size, secret, 16);
            case "jmirNode":
                return new UdpPipes.InNodes(name, driverDir, ports, size, secret, idleMode, 16);
            default:
                if (name.startsWith("jmirNode") && name.length() > "jmirNode".length())
                {
                    final int burst = Integer.parseInt(name.substring("jmirNode".length()));
                    return new UdpPipes.InNodes(name, driverDir, ports, size, secret, idleMode, burst);
                }
                throw new IllegalArgumentException("unknown pipeline " + name);
        }
    }

    private static IdleStrategy newIdle(final String idle)
    {
        return "yield".equals(idle) ? new YieldingIdleStrategy() :
            new BackoffIdleStrategy(100, 10, TimeUnit.MICROSECONDS.toNanos(1), TimeUnit.MICROSECONDS.toNanos(100));
    }

    private static void awaitConnected(final List<UdpPipes.Pipe> pipes)
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        for (final UdpPipes.Pipe pipe : pipes)
        {
            while (!pipe.isConnected())
            {
                if (System.nanoTime() > deadline)
                {
                    throw new IllegalStateException(pipe.name + " not connected within 30 s");
                }
                Thread.yield();
            }
        }
    }

    private void sendLoop(final IdleStrategy idle)
    {
        Window current = null;
        long sent = 0;
        while (!stop)
        {
            final Window w = window;
            if (w != current)
            {
                current = w;
                sent = 0;
            }
            int work = 0;
            if (w != null && sent < w.target && sent - w.received < inFlight)
            {
                work = w.pipe.send();
                sent += work;
            }
            idle.idle(work);
        }
    }

    private void receiveLoop(final IdleStrategy idle)
    {
        Window current = null;
        long received = 0;
        while (!stop)
        {
            final Window w = window;
            if (w != current)
            {
                current = w;
                received = 0;
            }
            int work = 0;
            if (w != null && received < w.target)
            {
                work = w.pipe.receive();
                if (work > 0)
                {
                    received += work;
                    w.received = received;
                    if (received >= w.target)
                    {
                        w.done.countDown();
                    }
                }
            }
            idle.idle(work);
        }
    }

    private long runWindow(final UdpPipes.Pipe pipe, final int messages)
    {
        final Window w = new Window(pipe, (long)messages / pipe.batch() * pipe.batch());
        window = w;
        try
        {
            if (!w.done.await(120, TimeUnit.SECONDS))
            {
                throw new IllegalStateException(pipe.name + ": " + w.received + " of " + w.target +
                    " messages within 120 s " + pipe.problems());
            }
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(ex);
        }
        window = null;
        return w.target;
    }

    private void measure(
        final UdpPipes.Pipe pipe, final int messages, final long[] ids, final double[][] into,
        final double[][] allocated, final int round, final CountersReader counters, final long[] loss)
    {
        final long[] allIds = THREADS.getAllThreadIds();
        final long[] allocatedBefore = THREADS.getThreadAllocatedBytes(allIds);
        final long[] before = cpu(allIds);
        final long[] lossBefore = loss(counters);
        final long start = System.nanoTime();
        final double delivered = runWindow(pipe, messages);
        final long wall = System.nanoTime() - start;
        final long[] after = cpu(allIds);
        final long[] allocatedAfter = THREADS.getThreadAllocatedBytes(allIds);
        final long[] lossAfter = loss(counters);
        double total = 0;
        for (int i = 0; i < allIds.length; i++)
        {
            final double ns = (after[i] - before[i]) / delivered;
            final int group = group(allIds[i], ids);
            into[group][round] += ns;
            total += ns;
            if (group < 2 && allocatedBefore[i] >= 0 && allocatedAfter[i] >= 0)
            {
                allocated[group][round] += (allocatedAfter[i] - allocatedBefore[i]) / delivered;
            }
        }
        into[GROUPS.length][round] = total;
        into[GROUPS.length + 1][round] = delivered * 1e9 / wall;
        for (int i = 0; i < LOSS.length; i++)
        {
            loss[i] += lossAfter[i] - lossBefore[i];
        }
    }

    private static int group(final long id, final long[] ids)
    {
        final java.lang.management.ThreadInfo info = THREADS.getThreadInfo(id);
        final String name = info == null ? "" : info.getThreadName();
        if (id == ids[0] || name.startsWith("jmir-node0"))
        {
            return 0;
        }
        if (id == ids[1] || name.startsWith("jmir-node1"))
        {
            return 1;
        }
        if (name.contains("driver-conductor") || name.contains("sender") || name.contains("receiver"))
        {
            return 2;
        }
        return name.contains("aeron-client") ? 3 : 4;
    }

    private static long[] cpu(final long[] ids)
    {
        final long[] times = new long[ids.length];
        for (int i = 0; i < ids.length; i++)
        {
            times[i] = Math.max(0, THREADS.getThreadCpuTime(ids[i]));
        }
        return times;
    }

    private static long[] loss(final CountersReader counters)
    {
        final long[] values = new long[LOSS.length];
        for (int i = 0; i < LOSS.length; i++)
        {
            values[i] = counters.getCounterValue(LOSS[i].id());
        }
        return values;
    }

    private static void report(
        final int size, final int messages, final int rounds, final String idle, final List<UdpPipes.Pipe> pipes,
        final double[][][] cost, final long[][] loss)
    {
        System.out.printf(Locale.ROOT, "size %d B, %d messages x %d windows per pipeline, idle %s%n",
            size, messages, rounds, idle);
        System.out.printf(Locale.ROOT, "%-12s %9s %9s %9s %9s %9s %9s %9s %10s  %s%n", "pipeline", "sender",
            "receiver", "driver", "clients", "other", "total", "bound", "msgs/s", "loss (naks retr sms short)");
        final double[] bounds = new double[pipes.size()];
        final double[] totals = new double[pipes.size()];
        for (int p = 0; p < pipes.size(); p++)
        {
            final double[] medians = new double[GROUPS.length + 2];
            for (int g = 0; g < medians.length; g++)
            {
                medians[g] = median(cost[p][g]);
            }
            totals[p] = medians[GROUPS.length];
            bounds[p] = Math.max(Math.max(medians[0], medians[1]), Math.max(medians[2], totals[p] / 2));
            System.out.printf(Locale.ROOT, "%-12s %9.0f %9.0f %9.0f %9.0f %9.0f %9.0f %9.0f %10.0f  %s %s%n",
                pipes.get(p).name, medians[0], medians[1], medians[2], medians[3], medians[4], totals[p], bounds[p],
                medians[GROUPS.length + 1], Arrays.toString(loss[p]), pipes.get(p).problems());
        }
        for (int p = 1; p < pipes.size(); p++)
        {
            System.out.printf(Locale.ROOT, "%s vs %s: CPU ratio %.2f, bound ratio %.2f%n", pipes.get(p).name,
                pipes.get(0).name, totals[0] / totals[p], bounds[0] / bounds[p]);
        }
        for (int p = 0; p < pipes.size(); p++)
        {
            System.out.println(pipes.get(p).name + " total ns/msg per window: " + Arrays.toString(round(cost[p][5])));
        }
    }

    private static void reportAllocation(final List<UdpPipes.Pipe> pipes, final double[][][] allocated)
    {
        for (int p = 0; p < pipes.size(); p++)
        {
            double sender = 0;
            double receiver = 0;
            for (int r = 0; r < allocated[p][0].length; r++)
            {
                sender = Math.max(sender, allocated[p][0][r]);
                receiver = Math.max(receiver, allocated[p][1][r]);
            }
            System.out.printf(Locale.ROOT, "%s bytes allocated per message, worst window: sending threads %.4f, " +
                "receiving threads %.4f%n", pipes.get(p).name, sender, receiver);
        }
    }

    private static double median(final double[] values)
    {
        final double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
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
