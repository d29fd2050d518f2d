package io.jmir.protocols.app;

import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;

/**
 * Where an {@link Application} writes the result of each request of a batch. Results are copied; the caller's
 * buffer may be reused right after {@link #set}.
 * <p>
 * <b>Threading:</b> the application module's thread only, during {@link Application#apply}.
 */
public final class Results
{
    private final ExpandableArrayBuffer data = new ExpandableArrayBuffer(4096);
    private int[] offsets = new int[64];
    private int[] lengths = new int[64];
    private int size;
    private int limit;

    /**
     * Set the result of request {@code index}.
     *
     * @param index  request index in the batch.
     * @param buffer holding the result.
     * @param offset of the result.
     * @param length of the result.
     */
    public void set(final int index, final DirectBuffer buffer, final int offset, final int length)
    {
        if (index < 0 || index >= size)
        {
            throw new IndexOutOfBoundsException("result index " + index + " outside batch of " + size);
        }
        data.putBytes(limit, buffer, offset, length);
        offsets[index] = limit;
        lengths[index] = length;
        limit += length;
    }

    /**
     * Set the result of request {@code index} from bytes.
     *
     * @param index  request index in the batch.
     * @param result bytes.
     */
    public void set(final int index, final byte[] result)
    {
        if (index < 0 || index >= size)
        {
            throw new IndexOutOfBoundsException("result index " + index + " outside batch of " + size);
        }
        data.putBytes(limit, result);
        offsets[index] = limit;
        lengths[index] = result.length;
        limit += result.length;
    }

    void reset(final int size)
    {
        if (size > offsets.length)
        {
            offsets = new int[Math.max(size, offsets.length * 2)];
            lengths = new int[offsets.length];
        }
        java.util.Arrays.fill(lengths, 0, size, 0);
        this.size = size;
        limit = 0;
    }

    DirectBuffer data()
    {
        return data;
    }

    int offset(final int index)
    {
        return offsets[index];
    }

    int length(final int index)
    {
        return lengths[index];
    }
}
