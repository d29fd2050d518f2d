package io.jmir.protocols.app;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Read-only view of one ordered batch handed to {@link Application#apply}: request i has a client id, a request
 * number and a payload. Valid only during the call; payload views are reused (copy what must be kept).
 * <p>
 * <b>Threading:</b> the application module's thread only.
 */
public final class Batch
{
    private final UnsafeBuffer payload = new UnsafeBuffer(0, 0);
    private DirectBuffer buffer;
    private int size;
    private long[] clientIds = new long[64];
    private long[] requestNos = new long[64];
    private int[] offsets = new int[64];
    private int[] lengths = new int[64];

    /**
     * @return number of requests.
     */
    public int size()
    {
        return size;
    }

    /**
     * @param index request index.
     * @return its client id.
     */
    public long clientId(final int index)
    {
        return clientIds[index];
    }

    /**
     * @param index request index.
     * @return its request number.
     */
    public long requestNo(final int index)
    {
        return requestNos[index];
    }

    /**
     * @param index request index.
     * @return a view of its payload (the same view object for every call: use before the next call).
     */
    public DirectBuffer payload(final int index)
    {
        payload.wrap(buffer, offsets[index], lengths[index]);
        return payload;
    }

    /**
     * @param index request index.
     * @return payload length.
     */
    public int payloadLength(final int index)
    {
        return lengths[index];
    }

    void reset(final DirectBuffer buffer)
    {
        this.buffer = buffer;
        size = 0;
    }

    void add(final long clientId, final long requestNo, final int offset, final int length)
    {
        if (size == clientIds.length)
        {
            clientIds = java.util.Arrays.copyOf(clientIds, size * 2);
            requestNos = java.util.Arrays.copyOf(requestNos, size * 2);
            offsets = java.util.Arrays.copyOf(offsets, size * 2);
            lengths = java.util.Arrays.copyOf(lengths, size * 2);
        }
        clientIds[size] = clientId;
        requestNos[size] = requestNo;
        offsets[size] = offset;
        lengths[size] = length;
        size++;
    }
}
