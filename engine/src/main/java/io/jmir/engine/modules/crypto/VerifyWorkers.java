package io.jmir.engine.modules.crypto;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Worker threads that verify the items of published {@link VerifyJob}s. Jobs sit in a ring of
 * {@code capacity} slots addressed by sequence; worker {@code w} of {@code n} verifies items
 * {@code w, w + n, w + 2n, ...} of every job, in job order, and then publishes that it passed the job. A job is
 * complete once every worker passed it, so jobs complete in publication order.
 * <p>
 * <b>Threading:</b> {@link #claim()}, {@link #publish()}, {@link #completedHead()}, {@link #releaseHead()},
 * {@link #awaitHead(long)} and {@link #close()} are called on the module's thread only. Idle workers park (no
 * spinning) and are unparked when a job is published.
 */
final class VerifyWorkers
{
    private static final long MAX_PARK_NS = TimeUnit.MILLISECONDS.toNanos(1);
    /** Idle workers are woken by unpark; the timeout only bounds the damage of a missed wake-up. */
    private static final long IDLE_PARK_NS = TimeUnit.MILLISECONDS.toNanos(100);
    private static final long JOIN_TIMEOUT_MS = 5_000;

    private final VerifyJob[] jobs;
    private final int mask;
    private final Worker[] workers;
    private final AtomicLong published = new AtomicLong(-1);
    private volatile boolean running = true;
    private volatile Thread waiter;
    private volatile Throwable failure;
    private long submitted = -1;
    private long head;

    VerifyWorkers(final int workerCount, final int capacity, final String threadName)
    {
        jobs = new VerifyJob[capacity];
        for (int i = 0; i < capacity; i++)
        {
            jobs[i] = new VerifyJob();
        }
        mask = capacity - 1;
        workers = new Worker[workerCount];
        for (int i = 0; i < workerCount; i++)
        {
            workers[i] = new Worker(i, workerCount);
            final Thread thread = new Thread(workers[i], threadName + "-" + i);
            thread.setDaemon(true);
            workers[i].thread = thread;
        }
        for (final Worker worker : workers)
        {
            worker.thread.start();
        }
    }

    boolean isFull()
    {
        return submitted - head + 1 >= jobs.length;
    }

    boolean hasInFlight()
    {
        return head <= submitted;
    }

    int inFlight()
    {
        return (int)(submitted - head + 1);
    }

    VerifyJob claim()
    {
        return jobs[(int)((submitted + 1) & mask)];
    }

    void publish()
    {
        submitted++;
        published.set(submitted);
        for (final Worker worker : workers)
        {
            if (worker.sleeping)
            {
                LockSupport.unpark(worker.thread);
            }
        }
    }

    /**
     * @return the oldest in-flight job when every worker has passed it, else null.
     * @throws IllegalStateException when a worker thread died.
     */
    VerifyJob completedHead()
    {
        final Throwable failed = failure;
        if (failed != null)
        {
            throw new IllegalStateException("a verification worker failed", failed);
        }
        if (head > submitted)
        {
            return null;
        }
        for (final Worker worker : workers)
        {
            if (worker.processed.get() < head)
            {
                return null;
            }
        }
        return jobs[(int)(head & mask)];
    }

    void releaseHead()
    {
        jobs[(int)(head & mask)].releaseKeys();
        head++;
    }

    /**
     * Park the calling (module) thread until the oldest in-flight job is complete or the timeout passed.
     *
     * @param timeoutNs longest wait.
     * @return true when the oldest job is complete (or none is in flight).
     */
    boolean awaitHead(final long timeoutNs)
    {
        if (!hasInFlight())
        {
            return true;
        }
        final long deadline = System.nanoTime() + timeoutNs;
        waiter = Thread.currentThread();
        try
        {
            while (completedHead() == null)
            {
                final long remaining = deadline - System.nanoTime();
                if (remaining <= 0)
                {
                    return false;
                }
                LockSupport.parkNanos(this, Math.min(remaining, MAX_PARK_NS));
            }
            return true;
        }
        finally
        {
            waiter = null;
        }
    }

    void close()
    {
        running = false;
        for (final Worker worker : workers)
        {
            LockSupport.unpark(worker.thread);
        }
        for (final Worker worker : workers)
        {
            try
            {
                worker.thread.join(JOIN_TIMEOUT_MS);
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    boolean allWorkersStopped()
    {
        for (final Worker worker : workers)
        {
            if (worker.thread.isAlive())
            {
                return false;
            }
        }
        return true;
    }

    private final class Worker implements Runnable
    {
        private final int index;
        private final int stride;
        private final Verifier verifier = new Verifier();
        private final AtomicLong processed = new AtomicLong(-1);
        private volatile boolean sleeping;
        private Thread thread;

        Worker(final int index, final int stride)
        {
            this.index = index;
            this.stride = stride;
        }

        @Override
        public void run()
        {
            long next = 0;
            try
            {
                while (running)
                {
                    if (published.get() >= next)
                    {
                        final VerifyJob job = jobs[(int)(next & mask)];
                        for (int i = index; i < job.count; i += stride)
                        {
                            job.valid[i] = verifier.verify(job, i);
                        }
                        processed.set(next);
                        next++;
                        final Thread waiting = waiter;
                        if (waiting != null)
                        {
                            LockSupport.unpark(waiting);
                        }
                    }
                    else
                    {
                        sleeping = true;
                        if (published.get() < next && running)
                        {
                            LockSupport.parkNanos(this, IDLE_PARK_NS);
                        }
                        sleeping = false;
                    }
                }
            }
            catch (final Throwable ex)
            {
                failure = ex;
                final Thread waiting = waiter;
                if (waiting != null)
                {
                    LockSupport.unpark(waiting);
                }
            }
        }
    }
}
