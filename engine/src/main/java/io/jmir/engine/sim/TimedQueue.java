package io.jmir.engine.sim;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.ArrayDeque;
import java.util.PriorityQueue;

/**
 * What happens at a future virtual time: a network message arriving at a node, or a module deadline. Ordered
 * by time, then by the sequence in which entries were scheduled, which makes the order total and therefore
 * deterministic. Entries are pooled: once the simulation has reached its working size, scheduling allocates
 * nothing.
 * <p>
 * <b>Threading:</b> the simulation thread only.
 */
final class TimedQueue
{
    /** Kind of an entry: a message in flight. */
    static final int DELIVERY = 1;
    /** Kind of an entry: a module's {@code nextDeadlineNs()}. */
    static final int DEADLINE = 2;

    /**
     * One scheduled occurrence. Fields are read by the simulation when the entry is due.
     */
    static final class Entry
    {
        long timeNs;
        long sequence;
        int kind;
        int nodeId;
        int fromNode;
        int moduleId;
        int incarnation;
        long generation;
        final UnsafeBuffer data = new UnsafeBuffer(new byte[64]);
        int length;

        void copyIn(final DirectBuffer src, final int offset, final int length)
        {
            if (data.capacity() < length)
            {
                data.wrap(new byte[Math.max(length, data.capacity() * 2)]);
            }
            data.putBytes(0, src, offset, length);
            this.length = length;
        }
    }

    private final PriorityQueue<Entry> queue = new PriorityQueue<>(256, TimedQueue::compare);
    private final ArrayDeque<Entry> pool = new ArrayDeque<>();
    private long sequence;

    /**
     * @param timeNs when the entry is due.
     * @param kind   {@link #DELIVERY} or {@link #DEADLINE}.
     * @return a pooled entry, already sequenced; fill the kind-specific fields, then {@link #add(Entry)} it.
     */
    Entry claim(final long timeNs, final int kind)
    {
        final Entry entry = pool.isEmpty() ? new Entry() : pool.poll();
        entry.timeNs = timeNs;
        entry.kind = kind;
        entry.sequence = sequence++;
        entry.length = 0;
        return entry;
    }

    /**
     * @param entry claimed and filled.
     */
    void add(final Entry entry)
    {
        queue.add(entry);
    }

    /**
     * @return the earliest entry, or null when none is scheduled.
     */
    Entry peek()
    {
        return queue.peek();
    }

    /**
     * @return the earliest entry, removed; {@link #release(Entry)} it when done.
     */
    Entry poll()
    {
        return queue.poll();
    }

    /**
     * @param entry no longer used.
     */
    void release(final Entry entry)
    {
        pool.add(entry);
    }

    /**
     * @return number of scheduled entries.
     */
    int size()
    {
        return queue.size();
    }

    private static int compare(final Entry a, final Entry b)
    {
        final int byTime = Long.compare(a.timeNs, b.timeNs);
        return byTime != 0 ? byTime : Long.compare(a.sequence, b.sequence);
    }
}
