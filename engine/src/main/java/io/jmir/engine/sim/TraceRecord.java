package io.jmir.engine.sim;

import java.util.Arrays;

/**
 * One entry of a recorded simulation trace ({@link Simulation.Context#recordTrace(boolean)}): an event
 * dispatched to a module, a module's duty cycle, or a node starting or crashing. Immutable.
 */
public final class TraceRecord
{
    /** What a record stands for. */
    public enum Kind
    {
        /** An event was taken from a module's inbox and dispatched; {@link #bytes()} is its envelope. */
        EVENT,
        /** A module's {@code doWork} ran because its deadline was reached; no bytes. */
        DO_WORK,
        /** A node started (first start or restart); module id is -1. */
        START,
        /** A node crashed (by the driver or by its fault policy); module id is -1. */
        CRASH
    }

    private final long index;
    private final Kind kind;
    private final int nodeId;
    private final int moduleId;
    private final String moduleName;
    private final String eventName;
    private final long timeNs;
    private final byte[] bytes;

    TraceRecord(
        final long index,
        final Kind kind,
        final int nodeId,
        final int moduleId,
        final String moduleName,
        final String eventName,
        final long timeNs,
        final byte[] bytes)
    {
        this.index = index;
        this.kind = kind;
        this.nodeId = nodeId;
        this.moduleId = moduleId;
        this.moduleName = moduleName;
        this.eventName = eventName;
        this.timeNs = timeNs;
        this.bytes = bytes;
    }

    /**
     * @return position of the record in the trace, from 0.
     */
    public long index()
    {
        return index;
    }

    /**
     * @return what the record stands for.
     */
    public Kind kind()
    {
        return kind;
    }

    /**
     * @return node id.
     */
    public int nodeId()
    {
        return nodeId;
    }

    /**
     * @return module id, -1 for node-level records.
     */
    public int moduleId()
    {
        return moduleId;
    }

    /**
     * @return module name, empty for node-level records.
     */
    public String moduleName()
    {
        return moduleName;
    }

    /**
     * @return event type name for {@link Kind#EVENT}, else the kind in lower case.
     */
    public String eventName()
    {
        return eventName;
    }

    /**
     * @return virtual time of the record in ns.
     */
    public long timeNs()
    {
        return timeNs;
    }

    /**
     * @return a copy of the envelope bytes for {@link Kind#EVENT}, the incarnation (4 bytes LE) for
     * {@link Kind#START}, the work count (4 bytes LE) for {@link Kind#DO_WORK}, else empty.
     */
    public byte[] bytes()
    {
        return bytes.clone();
    }

    /**
     * @return length of {@link #bytes()}.
     */
    public int length()
    {
        return bytes.length;
    }

    @Override
    public boolean equals(final Object o)
    {
        if (this == o)
        {
            return true;
        }
        if (!(o instanceof TraceRecord))
        {
            return false;
        }
        final TraceRecord that = (TraceRecord)o;
        return index == that.index && kind == that.kind && nodeId == that.nodeId && moduleId == that.moduleId &&
            timeNs == that.timeNs && Arrays.equals(bytes, that.bytes);
    }

    @Override
    public int hashCode()
    {
        int result = Long.hashCode(index);
        result = 31 * result + kind.hashCode();
        result = 31 * result + nodeId;
        result = 31 * result + moduleId;
        result = 31 * result + Long.hashCode(timeNs);
        return 31 * result + Arrays.hashCode(bytes);
    }

    @Override
    public String toString()
    {
        final StringBuilder sb = new StringBuilder()
            .append('#').append(index).append(" t=").append(timeNs).append("ns node ").append(nodeId);
        if (moduleId >= 0)
        {
            sb.append(" module ").append(moduleId).append(" (").append(moduleName).append(')');
        }
        sb.append(' ').append(eventName).append(" len=").append(bytes.length).append(" bytes=");
        final int shown = Math.min(bytes.length, 48);
        for (int i = 0; i < shown; i++)
        {
            sb.append(Character.forDigit((bytes[i] >> 4) & 0xF, 16)).append(Character.forDigit(bytes[i] & 0xF, 16));
        }
        if (shown < bytes.length)
        {
            sb.append("...");
        }
        return sb.toString();
    }
}
