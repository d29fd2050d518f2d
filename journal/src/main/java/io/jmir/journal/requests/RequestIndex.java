package io.jmir.journal.requests;

/**
 * Open-addressing hash index from a request id (client id, request number) to where its payload lies in the
 * queue (Chronicle index), its retention index and its length. Fixed capacity (a power of two at least twice
 * the maximum number of entries), linear probing, parallel primitive arrays: puts and lookups allocate nothing.
 * Garbage collection rebuilds the table into a second, pre-allocated set of arrays.
 * <p>
 * <b>Threading:</b> the request store's thread only.
 */
final class RequestIndex
{
    private static final long EMPTY = Long.MIN_VALUE;

    private final int maxEntries;
    private final int mask;
    private long[] clients;
    private long[] requests;
    private long[] positions;
    private long[] retentions;
    private int[] lengths;
    private long[] spareClients;
    private long[] spareRequests;
    private long[] sparePositions;
    private long[] spareRetentions;
    private int[] spareLengths;
    private int size;

    RequestIndex(final int maxEntries)
    {
        this.maxEntries = maxEntries;
        final int capacity = Integer.highestOneBit(Math.max(2, maxEntries) * 2 - 1) << 1;
        mask = capacity - 1;
        clients = new long[capacity];
        requests = new long[capacity];
        positions = new long[capacity];
        retentions = new long[capacity];
        lengths = new int[capacity];
        spareClients = new long[capacity];
        spareRequests = new long[capacity];
        sparePositions = new long[capacity];
        spareRetentions = new long[capacity];
        spareLengths = new int[capacity];
        java.util.Arrays.fill(positions, EMPTY);
        java.util.Arrays.fill(sparePositions, EMPTY);
    }

    /**
     * Insert or replace.
     *
     * @return false when the id is new and the index is full.
     */
    boolean put(
        final long clientId, final long requestNo, final long position, final long retentionIndex, final int length)
    {
        int slot = slot(clientId, requestNo);
        while (positions[slot] != EMPTY)
        {
            if (clients[slot] == clientId && requests[slot] == requestNo)
            {
                positions[slot] = position;
                retentions[slot] = retentionIndex;
                lengths[slot] = length;
                return true;
            }
            slot = (slot + 1) & mask;
        }
        if (size == maxEntries)
        {
            return false;
        }
        clients[slot] = clientId;
        requests[slot] = requestNo;
        positions[slot] = position;
        retentions[slot] = retentionIndex;
        lengths[slot] = length;
        size++;
        return true;
    }

    /**
     * @return the slot holding the id, or -1.
     */
    int find(final long clientId, final long requestNo)
    {
        int slot = slot(clientId, requestNo);
        while (positions[slot] != EMPTY)
        {
            if (clients[slot] == clientId && requests[slot] == requestNo)
            {
                return slot;
            }
            slot = (slot + 1) & mask;
        }
        return -1;
    }

    long position(final int slot)
    {
        return positions[slot];
    }

    long retention(final int slot)
    {
        return retentions[slot];
    }

    int length(final int slot)
    {
        return lengths[slot];
    }

    /**
     * Drop an id (used when its stored payload turns out to be damaged).
     */
    void remove(final long clientId, final long requestNo)
    {
        if (find(clientId, requestNo) >= 0)
        {
            removeBelow(Long.MAX_VALUE, clientId, requestNo);
        }
    }

    /**
     * Drop every entry whose retention index is below.
     *
     * @return entries dropped.
     */
    int removeBelow(final long retentionIndex)
    {
        return removeBelow(retentionIndex, EMPTY, EMPTY);
    }

    private int removeBelow(final long retentionIndex, final long onlyClient, final long onlyRequest)
    {
        final long[] oldClients = clients;
        final long[] oldRequests = requests;
        final long[] oldPositions = positions;
        final long[] oldRetentions = retentions;
        final int[] oldLengths = lengths;
        clients = spareClients;
        requests = spareRequests;
        positions = sparePositions;
        retentions = spareRetentions;
        lengths = spareLengths;
        spareClients = oldClients;
        spareRequests = oldRequests;
        sparePositions = oldPositions;
        spareRetentions = oldRetentions;
        spareLengths = oldLengths;
        final int before = size;
        size = 0;
        for (int i = 0; i < oldPositions.length; i++)
        {
            if (oldPositions[i] != EMPTY)
            {
                final boolean targeted = onlyClient == EMPTY ||
                    (oldClients[i] == onlyClient && oldRequests[i] == onlyRequest);
                if (!targeted || oldRetentions[i] >= retentionIndex)
                {
                    put(oldClients[i], oldRequests[i], oldPositions[i], oldRetentions[i], oldLengths[i]);
                }
                oldPositions[i] = EMPTY;
            }
        }
        return before - size;
    }

    int size()
    {
        return size;
    }

    private int slot(final long clientId, final long requestNo)
    {
        long h = clientId * 0x9E3779B97F4A7C15L + requestNo;
        h ^= h >>> 33;
        h *= 0xFF51AFD7ED558CCDL;
        h ^= h >>> 33;
        return (int)h & mask;
    }
}
