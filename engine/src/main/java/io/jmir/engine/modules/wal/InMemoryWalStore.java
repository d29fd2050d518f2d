package io.jmir.engine.modules.wal;

import org.agrona.DirectBuffer;

import java.util.ArrayList;
import java.util.List;

/**
 * The durable part of an {@link InMemoryWal}: what survives a simulated crash. A simulation keeps one store
 * per node across crash and restart and hands it to the node's new {@link InMemoryWal}; entries appended by
 * the crashed incarnation after its last end of batch are not in it, exactly as a real WAL loses what it had
 * not made durable.
 * <p>
 * Each entry keeps its retention index and a WAL index: its position in the log, counted from 0 over the
 * store's lifetime (truncation does not renumber).
 * <p>
 * <b>Threading:</b> thread safe (synchronized): a node's WAL stage appends while a test or the simulation may
 * inspect it, and recovery runs on the thread that starts the node.
 */
public final class InMemoryWalStore
{
    /**
     * One stored entry. Immutable.
     *
     * @param retentionIndex index it was appended with.
     * @param walIndex       position in the log.
     * @param entry          bytes as appended (do not modify).
     */
    public record Entry(long retentionIndex, long walIndex, byte[] entry)
    {
    }

    /**
     * Receives stored entries in log order.
     */
    @FunctionalInterface
    public interface EntryHandler
    {
        /**
         * @param retentionIndex the entry's retention index.
         * @param walIndex       its position in the log.
         * @param entry          its bytes (do not modify or keep beyond the call).
         */
        void onEntry(long retentionIndex, long walIndex, byte[] entry);
    }

    private final List<Entry> entries = new ArrayList<>();
    private long nextWalIndex;
    private long bytes;

    /**
     * Append a copy of an entry.
     *
     * @param retentionIndex of the entry.
     * @param buffer         holding it.
     * @param offset         of it.
     * @param length         of it.
     * @return its WAL index.
     */
    public synchronized long append(
        final long retentionIndex, final DirectBuffer buffer, final int offset, final int length)
    {
        final byte[] copy = new byte[length];
        buffer.getBytes(offset, copy);
        final long walIndex = nextWalIndex++;
        entries.add(new Entry(retentionIndex, walIndex, copy));
        bytes += length;
        return walIndex;
    }

    /**
     * Drop every entry whose retention index is below {@code retentionIndex}.
     *
     * @param retentionIndex lowest retention index kept.
     * @return number of entries dropped.
     */
    public synchronized int truncate(final long retentionIndex)
    {
        final int before = entries.size();
        entries.removeIf((entry) ->
        {
            if (entry.retentionIndex() < retentionIndex)
            {
                bytes -= entry.entry().length;
                return true;
            }
            return false;
        });
        return before - entries.size();
    }

    /**
     * Visit every entry in log order.
     *
     * @param handler to call for each.
     */
    public synchronized void forEach(final EntryHandler handler)
    {
        for (final Entry entry : entries)
        {
            handler.onEntry(entry.retentionIndex(), entry.walIndex(), entry.entry());
        }
    }

    /**
     * @return a snapshot of the entries in log order.
     */
    public synchronized List<Entry> entries()
    {
        return new ArrayList<>(entries);
    }

    /**
     * @return number of entries held.
     */
    public synchronized int size()
    {
        return entries.size();
    }

    /**
     * @return entry bytes held.
     */
    public synchronized long bytes()
    {
        return bytes;
    }

    /**
     * @return WAL index the next entry gets.
     */
    public synchronized long nextWalIndex()
    {
        return nextWalIndex;
    }
}
