package io.jmir.journal.wal;

/**
 * What the last recovery of a WAL found. Immutable.
 */
public final class WalRecoveryReport
{
    private final long entriesRecovered;
    private final long entriesBelowTruncation;
    private final long lastGoodIndex;
    private final long truncatedBelow;
    private final long corruptionIndex;
    private final String corruptionReason;
    private final long entriesDiscarded;
    private final long incompleteExcerpts;

    /**
     * @param entriesRecovered       entries replayed (WalEntryLoaded emitted).
     * @param entriesBelowTruncation intact entries not replayed because they are below the truncation point.
     * @param lastGoodIndex          WAL index of the last intact entry read, -1 when none.
     * @param truncatedBelow         retention index below which entries are dropped.
     * @param corruptionIndex        WAL index where reading stopped because of damage, -1 when none.
     * @param corruptionReason       why it stopped, null when it did not.
     * @param entriesDiscarded       entries after the damage that were not replayed.
     * @param incompleteExcerpts     excerpts a dead writer never completed (never acknowledged), skipped.
     */
    public WalRecoveryReport(
        final long entriesRecovered,
        final long entriesBelowTruncation,
        final long lastGoodIndex,
        final long truncatedBelow,
        final long corruptionIndex,
        final String corruptionReason,
        final long entriesDiscarded,
        final long incompleteExcerpts)
    {
        this.entriesRecovered = entriesRecovered;
        this.entriesBelowTruncation = entriesBelowTruncation;
        this.lastGoodIndex = lastGoodIndex;
        this.truncatedBelow = truncatedBelow;
        this.corruptionIndex = corruptionIndex;
        this.corruptionReason = corruptionReason;
        this.entriesDiscarded = entriesDiscarded;
        this.incompleteExcerpts = incompleteExcerpts;
    }

    /**
     * @return entries replayed.
     */
    public long entriesRecovered()
    {
        return entriesRecovered;
    }

    /**
     * @return intact entries skipped because they are below the truncation point.
     */
    public long entriesBelowTruncation()
    {
        return entriesBelowTruncation;
    }

    /**
     * @return WAL index of the last intact entry, -1 when none.
     */
    public long lastGoodIndex()
    {
        return lastGoodIndex;
    }

    /**
     * @return retention index below which entries are dropped ({@link Long#MIN_VALUE} when never truncated).
     */
    public long truncatedBelow()
    {
        return truncatedBelow;
    }

    /**
     * @return true when recovery stopped early because of a damaged entry.
     */
    public boolean stoppedAtCorruption()
    {
        return corruptionReason != null;
    }

    /**
     * @return WAL index of the damaged excerpt, -1 when none.
     */
    public long corruptionIndex()
    {
        return corruptionIndex;
    }

    /**
     * @return why recovery stopped, null when it read everything.
     */
    public String corruptionReason()
    {
        return corruptionReason;
    }

    /**
     * @return entries after the damage that were not replayed.
     */
    public long entriesDiscarded()
    {
        return entriesDiscarded;
    }

    /**
     * @return excerpts left incomplete by a writer that died mid-write, skipped.
     */
    public long incompleteExcerpts()
    {
        return incompleteExcerpts;
    }

    @Override
    public String toString()
    {
        final StringBuilder sb = new StringBuilder("recovered ").append(entriesRecovered).append(" entries");
        sb.append(", last good index ").append(WalIndex.format(lastGoodIndex));
        if (truncatedBelow != Long.MIN_VALUE)
        {
            sb.append(", truncated below retention index ").append(truncatedBelow)
                .append(" (").append(entriesBelowTruncation).append(" older entries skipped)");
        }
        if (corruptionReason != null)
        {
            sb.append("; STOPPED at index ").append(WalIndex.format(corruptionIndex)).append(": ")
                .append(corruptionReason).append(" (").append(entriesDiscarded).append(" later entries discarded)");
        }
        if (incompleteExcerpts > 0)
        {
            sb.append("; ").append(incompleteExcerpts).append(" incomplete excerpt(s) of a dead writer skipped");
        }
        return sb.toString();
    }
}
