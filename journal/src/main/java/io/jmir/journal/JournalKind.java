package io.jmir.journal;

/**
 * The kinds of jmir journal. Each lives in its own Chronicle queue directory, by convention
 * {@code DATA/node-N/<dirName>}.
 */
public enum JournalKind
{
    /** Write-ahead log: what the protocol appends for recovery. */
    WAL("wal"),
    /** Event log: every event dispatched to every module, for debugging and replay. */
    EVENTS("events"),
    /** Request store: request payloads by request id. */
    REQUESTS("requests");

    private final String dirName;

    JournalKind(final String dirName)
    {
        this.dirName = dirName;
    }

    /**
     * @return the conventional directory name, also written in every journal header.
     */
    public String dirName()
    {
        return dirName;
    }

    /**
     * @param name as written in a journal header.
     * @return the kind, or null when the name is unknown.
     */
    public static JournalKind fromName(final String name)
    {
        for (final JournalKind kind : values())
        {
            if (kind.dirName.equals(name))
            {
                return kind;
            }
        }
        return null;
    }
}
