package io.jmir.engine.internal;

import io.jmir.engine.Module;

/**
 * A module as a runtime holds it: id, name, instance and whether it has failed. Internal API.
 * <p>
 * <b>Threading:</b> read and written by the module's thread; {@link #failed()} is volatile so other threads
 * may read it, {@link #failedOnOwner()} is for the module's thread only.
 */
public final class ModuleHost
{
    private final int id;
    private final String name;
    private final Module module;
    private final boolean holdsFollowUps;
    private volatile boolean failed;
    private boolean failedOnOwner;

    /**
     * @param id     routing id.
     * @param name   registered name.
     * @param module the instance.
     */
    public ModuleHost(final int id, final String name, final Module module)
    {
        this.id = id;
        this.name = name;
        this.module = module;
        this.holdsFollowUps = module.holdsFollowUpsUntilEndOfBatch();
    }

    /**
     * @return routing id.
     */
    public int id()
    {
        return id;
    }

    /**
     * @return registered name.
     */
    public String name()
    {
        return name;
    }

    /**
     * @return the module.
     */
    public Module module()
    {
        return module;
    }

    /**
     * @return true when follow-ups wait for the end of the batch.
     */
    public boolean holdsFollowUps()
    {
        return holdsFollowUps;
    }

    /**
     * @return true once the module has failed.
     */
    public boolean failed()
    {
        return failed;
    }

    /**
     * {@link #failed()} without the volatile read, for the module's own thread (the one that marks it failed):
     * the dispatch path checks it before every event.
     *
     * @return true once the module has failed.
     */
    public boolean failedOnOwner()
    {
        return failedOnOwner;
    }

    /**
     * Mark the module failed; it receives no further events. Called on the module's thread.
     */
    public void markFailed()
    {
        failedOnOwner = true;
        failed = true;
    }
}
