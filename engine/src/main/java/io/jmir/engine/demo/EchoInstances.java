package io.jmir.engine.demo;

import org.agrona.DirectBuffer;

import java.util.Arrays;

/**
 * State of the broadcast instances of {@link EchoBroadcast}, one window per origin. For origin {@code o} the
 * instances {@code seq} in {@code [low(o), low(o) + window)} have a slot (index {@code seq mod window}); every
 * instance below {@code low(o)} is finished — delivered, or abandoned because the origin moved more than a
 * window ahead — and its messages are late. {@code low(o)} advances past delivered instances, so memory is
 * {@code nodeCount * window} slots whatever the run length. All arrays are allocated up front; payload
 * arrays grow to the largest payload seen in their slot.
 * <p>
 * <b>Threading:</b> the protocol module's thread.
 */
final class EchoInstances
{
    static final int DIGEST_LENGTH = 32;
    static final int LATE = -1;
    static final int OUT_OF_WINDOW = -2;

    static final int VALUE_KNOWN = 1;
    static final int DIGEST_KNOWN = 2;
    static final int DELIVERED = 4;

    private final int nodeCount;
    private final int window;
    private final int mask;
    private final long[] low;
    private final long[] slotSeq;
    private final int[] flags;
    private final long[] clientId;
    private final long[] requestNo;
    private final byte[][] payload;
    private final int[] payloadLength;
    private final byte[] digest;
    private final boolean[] echoFrom;
    private final byte[] echoDigest;
    private long abandoned;

    EchoInstances(final int nodeCount, final int window)
    {
        this.nodeCount = nodeCount;
        this.window = window;
        this.mask = window - 1;
        final int slots = nodeCount * window;
        low = new long[nodeCount];
        slotSeq = new long[slots];
        Arrays.fill(slotSeq, -1);
        flags = new int[slots];
        clientId = new long[slots];
        requestNo = new long[slots];
        payload = new byte[slots][];
        payloadLength = new int[slots];
        digest = new byte[slots * DIGEST_LENGTH];
        echoFrom = new boolean[slots * nodeCount];
        echoDigest = new byte[slots * nodeCount * DIGEST_LENGTH];
    }

    /**
     * The slot of an instance, initialised on first use.
     *
     * @return the slot, {@link #LATE} when the instance is finished, {@link #OUT_OF_WINDOW} when it is beyond
     * the window.
     */
    int slot(final int origin, final long seq)
    {
        if (seq < low[origin])
        {
            return LATE;
        }
        if (seq - low[origin] >= window)
        {
            return OUT_OF_WINDOW;
        }
        final int slot = origin * window + (int)(seq & mask);
        if (slotSeq[slot] != seq)
        {
            slotSeq[slot] = seq;
            flags[slot] = 0;
            payloadLength[slot] = 0;
            Arrays.fill(echoFrom, slot * nodeCount, (slot + 1) * nodeCount, false);
        }
        else if ((flags[slot] & DELIVERED) != 0)
        {
            return LATE;
        }
        return slot;
    }

    /**
     * Move an origin's window so that {@code seq} is its last instance, abandoning undelivered instances that
     * fall below it.
     */
    void advanceTo(final int origin, final long seq)
    {
        final long newLow = seq - window + 1;
        if (newLow <= low[origin])
        {
            return;
        }
        final long checkTo = Math.min(newLow, low[origin] + window);
        for (long s = low[origin]; s < checkTo; s++)
        {
            final int slot = origin * window + (int)(s & mask);
            if (slotSeq[slot] == s && (flags[slot] & DELIVERED) == 0)
            {
                abandoned++;
            }
        }
        low[origin] = newLow;
    }

    /**
     * Mark an instance delivered and advance its origin's window past every delivered instance at its bottom.
     */
    void markDelivered(final int origin, final int slot)
    {
        flags[slot] |= DELIVERED;
        while (true)
        {
            final long bottom = low[origin];
            final int bottomSlot = origin * window + (int)(bottom & mask);
            if (slotSeq[bottomSlot] != bottom || (flags[bottomSlot] & DELIVERED) == 0)
            {
                return;
            }
            low[origin] = bottom + 1;
        }
    }

    void value(
        final int slot, final long client, final long request, final DirectBuffer buffer, final int offset,
        final int length)
    {
        if (payload[slot] == null || payload[slot].length < length)
        {
            payload[slot] = new byte[Math.max(length, 64)];
        }
        buffer.getBytes(offset, payload[slot], 0, length);
        payloadLength[slot] = length;
        clientId[slot] = client;
        requestNo[slot] = request;
        flags[slot] |= VALUE_KNOWN;
    }

    void digest(final int slot, final byte[] source, final int offset)
    {
        System.arraycopy(source, offset, digest, slot * DIGEST_LENGTH, DIGEST_LENGTH);
        flags[slot] |= DIGEST_KNOWN;
    }

    /**
     * Record an ECHO.
     *
     * @return false when this sender already echoed the instance.
     */
    boolean echo(final int slot, final int sender, final DirectBuffer buffer, final int digestOffset)
    {
        final int index = slot * nodeCount + sender;
        if (echoFrom[index])
        {
            return false;
        }
        echoFrom[index] = true;
        buffer.getBytes(digestOffset, echoDigest, index * DIGEST_LENGTH, DIGEST_LENGTH);
        return true;
    }

    /**
     * Record this node's own ECHO (digest from the hasher).
     */
    void ownEcho(final int slot, final int self)
    {
        final int index = slot * nodeCount + self;
        echoFrom[index] = true;
        System.arraycopy(digest, slot * DIGEST_LENGTH, echoDigest, index * DIGEST_LENGTH, DIGEST_LENGTH);
    }

    /**
     * @return number of ECHOs whose digest equals the digest of the known value (0 before it is known).
     */
    int matchingEchoes(final int slot)
    {
        if ((flags[slot] & DIGEST_KNOWN) == 0)
        {
            return 0;
        }
        int matches = 0;
        final int digestOffset = slot * DIGEST_LENGTH;
        for (int sender = 0; sender < nodeCount; sender++)
        {
            final int index = slot * nodeCount + sender;
            if (echoFrom[index] && Arrays.equals(
                echoDigest, index * DIGEST_LENGTH, (index + 1) * DIGEST_LENGTH,
                digest, digestOffset, digestOffset + DIGEST_LENGTH))
            {
                matches++;
            }
        }
        return matches;
    }

    boolean has(final int slot, final int flag)
    {
        return (flags[slot] & flag) != 0;
    }

    long seq(final int slot)
    {
        return slotSeq[slot];
    }

    long clientId(final int slot)
    {
        return clientId[slot];
    }

    long requestNo(final int slot)
    {
        return requestNo[slot];
    }

    byte[] payload(final int slot)
    {
        return payload[slot];
    }

    int payloadLength(final int slot)
    {
        return payloadLength[slot];
    }

    byte[] digests()
    {
        return digest;
    }

    long low(final int origin)
    {
        return low[origin];
    }

    long abandoned()
    {
        return abandoned;
    }
}
