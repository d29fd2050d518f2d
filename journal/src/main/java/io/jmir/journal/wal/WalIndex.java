package io.jmir.journal.wal;

import io.jmir.journal.internal.JournalQueue;

/**
 * WAL indexes are Chronicle indexes: {@code cycle << 32 | sequence within the cycle}. Stateless.
 */
public final class WalIndex
{
    private WalIndex()
    {
    }

    /**
     * @param index WAL index.
     * @return its roll cycle.
     */
    public static int cycle(final long index)
    {
        return JournalQueue.ROLL_CYCLE.toCycle(index);
    }

    /**
     * @param index WAL index.
     * @return its sequence within its cycle.
     */
    public static long sequence(final long index)
    {
        return JournalQueue.ROLL_CYCLE.toSequenceNumber(index);
    }

    /**
     * @param index WAL index, or -1.
     * @return e.g. "0x100000003 (cycle 1, seq 3)", or "none" for -1.
     */
    public static String format(final long index)
    {
        if (index < 0)
        {
            return "none";
        }
        return "0x" + Long.toHexString(index) + " (cycle " + cycle(index) + ", seq " + sequence(index) + ")";
    }
}
