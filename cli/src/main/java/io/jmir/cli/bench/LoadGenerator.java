package io.jmir.cli.bench;

import io.jmir.cli.client.RemoteCluster;
import io.jmir.examples.client.ClusterClient;
import io.jmir.examples.kv.KvCommands;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * Drives KV load (PUT of {@code size}-byte values, every fourth request a GET) through
 * {@link ClusterClient}s of a {@link RemoteCluster} and records latencies in HdrHistograms.
 * <ul>
 *   <li><b>Closed loop</b> ({@code rate == 0}): each client keeps {@code window} requests outstanding. Latency is
 *   from a request's send to its completion; a client that waits for window space does not send, so this
 *   mode measures service time (what a closed system sees); it cannot show queueing the way a fixed rate does.</li>
 *   <li><b>Fixed rate</b>: requests are due at fixed intervals ({@code rate} per second over all clients); latency
 *   is measured from when a request was <i>due</i>, not when it could be sent, so a stall counts for every request
 *   it delayed (corrected for coordinated omission).</li>
 * </ul>
 * The keys are few enough that the whole store stays under {@value #STATE_BUDGET} bytes: the KV store's snapshot
 * travels in one event at every epoch end and must fit a ring slot.
 * Requests outstanding for more than 500 ms are sent again (nodes order a request at most once). A progress
 * callback gets one {@link Sample} per second; samples during the warm-up are marked and left out of the total.
 * <p>
 * <b>Threading:</b> {@link #run} blocks the calling thread and uses one thread per client plus a retransmission
 * thread; {@link #stop()} may be called from any thread (Ctrl-C).
 */
public final class LoadGenerator
{
    /**
     * One second of the run.
     *
     * @param second    seconds since the start.
     * @param warmup    in the warm-up.
     * @param completed requests completed in the second.
     * @param p50Us     median latency (µs).
     * @param p99Us     99th percentile (µs).
     * @param p999Us    99.9th percentile (µs).
     */
    public record Sample(int second, boolean warmup, long completed, double p50Us, double p99Us, double p999Us)
    {
    }

    /** Age after which an unanswered request is sent again. */
    private static final long RESEND_AGE_MS = 500;
    /** Bytes the KV state may take (keys x (value + key overhead) over all clients). */
    public static final int STATE_BUDGET = 24 * 1024;

    private final RemoteCluster cluster;
    private final int keysPerClient;
    private final int clients;
    private final int firstClientId;
    private final int window;
    private final long rate;
    private final int size;
    private final Recorder recorder = new Recorder(TimeUnit.MINUTES.toNanos(1), 3);
    private final Histogram total = new Histogram(TimeUnit.MINUTES.toNanos(1), 3);
    private final List<Sample> samples = new ArrayList<>();
    private final List<ClusterClient> clusterClients = new ArrayList<>();
    private final AtomicLong completed = new AtomicLong();
    private final AtomicLong sent = new AtomicLong();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile boolean running = true;

    /**
     * @param cluster       the cluster's client side.
     * @param firstClientId first client id to use.
     * @param clients       number of clients (one thread each).
     * @param window        requests outstanding per client.
     * @param rate          total requests per second, 0 for closed loop.
     * @param size          value bytes per PUT.
     */
    public LoadGenerator(final RemoteCluster cluster, final int firstClientId, final int clients, final int window,
        final long rate, final int size)
    {
        this.cluster = cluster;
        this.firstClientId = firstClientId;
        this.clients = clients;
        this.window = window;
        this.rate = rate;
        this.size = size;
        this.keysPerClient = Math.max(4, STATE_BUDGET / ((size + 24) * clients));
    }

    /**
     * Run for warm-up + duration seconds (or until stopped).
     *
     * @param warmupSeconds   seconds left out of the totals.
     * @param durationSeconds measured seconds.
     * @param progress        told once a second.
     * @return the histogram of the measured seconds.
     * @throws InterruptedException when interrupted.
     */
    public Histogram run(final int warmupSeconds, final int durationSeconds, final Consumer<Sample> progress)
        throws InterruptedException
    {
        if (clusterClients.isEmpty())
        {
            createClients();
        }
        final List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < clients; c++)
        {
            final ClusterClient client = clusterClients.get(c);
            final int index = c;
            final Thread thread = new Thread(() -> drive(client, index), "jmir-bench-client-" + c);
            thread.setDaemon(true);
            threads.add(thread);
        }
        final Thread resender = new Thread(() -> resend(clusterClients), "jmir-bench-resend");
        resender.setDaemon(true);
        threads.forEach(Thread::start);
        resender.start();
        Histogram interval = null;
        for (int second = 1; second <= warmupSeconds + durationSeconds && running; second++)
        {
            stopped.await(1, TimeUnit.SECONDS);
            interval = recorder.getIntervalHistogram(interval);
            final boolean warmup = second <= warmupSeconds;
            if (!warmup)
            {
                total.add(interval);
            }
            final Sample sample = new Sample(second, warmup, interval.getTotalCount(),
                interval.getValueAtPercentile(50) / 1000.0, interval.getValueAtPercentile(99) / 1000.0,
                interval.getValueAtPercentile(99.9) / 1000.0);
            samples.add(sample);
            progress.accept(sample);
        }
        running = false;
        for (final Thread thread : threads)
        {
            thread.interrupt();
            thread.join(TimeUnit.SECONDS.toMillis(5));
        }
        resender.interrupt();
        resender.join(TimeUnit.SECONDS.toMillis(5));
        return total;
    }

    /**
     * Wait until the cluster orders requests: every client submits one GET of its own key and waits for its result
     * (f + 1 matching replies), resending every 500 ms. These first requests are not measured; the clients keep
     * their request numbers, so the load that follows continues the same client sessions.
     *
     * @param timeoutMs longest wait.
     * @return true when every client got its first result in time.
     * @throws InterruptedException when interrupted.
     */
    public boolean awaitReady(final long timeoutMs) throws InterruptedException
    {
        if (clusterClients.isEmpty())
        {
            createClients();
        }
        final CompletableFuture<?>[] first = new CompletableFuture<?>[clusterClients.size()];
        for (int c = 0; c < first.length; c++)
        {
            final ClusterClient client = clusterClients.get(c);
            first[c] = client.submit(KvCommands.get("c" + client.clientId() + "-ready"));
        }
        final CompletableFuture<Void> all = CompletableFuture.allOf(first);
        final long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        while (running && System.nanoTime() - deadline < 0)
        {
            try
            {
                all.get(Math.min(RESEND_AGE_MS, Math.max(1, (deadline - System.nanoTime()) / 1_000_000)),
                    TimeUnit.MILLISECONDS);
                return true;
            }
            catch (final TimeoutException ex)
            {
                for (final ClusterClient client : clusterClients)
                {
                    client.resendOlderThan(TimeUnit.MILLISECONDS.toNanos(RESEND_AGE_MS));
                }
            }
            catch (final ExecutionException ex)
            {
                throw new IllegalStateException("first request failed", ex.getCause());
            }
        }
        return all.isDone();
    }

    private void createClients()
    {
        for (int c = 0; c < clients; c++)
        {
            clusterClients.add(cluster.client(firstClientId + c, window));
        }
    }

    private void drive(final ClusterClient client, final int index)
    {
        final long intervalNs = rate > 0 ? Math.max(1, TimeUnit.SECONDS.toNanos(clients) / rate) : 0;
        long due = System.nanoTime() + (intervalNs > 0 ? intervalNs * index / clients : 0);
        long n = 0;
        try
        {
            while (running)
            {
                final byte[] payload = command(client.clientId(), n++);
                if (intervalNs == 0)
                {
                    client.submit(payload, (requestNo, result, latencyNs) -> record(latencyNs));
                }
                else
                {
                    final long wait = due - System.nanoTime();
                    if (wait > 0)
                    {
                        LockSupport.parkNanos(wait);
                    }
                    final long intended = due;
                    due += intervalNs;
                    client.submit(payload, (requestNo, result, latencyNs) -> record(System.nanoTime() - intended));
                }
                sent.incrementAndGet();
            }
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }

    private void record(final long latencyNs)
    {
        recorder.recordValue(Math.min(latencyNs, TimeUnit.MINUTES.toNanos(1)));
        completed.incrementAndGet();
    }

    private void resend(final List<ClusterClient> clusterClients)
    {
        while (running)
        {
            for (final ClusterClient client : clusterClients)
            {
                client.resendOlderThan(TimeUnit.MILLISECONDS.toNanos(RESEND_AGE_MS));
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
            if (Thread.interrupted())
            {
                return;
            }
        }
    }

    private byte[] command(final long clientId, final long n)
    {
        final String key = "c" + clientId + "-" + (n % keysPerClient);
        if (n % 4 == 3)
        {
            return KvCommands.get(key);
        }
        final byte[] value = new byte[size];
        for (int i = 0; i < size; i++)
        {
            value[i] = (byte)('a' + (n + i) % 26);
        }
        return KvCommands.put(key, value);
    }

    /**
     * Stop the run early (the current second completes).
     */
    public void stop()
    {
        running = false;
        stopped.countDown();
    }

    /**
     * @return the per-second samples so far.
     */
    public List<Sample> samples()
    {
        return samples;
    }

    /**
     * @return requests completed (warm-up included).
     */
    public long completed()
    {
        return completed.get();
    }

    /**
     * @return requests sent (warm-up included).
     */
    public long sent()
    {
        return sent.get();
    }
}
