package io.jmir.engine.pipeline;

import org.agrona.ExpandableArrayBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * FIFO of envelopes a stage emitted while their destination ring was full: length-prefixed records in a
 * growable buffer. It grows only while the node is saturated and is reused afterwards, so the steady state
 * allocates nothing. Internal API.
 * <p>
 * <b>Threading:</b> owned by one stage thread; {@link #bytes()} may be read by others (volatile-free snapshot
 * via {@link StageEmitter}).
 */
final class OverflowQueue
{
    private static final int LENGTH_PREFIX = 4;
    private final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer(0);
    private final UnsafeBuffer view = new UnsafeBuffer(0, 0);
    private int head;
    private int tail;
    private int count;

    boolean isEmpty()
    {
        return count == 0;
    }

    int count()
    {
        return count;
    }

    int bytes()
    {
        return tail - head;
    }

    /**
     * Space for one record of at most {@code capacity} bytes, as a bounded view (writes past it throw).
     */
    MutableDirectBuffer claim(final int capacity)
    {
        compactIfWorthIt();
        buffer.checkLimit(tail + LENGTH_PREFIX + capacity);
        view.wrap(buffer.byteArray(), tail + LENGTH_PREFIX, capacity);
        return view;
    }

    /**
     * @return the view handed out by the last {@link #claim(int)}.
     */
    MutableDirectBuffer claimed()
    {
        return view;
    }

    void commit(final int offset, final int length)
    {
        if (offset != 0)
        {
            buffer.putBytes(tail + LENGTH_PREFIX, buffer, tail + LENGTH_PREFIX + offset, length);
        }
        buffer.putInt(tail, length);
        tail += LENGTH_PREFIX + length;
        count++;
    }

    void append(final org.agrona.DirectBuffer src, final int offset, final int length)
    {
        compactIfWorthIt();
        buffer.checkLimit(tail + LENGTH_PREFIX + length);
        buffer.putInt(tail, length);
        buffer.putBytes(tail + LENGTH_PREFIX, src, offset, length);
        tail += LENGTH_PREFIX + length;
        count++;
    }

    int headLength()
    {
        return buffer.getInt(head);
    }

    int headOffset()
    {
        return head + LENGTH_PREFIX;
    }

    MutableDirectBuffer buffer()
    {
        return buffer;
    }

    void pop()
    {
        head += LENGTH_PREFIX + buffer.getInt(head);
        count--;
        if (count == 0)
        {
            head = 0;
            tail = 0;
        }
    }

    private void compactIfWorthIt()
    {
        if (head > 0 && head >= (tail - head))
        {
            final int live = tail - head;
            buffer.putBytes(0, buffer, head, live);
            head = 0;
            tail = live;
        }
    }
}
