package io.jmir.engine.pipeline;

import io.jmir.engine.IdleMode;

/**
 * One stage thread as configured: name, idle mode, CPU (or -1) and the module ids it runs. Immutable.
 */
public final class ThreadPlan
{
    private final String name;
    private final IdleMode idleMode;
    private final int cpu;
    private final int[] moduleIds;

    /**
     * @param name      thread name suffix.
     * @param idleMode  how it waits.
     * @param cpu       CPU to pin to, or -1.
     * @param moduleIds modules whose stages it runs.
     */
    public ThreadPlan(final String name, final IdleMode idleMode, final int cpu, final int[] moduleIds)
    {
        this.name = name;
        this.idleMode = idleMode;
        this.cpu = cpu;
        this.moduleIds = moduleIds.clone();
    }

    /**
     * @return thread name suffix.
     */
    public String name()
    {
        return name;
    }

    /**
     * @return idle mode.
     */
    public IdleMode idleMode()
    {
        return idleMode;
    }

    /**
     * @return CPU or -1.
     */
    public int cpu()
    {
        return cpu;
    }

    /**
     * @return module ids (copy).
     */
    public int[] moduleIds()
    {
        return moduleIds.clone();
    }
}
