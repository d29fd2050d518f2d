package io.jmir.benchmarks.pipeline;

import org.agrona.concurrent.IdleStrategy;

/**
 * A thread draining one or more {@link RawStage}s in turn with an Agrona idle strategy — the same duty cycle
 * shape as the pipeline runtime's stage threads, without modules, envelopes or validation.
 * <p>
 * <b>Threading:</b> {@link #close()} may be called from any thread.
 */
final class RawStageThread implements Runnable, AutoCloseable
{
    private final RawStage[] stages;
    private final IdleStrategy idleStrategy;
    private final Thread thread;
    private volatile boolean running = true;
    private volatile Throwable failure;

    RawStageThread(final String name, final IdleStrategy idleStrategy, final RawStage... stages)
    {
        this.stages = stages;
        this.idleStrategy = idleStrategy;
        this.thread = new Thread(this, name);
        this.thread.setDaemon(true);
    }

    void start()
    {
        thread.start();
    }

    Throwable failure()
    {
        return failure;
    }

    boolean isRunning()
    {
        return running;
    }

    @Override
    public void run()
    {
        try
        {
            while (running)
            {
                int work = 0;
                for (final RawStage stage : stages)
                {
                    work += stage.poll();
                }
                if (work == 0)
                {
                    idleStrategy.idle(0);
                }
                else
                {
                    idleStrategy.reset();
                }
            }
        }
        catch (final Throwable ex)
        {
            failure = ex;
            running = false;
        }
    }

    @Override
    public void close()
    {
        running = false;
        try
        {
            thread.join(10_000);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
        if (thread.isAlive())
        {
            throw new IllegalStateException(thread.getName() + " did not stop within 10 s");
        }
    }
}
