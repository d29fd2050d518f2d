package io.jmir.engine.sim;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * FIFO of byte records (envelopes) in one growable byte array: {@code [length int][bytes]} back to back.
 * Appending copies the bytes in; polling copies the head out, so a caller may dispatch the polled record while
 * appending to the same queue. Grows by doubling, compacts when the live records use less than half of it;
 * nothing is allocated once it has reached its working size.
 * <p>
 * <b>Threading:</b> the simulation thread only.
 */
final class EnvelopeQueue
{
    private static final int LENGTH_PREFIX = 4;
    private static final int INITIAL_CAPACITY = 1024;

    private final UnsafeBuffer buffer = new UnsafeBuffer(new byte[INITIAL_CAPACITY]);
    private int head;
    private int tail;
    private int size;

    /**
     * @param src    holding the record.
     * @param offset of the record.
     * @param length of the record.
     */
    void append(final DirectBuffer src, final int offset, final int length)
    {
        ensureCapacity(LENGTH_PREFIX + length);
        buffer.putInt(tail, length);
        buffer.putBytes(tail + LENGTH_PREFIX, src, offset, length);
        tail += LENGTH_PREFIX + length;
        size++;
    }

    /**
     * @return length of the head record; the queue must not be empty.
     */
    int headLength()
    {
        return buffer.getInt(head);
    }

    /**
     * Copy the head record out and remove it.
     *
     * @param dst       to copy into; must hold {@link #headLength()} bytes from {@code dstOffset}.
     * @param dstOffset where to copy.
     * @return length of the record.
     */
    int poll(final MutableDirectBuffer dst, final int dstOffset)
    {
        final int length = buffer.getInt(head);
        buffer.getBytes(head + LENGTH_PREFIX, dst, dstOffset, length);
        head += LENGTH_PREFIX + length;
        if (--size == 0)
        {
            head = 0;
            tail = 0;
        }
        return length;
    }

    /**
     * @return number of queued records.
     */
    int size()
    {
        return size;
    }

    /**
     * @return true when no record is queued.
     */
    boolean isEmpty()
    {
        return size == 0;
    }

    /**
     * Drop every record.
     */
    void clear()
    {
        head = 0;
        tail = 0;
        size = 0;
    }

    private void ensureCapacity(final int required)
    {
        final int capacity = buffer.capacity();
        if (tail + required <= capacity)
        {
            return;
        }
        final int live = tail - head;
        if (live + required <= capacity / 2)
        {
            buffer.putBytes(0, buffer, head, live);
        }
        else
        {
            long newCapacity = capacity;
            while (newCapacity < (long)live + required)
            {
                newCapacity <<= 1;
            }
            if (newCapacity > Integer.MAX_VALUE - 8)
            {
                throw new IllegalStateException("simulation queue cannot grow beyond 2 GiB");
            }
            final byte[] bytes = new byte[(int)newCapacity];
            buffer.getBytes(head, bytes, 0, live);
            buffer.wrap(bytes);
        }
        head = 0;
        tail = live;
    }
}
