package io.jmir.journal.wal;

import io.jmir.journal.JournalFields;
import io.jmir.journal.JournalHeader;
import io.jmir.journal.JournalKind;
import io.jmir.journal.JournalMismatchException;
import io.jmir.journal.internal.EntryChecksum;
import io.jmir.journal.internal.JournalQueue;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.wire.DocumentContext;
import net.openhft.chronicle.wire.ValueIn;
import net.openhft.chronicle.wire.Wire;
import org.agrona.DirectBuffer;
import org.agrona.collections.Long2LongHashMap;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Reads a WAL from the start, checking every excerpt, and reports (or replays) the intact entries in order.
 * <p>
 * Rules: every cycle starts with a {@link JournalHeader} that must name this node, the WAL kind, this format and
 * a readable schema version (otherwise {@link JournalMismatchException}). An entry whose fields are missing, out
 * of order, or whose CRC-32C does not match stops the replay there: later entries are discarded (and counted;
 * when the excerpt framing itself is unreadable the rest of that cycle is skipped), and the replay only resumes
 * at a session header written by a writer that recovered up to exactly the last intact entry (a writer that
 * already knew about the damage). Excerpts left incomplete by a writer that died mid-write are skipped (they
 * were never acknowledged). Truncation markers and headers move the truncation point; entries below it are not
 * replayed.
 * <p>
 * <b>Threading:</b> single use, on one thread.
 */
final class WalScanner
{
    /** Receives replayed entries. */
    @FunctionalInterface
    interface EntryHandler
    {
        void onEntry(long retentionIndex, long walIndex, DirectBuffer buffer, int offset, int length);
    }

    private final JournalQueue queue;
    private final int nodeId;
    private final StringBuilder name = new StringBuilder();
    private final Bytes<?> entryBytes = Bytes.allocateElasticDirect(4096);
    private final UnsafeBuffer entryView = new UnsafeBuffer(0, 0);
    private final EntryChecksum checksum = new EntryChecksum(4096);
    private final Long2LongHashMap cycleMaxRetention = new Long2LongHashMap(Long.MIN_VALUE);

    private long lastGood;
    private long truncatedBelow;
    private long corruptionIndex;
    private String corruptionReason;
    private boolean stopped;
    private long entries;
    private long replayed;
    private long belowTruncation;
    private long discarded;
    private long incomplete;

    WalScanner(final JournalQueue queue, final int nodeId)
    {
        this.queue = queue;
        this.nodeId = nodeId;
    }

    /**
     * Scan the whole WAL.
     *
     * @param handler            receives replayed entries, or null to only scan.
     * @param replayFromRetention entries with a retention index below are not replayed.
     */
    void scan(final EntryHandler handler, final long replayFromRetention)
    {
        reset();
        if (queue.isEmpty())
        {
            return;
        }
        try (ExcerptTailer tailer = queue.tailer())
        {
            final int lastCycle = queue.queue().lastCycle();
            while (true)
            {
                final long index;
                final boolean present;
                String problem = null;
                try (DocumentContext dc = tailer.readingDocument())
                {
                    present = dc.isPresent();
                    index = present ? dc.index() : tailer.index();
                    if (present)
                    {
                        problem = readDocument(dc.wire(), index, handler, replayFromRetention);
                    }
                }
                catch (final JournalMismatchException ex)
                {
                    throw ex;
                }
                catch (final RuntimeException ex)
                {
                    problem = "unreadable excerpt: " + ex;
                    if (!markCorrupt(tailer.index(), problem) || !skipToNextCycle(tailer, lastCycle))
                    {
                        break;
                    }
                    continue;
                }
                if (!present)
                {
                    final int cycle = JournalQueue.ROLL_CYCLE.toCycle(index);
                    if (cycle >= lastCycle || index == 0)
                    {
                        break;
                    }
                    incomplete++;
                    if (!skipToNextCycle(tailer, lastCycle))
                    {
                        break;
                    }
                }
                else if (problem != null)
                {
                    markCorrupt(index, problem);
                }
            }
        }
    }

    private String readDocument(
        final Wire wire, final long index, final EntryHandler handler, final long replayFromRetention)
    {
        final String type = wire.read(JournalFields.TYPE).text();
        if (JournalFields.TYPE_HEADER.equals(type))
        {
            onHeader(JournalHeader.read(wire));
            return null;
        }
        if (JournalFields.TYPE_WAL_TRUNCATE.equals(type))
        {
            if (!stopped)
            {
                final ValueIn node = expect(wire, JournalFields.NODE);
                final ValueIn retention = node == null ? null : (node.int32() == nodeId ?
                    expect(wire, JournalFields.RETENTION_INDEX) : null);
                if (retention == null)
                {
                    return "malformed WalTruncate marker";
                }
                truncatedBelow = Math.max(truncatedBelow, retention.int64());
            }
            return null;
        }
        if (JournalFields.TYPE_WAL_ENTRY.equals(type))
        {
            if (stopped)
            {
                discarded++;
                return null;
            }
            return readEntry(wire, index, handler, replayFromRetention);
        }
        return "unknown excerpt type '" + type + "'";
    }

    private String readEntry(
        final Wire wire, final long index, final EntryHandler handler, final long replayFromRetention)
    {
        ValueIn value = expect(wire, JournalFields.NODE);
        if (value == null)
        {
            return "entry field '" + JournalFields.NODE + "' missing (torn or damaged excerpt)";
        }
        final int node = value.int32();
        if (node != nodeId)
        {
            return "entry names node " + node + " in the WAL of node " + nodeId;
        }
        value = expect(wire, JournalFields.RETENTION_INDEX);
        if (value == null)
        {
            return "entry field '" + JournalFields.RETENTION_INDEX + "' missing (torn or damaged excerpt)";
        }
        final long retentionIndex = value.int64();
        value = expect(wire, JournalFields.ENTRY_TYPE);
        if (value == null)
        {
            return "entry field '" + JournalFields.ENTRY_TYPE + "' missing (torn or damaged excerpt)";
        }
        value.skipValue();
        value = expect(wire, JournalFields.ENTRY);
        if (value == null)
        {
            return "entry field '" + JournalFields.ENTRY + "' missing (torn or damaged excerpt)";
        }
        entryBytes.clear();
        value.bytes(entryBytes);
        value = expect(wire, JournalFields.CRC);
        if (value == null)
        {
            return "entry field '" + JournalFields.CRC + "' missing (torn or damaged excerpt)";
        }
        final int storedCrc = value.int32();
        final int length = (int)entryBytes.readRemaining();
        entryView.wrap(entryBytes.addressForRead(entryBytes.readPosition()), Math.max(length, 0));
        final int crc = checksum.compute(retentionIndex, entryView, 0, length);
        if (crc != storedCrc)
        {
            return "checksum mismatch (stored 0x" + Integer.toHexString(storedCrc) + ", computed 0x" +
                Integer.toHexString(crc) + ", retention index " + retentionIndex + ", " + length + " bytes)";
        }
        entries++;
        lastGood = index;
        final long cycle = JournalQueue.ROLL_CYCLE.toCycle(index);
        if (retentionIndex > cycleMaxRetention.get(cycle))
        {
            cycleMaxRetention.put(cycle, retentionIndex);
        }
        if (retentionIndex < replayFromRetention)
        {
            belowTruncation++;
        }
        else if (handler != null)
        {
            replayed++;
            handler.onEntry(retentionIndex, index, entryView, 0, length);
        }
        return null;
    }

    private void onHeader(final JournalHeader header)
    {
        header.verify(queue.directory(), JournalKind.WAL, nodeId);
        if (stopped && header.sessionStart() && header.recoveredUpTo() == lastGood)
        {
            stopped = false;
        }
        if (!stopped)
        {
            truncatedBelow = Math.max(truncatedBelow, header.truncatedBelow());
        }
    }

    private ValueIn expect(final Wire wire, final String field)
    {
        if (!wire.hasMore())
        {
            return null;
        }
        final ValueIn value = wire.readEventName(name);
        return field.contentEquals(name) ? value : null;
    }

    private boolean markCorrupt(final long index, final String reason)
    {
        if (!stopped)
        {
            stopped = true;
            corruptionIndex = index;
            corruptionReason = reason;
        }
        return true;
    }

    private boolean skipToNextCycle(final ExcerptTailer tailer, final int lastCycle)
    {
        final int cycle = tailer.cycle();
        for (int next = cycle + 1; next <= lastCycle; next++)
        {
            if (tailer.moveToCycle(next))
            {
                return true;
            }
        }
        return false;
    }

    private void reset()
    {
        lastGood = -1;
        truncatedBelow = Long.MIN_VALUE;
        corruptionIndex = -1;
        corruptionReason = null;
        stopped = false;
        entries = 0;
        replayed = 0;
        belowTruncation = 0;
        discarded = 0;
        incomplete = 0;
        cycleMaxRetention.clear();
    }

    long lastGood()
    {
        return lastGood;
    }

    long truncatedBelow()
    {
        return truncatedBelow;
    }

    Long2LongHashMap cycleMaxRetention()
    {
        return cycleMaxRetention;
    }

    long entries()
    {
        return entries;
    }

    WalRecoveryReport report()
    {
        return new WalRecoveryReport(replayed, belowTruncation, lastGood, truncatedBelow,
            stopped ? corruptionIndex : -1, stopped ? corruptionReason : null, discarded, incomplete);
    }

    void close()
    {
        entryBytes.releaseLast();
    }
}
