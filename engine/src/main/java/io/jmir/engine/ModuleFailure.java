package io.jmir.engine;

/**
 * A module threw while processing an event. Immutable.
 */
public final class ModuleFailure
{
    private final int nodeId;
    private final String moduleName;
    private final String eventName;
    private final Throwable cause;

    /**
     * @param nodeId     node the module belongs to.
     * @param moduleName name of the module that threw.
     * @param eventName  type of the event it was processing ("doWork", "onEndOfBatch" for duty cycles).
     * @param cause      what it threw.
     */
    public ModuleFailure(final int nodeId, final String moduleName, final String eventName, final Throwable cause)
    {
        this.nodeId = nodeId;
        this.moduleName = moduleName;
        this.eventName = eventName;
        this.cause = cause;
    }

    /**
     * @return node id.
     */
    public int nodeId()
    {
        return nodeId;
    }

    /**
     * @return name of the failed module.
     */
    public String moduleName()
    {
        return moduleName;
    }

    /**
     * @return event type being processed when it failed.
     */
    public String eventName()
    {
        return eventName;
    }

    /**
     * @return what the module threw.
     */
    public Throwable cause()
    {
        return cause;
    }

    @Override
    public String toString()
    {
        return "node " + nodeId + ": module '" + moduleName + "' failed processing " + eventName + ": " + cause;
    }
}
