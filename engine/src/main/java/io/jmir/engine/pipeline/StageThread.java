package io.jmir.engine.pipeline;

import io.jmir.engine.IdleMode;
import net.openhft.affinity.Affinity;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.BusySpinIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.YieldingIdleStrategy;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * A thread running the duty cycle of one or more stages (several stages may share a thread on small machines).
 * Each cycle reads the clock once, then for every stage forwards overflow, drains up to a batch of events and
 * runs the module's duty cycle; with nothing done it idles per its {@link IdleMode}. In {@link IdleMode#BLOCKING}
 * it parks until a producer publishes to one of its rings ({@link #signal()}) or the earliest module deadline.
 * Internal API.
 * <p>
 * <b>Threading:</b> {@link #signal()} is called by producers on any thread; everything else on this thread.
 */
final class StageThread implements Runnable
{
    private static final long MAX_PARK_NS = TimeUnit.MILLISECONDS.toNanos(100);
    private static final long OVERFLOW_RETRY_NS = TimeUnit.MICROSECONDS.toNanos(20);

    private final String name;
    private final IdleMode idleMode;
    private final int cpu;
    private final Stage[] stages;
    private final PipelineRuntime runtime;
    private final IdleStrategy idleStrategy;
    private final long pollIntervalNs;
    private final Thread thread;
    private volatile boolean parked;

    StageThread(
        final String name,
        final IdleMode idleMode,
        final int cpu,
        final Stage[] stages,
        final PipelineRuntime runtime,
        final long pollIntervalNs)
    {
        this.name = name;
        this.idleMode = idleMode;
        this.cpu = cpu;
        this.stages = stages;
        this.runtime = runtime;
        this.pollIntervalNs = pollIntervalNs;
        this.idleStrategy = idleStrategy(idleMode);
        this.thread = new Thread(this, name);
        this.thread.setDaemon(true);
    }

    Thread thread()
    {
        return thread;
    }

    String name()
    {
        return name;
    }

    void start()
    {
        thread.start();
    }

    void signal()
    {
        if (parked)
        {
            LockSupport.unpark(thread);
        }
    }

    void wake()
    {
        LockSupport.unpark(thread);
    }

    @Override
    public void run()
    {
        if (cpu >= 0)
        {
            Affinity.setAffinity(cpu);
        }
        try
        {
            while (runtime.isRunning())
            {
                final long nowNs = System.nanoTime();
                final long epochNs = runtime.epochNs(nowNs);
                int work = 0;
                for (final Stage stage : stages)
                {
                    work += stage.doWork(nowNs, epochNs, !runtime.isRecovering());
                }
                runtime.afterDutyCycle(work);
                if (work == 0)
                {
                    idle(nowNs);
                }
                else if (idleStrategy != null)
                {
                    idleStrategy.reset();
                }
            }
        }
        catch (final Throwable ex)
        {
            runtime.onThreadFailure(this, ex);
        }
        finally
        {
            for (final Stage stage : stages)
            {
                stage.close(ex -> runtime.onCloseFailure(stage.host.name(), ex));
            }
            runtime.onThreadExit(this);
        }
    }

    private void idle(final long nowNs)
    {
        if (idleStrategy != null)
        {
            idleStrategy.idle(0);
            return;
        }
        parked = true;
        try
        {
            if (hasPending())
            {
                // A producer claimed a slot but has not published it yet (or just published): let it run.
                Thread.yield();
            }
            else if (runtime.isRunning())
            {
                LockSupport.parkNanos(this, parkTimeout(nowNs));
            }
        }
        finally
        {
            parked = false;
        }
    }

    private boolean hasPending()
    {
        for (final Stage stage : stages)
        {
            if (stage.hasPending())
            {
                return true;
            }
        }
        return false;
    }

    private long parkTimeout(final long nowNs)
    {
        long timeout = MAX_PARK_NS;
        for (final Stage stage : stages)
        {
            if (stage.emitter().isBackPressured())
            {
                timeout = Math.min(timeout, OVERFLOW_RETRY_NS);
            }
            final long deadline = stage.nextDeadlineNs();
            if (deadline == 0)
            {
                timeout = Math.min(timeout, pollIntervalNs);
            }
            else if (deadline != Long.MAX_VALUE)
            {
                timeout = Math.min(timeout, Math.max(1, deadline - nowNs));
            }
        }
        return timeout;
    }

    private static IdleStrategy idleStrategy(final IdleMode mode)
    {
        switch (mode)
        {
            case BUSY_SPIN:
                return new BusySpinIdleStrategy();
            case YIELDING:
                return new YieldingIdleStrategy();
            case SLEEPING:
                return new BackoffIdleStrategy(10, 20, TimeUnit.MICROSECONDS.toNanos(1),
                    TimeUnit.MILLISECONDS.toNanos(1));
            case BLOCKING:
            default:
                return null;
        }
    }

    IdleMode idleMode()
    {
        return idleMode;
    }
}
