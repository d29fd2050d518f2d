package io.jmir.journal;

import io.jmir.codecs.EnvelopeLayout;
import io.jmir.codecs.engine.EnvelopeEncoder;
import net.openhft.chronicle.wire.ValueIn;
import net.openhft.chronicle.wire.WireIn;
import net.openhft.chronicle.wire.WireOut;

import java.nio.file.Path;
import java.util.Arrays;

/**
 * The header every roll cycle of a jmir journal starts with: which kind of journal, which node, which format
 * and schema version, plus what a reader needs to interpret the entries (WAL: truncation point and the
 * session boundary; event log: cluster size and module names). Immutable; safe to share.
 */
public final class JournalHeader
{
    /** Value of {@link #recoveredUpTo()} when no entry was recovered. */
    public static final long NONE = -1;

    private final JournalKind kind;
    private final int nodeId;
    private final int format;
    private final int schemaId;
    private final int schemaVersion;
    private final boolean sessionStart;
    private final long recoveredUpTo;
    private final long truncatedBelow;
    private final int nodeCount;
    private final String[] modules;

    /**
     * @param kind           of journal.
     * @param nodeId         owning node.
     * @param format         wire format version ({@link JournalFields#FORMAT_VERSION} when written by this build).
     * @param schemaId       SBE schema id of the events (the engine's).
     * @param schemaVersion  SBE schema version the events were written with.
     * @param sessionStart   true in the first header written after the journal was opened for writing.
     * @param recoveredUpTo  index of the last entry recovered when the session started, or {@link #NONE}.
     * @param truncatedBelow retention index below which entries are dropped ({@link Long#MIN_VALUE}: none).
     * @param nodeCount      cluster size, 0 when not recorded.
     * @param modules        module names in id order, empty when not recorded.
     */
    public JournalHeader(
        final JournalKind kind,
        final int nodeId,
        final int format,
        final int schemaId,
        final int schemaVersion,
        final boolean sessionStart,
        final long recoveredUpTo,
        final long truncatedBelow,
        final int nodeCount,
        final String[] modules)
    {
        this.kind = kind;
        this.nodeId = nodeId;
        this.format = format;
        this.schemaId = schemaId;
        this.schemaVersion = schemaVersion;
        this.sessionStart = sessionStart;
        this.recoveredUpTo = recoveredUpTo;
        this.truncatedBelow = truncatedBelow;
        this.nodeCount = nodeCount;
        this.modules = modules.clone();
    }

    /**
     * A header as this build writes it.
     *
     * @param kind           of journal.
     * @param nodeId         owning node.
     * @param sessionStart   true for the first header of a session.
     * @param recoveredUpTo  last recovered index or {@link #NONE}.
     * @param truncatedBelow truncation point or {@link Long#MIN_VALUE}.
     * @param nodeCount      cluster size or 0.
     * @param modules        module names or empty.
     * @return the header.
     */
    public static JournalHeader current(
        final JournalKind kind,
        final int nodeId,
        final boolean sessionStart,
        final long recoveredUpTo,
        final long truncatedBelow,
        final int nodeCount,
        final String[] modules)
    {
        return new JournalHeader(kind, nodeId, JournalFields.FORMAT_VERSION, EnvelopeLayout.ENGINE_SCHEMA_ID,
            EnvelopeEncoder.SCHEMA_VERSION, sessionStart, recoveredUpTo, truncatedBelow, nodeCount, modules);
    }

    /**
     * Write the header's fields (including the type field) into a document.
     *
     * @param wire of the open document.
     */
    public void write(final WireOut wire)
    {
        wire.write(JournalFields.TYPE).text(JournalFields.TYPE_HEADER)
            .write(JournalFields.JOURNAL).text(kind.dirName())
            .write(JournalFields.NODE).int32(nodeId)
            .write(JournalFields.FORMAT).int32(format)
            .write(JournalFields.SCHEMA_ID).int32(schemaId)
            .write(JournalFields.SCHEMA_VERSION).int32(schemaVersion)
            .write(JournalFields.SESSION_START).bool(sessionStart)
            .write(JournalFields.RECOVERED_UP_TO).int64(recoveredUpTo);
        if (truncatedBelow != Long.MIN_VALUE)
        {
            wire.write(JournalFields.TRUNCATED_BELOW).int64(truncatedBelow);
        }
        if (nodeCount > 0)
        {
            wire.write(JournalFields.NODE_COUNT).int32(nodeCount);
        }
        if (modules.length > 0)
        {
            wire.write(JournalFields.MODULES).text(String.join(",", modules));
        }
    }

    /**
     * Read the fields of a header whose type field was already consumed. Unknown fields are skipped so that
     * later formats may add some.
     *
     * @param wire positioned after the type field.
     * @return the header.
     * @throws JournalException when the journal kind is unknown.
     */
    public static JournalHeader read(final WireIn wire)
    {
        final StringBuilder name = new StringBuilder();
        String journal = null;
        int nodeId = -1;
        int format = -1;
        int schemaId = -1;
        int schemaVersion = -1;
        boolean sessionStart = false;
        long recoveredUpTo = NONE;
        long truncatedBelow = Long.MIN_VALUE;
        int nodeCount = 0;
        String[] modules = new String[0];
        while (wire.hasMore())
        {
            final ValueIn value = wire.readEventName(name);
            switch (name.toString())
            {
                case JournalFields.JOURNAL -> journal = value.text();
                case JournalFields.NODE -> nodeId = value.int32();
                case JournalFields.FORMAT -> format = value.int32();
                case JournalFields.SCHEMA_ID -> schemaId = value.int32();
                case JournalFields.SCHEMA_VERSION -> schemaVersion = value.int32();
                case JournalFields.SESSION_START -> sessionStart = value.bool();
                case JournalFields.RECOVERED_UP_TO -> recoveredUpTo = value.int64();
                case JournalFields.TRUNCATED_BELOW -> truncatedBelow = value.int64();
                case JournalFields.NODE_COUNT -> nodeCount = value.int32();
                case JournalFields.MODULES ->
                {
                    final String text = value.text();
                    modules = text == null || text.isEmpty() ? new String[0] : text.split(",");
                }
                default -> value.skipValue();
            }
        }
        final JournalKind kind = JournalKind.fromName(journal);
        if (kind == null)
        {
            throw new JournalException("journal header names an unknown journal kind '" + journal + "'");
        }
        return new JournalHeader(kind, nodeId, format, schemaId, schemaVersion, sessionStart, recoveredUpTo,
            truncatedBelow, nodeCount, modules);
    }

    /**
     * Check that this header allows the given owner to use the journal.
     *
     * @param directory     of the journal, for the message.
     * @param expectedKind  kind the caller wants.
     * @param expectedNode  node the caller runs, or -1 to accept any node.
     * @throws JournalMismatchException when the kind, node, format or schema does not match.
     */
    public void verify(final Path directory, final JournalKind expectedKind, final int expectedNode)
    {
        if (kind != expectedKind)
        {
            throw new JournalMismatchException("journal " + directory + " is a '" + kind.dirName() +
                "' journal, not a '" + expectedKind.dirName() + "' journal");
        }
        if (expectedNode >= 0 && nodeId != expectedNode)
        {
            throw new JournalMismatchException("journal " + directory + " belongs to node " + nodeId +
                ", refusing to open it for node " + expectedNode);
        }
        if (format != JournalFields.FORMAT_VERSION)
        {
            throw new JournalMismatchException("journal " + directory + " has format version " + format +
                ", this build reads format version " + JournalFields.FORMAT_VERSION);
        }
        if (schemaId != EnvelopeLayout.ENGINE_SCHEMA_ID)
        {
            throw new JournalMismatchException("journal " + directory + " holds events of SBE schema id " +
                schemaId + ", expected the engine schema id " + EnvelopeLayout.ENGINE_SCHEMA_ID);
        }
        if (schemaVersion < 0 || schemaVersion > EnvelopeEncoder.SCHEMA_VERSION)
        {
            throw new JournalMismatchException("journal " + directory + " was written with engine schema version " +
                schemaVersion + ", this build reads engine schema versions up to " + EnvelopeEncoder.SCHEMA_VERSION);
        }
    }

    /**
     * @return kind of journal.
     */
    public JournalKind kind()
    {
        return kind;
    }

    /**
     * @return owning node.
     */
    public int nodeId()
    {
        return nodeId;
    }

    /**
     * @return wire format version.
     */
    public int format()
    {
        return format;
    }

    /**
     * @return SBE schema id.
     */
    public int schemaId()
    {
        return schemaId;
    }

    /**
     * @return SBE schema version.
     */
    public int schemaVersion()
    {
        return schemaVersion;
    }

    /**
     * @return true for the first header of a session.
     */
    public boolean sessionStart()
    {
        return sessionStart;
    }

    /**
     * @return index of the last entry recovered when the session started, or {@link #NONE}.
     */
    public long recoveredUpTo()
    {
        return recoveredUpTo;
    }

    /**
     * @return retention index below which entries are dropped, {@link Long#MIN_VALUE} when none.
     */
    public long truncatedBelow()
    {
        return truncatedBelow;
    }

    /**
     * @return cluster size, 0 when not recorded.
     */
    public int nodeCount()
    {
        return nodeCount;
    }

    /**
     * @return module names in id order (a copy), empty when not recorded.
     */
    public String[] modules()
    {
        return modules.clone();
    }

    @Override
    public String toString()
    {
        return "JournalHeader{" + kind.dirName() + ", node=" + nodeId + ", format=" + format + ", schema=" +
            schemaId + "v" + schemaVersion + ", sessionStart=" + sessionStart + ", recoveredUpTo=" + recoveredUpTo +
            ", truncatedBelow=" + truncatedBelow + ", nodeCount=" + nodeCount + ", modules=" +
            Arrays.toString(modules) + '}';
    }
}
