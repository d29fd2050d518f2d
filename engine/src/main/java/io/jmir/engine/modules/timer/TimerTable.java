package io.jmir.engine.modules.timer;

import org.agrona.collections.Long2LongHashMap;

import java.util.Arrays;

/**
 * The timers of a {@link TimerModule}: slots in parallel primitive arrays that only grow (up to a maximum),
 * a lookup per owner module from timer id to slot, a binary min-heap of armed slots ordered by (deadline,
 * arming order) — so that timers due at the same time fire in the order they were set, deterministically —
 * and the list of slots set since the last duty cycle, armed there with the duty cycle's time.
 * <p>
 * Nothing is allocated in steady state: arrays grow only when more timers exist at once than ever before, and
 * an owner's lookup map is created when that module first sets a timer. <b>Threading:</b> the module's thread.
 */
final class TimerTable
{
    static final int FREE = 0;
    static final int PENDING = 1;
    static final int ARMED = 2;
    private static final int NONE = -1;

    private final int maxTimers;
    private long[] timerId = new long[16];
    private long[] delay = new long[16];
    private long[] period = new long[16];
    private long[] deadline = new long[16];
    private long[] fireCount = new long[16];
    private long[] order = new long[16];
    private int[] owner = new int[16];
    private int[] state = new int[16];
    private int[] heapIndex = new int[16];
    private int[] heap = new int[16];
    private int[] freeSlots = new int[16];
    private int[] pendingSlots = new int[16];
    private long[] pendingOrders = new long[16];
    private Long2LongHashMap[] byOwner = new Long2LongHashMap[8];
    private int heapSize;
    private int freeCount;
    private int highWater;
    private int pendingCount;
    private int active;
    private long nextOrder;

    TimerTable(final int maxTimers)
    {
        this.maxTimers = maxTimers;
    }

    int active()
    {
        return active;
    }

    int slotCapacity()
    {
        return timerId.length;
    }

    boolean hasPending()
    {
        return pendingCount > 0;
    }

    /**
     * Set (or re-set) a timer; it is armed at the next {@link #armPending(long)}.
     *
     * @return the slot, or -1 when {@code maxTimers} timers exist already.
     */
    int set(final int ownerId, final long id, final long delayNs, final long periodNs)
    {
        int slot = find(ownerId, id);
        if (slot == NONE)
        {
            slot = allocate();
            if (slot == NONE)
            {
                return NONE;
            }
            owner[slot] = ownerId;
            timerId[slot] = id;
            lookup(ownerId).put(id, slot);
            active++;
        }
        else if (state[slot] == ARMED)
        {
            heapRemove(slot);
        }
        delay[slot] = delayNs;
        period[slot] = periodNs;
        fireCount[slot] = 0;
        state[slot] = PENDING;
        order[slot] = nextOrder++;
        enqueuePending(slot, order[slot]);
        return slot;
    }

    boolean cancel(final int ownerId, final long id)
    {
        final int slot = find(ownerId, id);
        if (slot == NONE)
        {
            return false;
        }
        release(slot);
        return true;
    }

    /**
     * Arm every timer set since the last call: its first deadline is {@code nowNs + delay}.
     */
    void armPending(final long nowNs)
    {
        for (int i = 0; i < pendingCount; i++)
        {
            final int slot = pendingSlots[i];
            if (state[slot] == PENDING && order[slot] == pendingOrders[i])
            {
                state[slot] = ARMED;
                deadline[slot] = saturatedAdd(nowNs, delay[slot]);
                heapAdd(slot);
            }
        }
        pendingCount = 0;
    }

    /**
     * @return earliest deadline of an armed timer, or {@link Long#MAX_VALUE} when none.
     */
    long earliestDeadline()
    {
        return heapSize == 0 ? Long.MAX_VALUE : deadline[heap[0]];
    }

    /**
     * Fire the earliest timer, which must be due: re-arm it when periodic, release it otherwise.
     *
     * @return its slot (valid until the next call that changes the table).
     */
    int fireEarliest(final long nowNs)
    {
        final int slot = heap[0];
        fireCount[slot]++;
        if (period[slot] > 0)
        {
            long next = saturatedAdd(deadline[slot], period[slot]);
            if (next <= nowNs)
            {
                next = saturatedAdd(nowNs, period[slot]);
            }
            deadline[slot] = next;
            order[slot] = nextOrder++;
            siftDown(0);
        }
        else
        {
            release(slot);
        }
        return slot;
    }

    long timerId(final int slot)
    {
        return timerId[slot];
    }

    int owner(final int slot)
    {
        return owner[slot];
    }

    long fireCount(final int slot)
    {
        return fireCount[slot];
    }

    int state(final int ownerId, final long id)
    {
        final int slot = find(ownerId, id);
        return slot == NONE ? FREE : state[slot];
    }

    private int find(final int ownerId, final long id)
    {
        if (ownerId >= byOwner.length || byOwner[ownerId] == null)
        {
            return NONE;
        }
        return (int)byOwner[ownerId].get(id);
    }

    private Long2LongHashMap lookup(final int ownerId)
    {
        if (ownerId >= byOwner.length)
        {
            final Long2LongHashMap[] grown = new Long2LongHashMap[Math.max(ownerId + 1, byOwner.length * 2)];
            System.arraycopy(byOwner, 0, grown, 0, byOwner.length);
            byOwner = grown;
        }
        Long2LongHashMap map = byOwner[ownerId];
        if (map == null)
        {
            map = new Long2LongHashMap(NONE);
            byOwner[ownerId] = map;
        }
        return map;
    }

    private void release(final int slot)
    {
        if (state[slot] == ARMED)
        {
            heapRemove(slot);
        }
        state[slot] = FREE;
        byOwner[owner[slot]].remove(timerId[slot]);
        freeSlots[freeCount++] = slot;
        active--;
    }

    private int allocate()
    {
        if (freeCount > 0)
        {
            return freeSlots[--freeCount];
        }
        if (highWater == maxTimers)
        {
            return NONE;
        }
        if (highWater == timerId.length)
        {
            grow(Math.min(maxTimers, timerId.length * 2));
        }
        return highWater++;
    }

    private void enqueuePending(final int slot, final long slotOrder)
    {
        if (pendingCount == pendingSlots.length)
        {
            pendingSlots = Arrays.copyOf(pendingSlots, pendingCount * 2);
            pendingOrders = Arrays.copyOf(pendingOrders, pendingCount * 2);
        }
        pendingSlots[pendingCount] = slot;
        pendingOrders[pendingCount] = slotOrder;
        pendingCount++;
    }

    private void grow(final int capacity)
    {
        timerId = Arrays.copyOf(timerId, capacity);
        delay = Arrays.copyOf(delay, capacity);
        period = Arrays.copyOf(period, capacity);
        deadline = Arrays.copyOf(deadline, capacity);
        fireCount = Arrays.copyOf(fireCount, capacity);
        order = Arrays.copyOf(order, capacity);
        owner = Arrays.copyOf(owner, capacity);
        state = Arrays.copyOf(state, capacity);
        heapIndex = Arrays.copyOf(heapIndex, capacity);
        heap = Arrays.copyOf(heap, capacity);
        freeSlots = Arrays.copyOf(freeSlots, capacity);
    }

    private void heapAdd(final int slot)
    {
        heap[heapSize] = slot;
        heapIndex[slot] = heapSize;
        heapSize++;
        siftUp(heapSize - 1);
    }

    private void heapRemove(final int slot)
    {
        final int index = heapIndex[slot];
        heapSize--;
        if (index != heapSize)
        {
            final int last = heap[heapSize];
            heap[index] = last;
            heapIndex[last] = index;
            siftDown(index);
            siftUp(heapIndex[last]);
        }
        heapIndex[slot] = NONE;
    }

    private void siftUp(final int start)
    {
        int index = start;
        final int slot = heap[index];
        while (index > 0)
        {
            final int parent = (index - 1) >>> 1;
            final int parentSlot = heap[parent];
            if (!before(slot, parentSlot))
            {
                break;
            }
            heap[index] = parentSlot;
            heapIndex[parentSlot] = index;
            index = parent;
        }
        heap[index] = slot;
        heapIndex[slot] = index;
    }

    private void siftDown(final int start)
    {
        int index = start;
        final int slot = heap[index];
        while (true)
        {
            final int left = 2 * index + 1;
            if (left >= heapSize)
            {
                break;
            }
            final int right = left + 1;
            final int child = right < heapSize && before(heap[right], heap[left]) ? right : left;
            final int childSlot = heap[child];
            if (!before(childSlot, slot))
            {
                break;
            }
            heap[index] = childSlot;
            heapIndex[childSlot] = index;
            index = child;
        }
        heap[index] = slot;
        heapIndex[slot] = index;
    }

    private boolean before(final int a, final int b)
    {
        return deadline[a] < deadline[b] || (deadline[a] == deadline[b] && order[a] < order[b]);
    }

    static long saturatedAdd(final long a, final long b)
    {
        final long sum = a + b;
        if (((a ^ sum) & (b ^ sum)) < 0)
        {
            return b > 0 ? Long.MAX_VALUE : Long.MIN_VALUE;
        }
        return sum;
    }
}
