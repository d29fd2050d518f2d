package io.jmir.protocols.iss;

import io.jmir.engine.ConfigurationException;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * Leader selection that excludes suspected leaders (ADR 0013; as Mir's blacklist leader policy). A node is
 * suspected in epoch e when a segment it led in e needed a view change — a fill batch was delivered in its
 * segment, which every correct node sees identically in the delivered log. A node suspected in epoch e leads no
 * segment in epochs e + 1 .. e + {@code penaltyEpochs}; it is readmitted afterwards. If the exclusions would leave
 * fewer than n - f leaders (more than f nodes suspected, e.g. after a partition), the nodes suspected longest ago
 * (ties: lower node id) are readmitted until n - f lead. Leaders are listed in ascending node id; segment i is led
 * by the i-th of them. Deterministic: computed only from the agreed sequence of {@link #epochDelivered} calls.
 * <p>
 * Its state ({@link #suspectedIn()}) is a function of the delivered log; a node that restores from a checkpoint
 * instead of replaying the log must restore it too: it travels in the checkpoint data ({@link #writeState},
 * {@link #restoreState}: per node the last epoch it was suspected in, 8 bytes little endian each).
 * <p>
 * <b>Threading:</b> protocol module thread only.
 */
public final class BlacklistLeaderPolicy implements LeaderPolicy
{
    private final int nodeCount;
    private final int minLeaders;
    private final int penaltyEpochs;
    private final long[] suspectedIn;
    private final int[] leaders;
    private final Integer[] order;
    private int leaderCount;
    private long computedFor = Long.MIN_VALUE;

    /**
     * @param nodeCount     n.
     * @param f             tolerated Byzantine nodes (n - f leaders at least).
     * @param penaltyEpochs epochs a suspected node is excluded for (&gt;= 1).
     */
    public BlacklistLeaderPolicy(final int nodeCount, final int f, final int penaltyEpochs)
    {
        if (nodeCount < 1 || f < 0 || nodeCount < 3 * f + 1)
        {
            throw new ConfigurationException("nodeCount", "need nodeCount >= 3f + 1, was n=" + nodeCount +
                " f=" + f);
        }
        if (penaltyEpochs < 1)
        {
            throw new ConfigurationException("penaltyEpochs", "must be at least 1, was " + penaltyEpochs);
        }
        this.nodeCount = nodeCount;
        this.minLeaders = nodeCount - f;
        this.penaltyEpochs = penaltyEpochs;
        this.suspectedIn = new long[nodeCount];
        this.leaders = new int[nodeCount];
        this.order = new Integer[nodeCount];
        Arrays.fill(suspectedIn, Long.MIN_VALUE);
    }

    /**
     * @param config the cluster's parameters (n, f); penalty of 4 epochs.
     */
    public BlacklistLeaderPolicy(final IssConfig config)
    {
        this(config.conclude().nodeCount(), config.f(), 4);
    }

    @Override
    public int leaderCount(final long epoch)
    {
        compute(epoch);
        return leaderCount;
    }

    @Override
    public int leader(final long epoch, final int index)
    {
        compute(epoch);
        return leaders[index];
    }

    @Override
    public void epochDelivered(final long epoch, final boolean[] suspected)
    {
        for (int node = 0; node < nodeCount && node < suspected.length; node++)
        {
            if (suspected[node])
            {
                suspectedIn[node] = epoch;
            }
        }
        computedFor = Long.MIN_VALUE;
    }

    /**
     * @return per node the last epoch it was suspected in (Long.MIN_VALUE: never); a copy.
     */
    public long[] suspectedIn()
    {
        return suspectedIn.clone();
    }

    /**
     * Restore the state taken with {@link #suspectedIn()} (state transfer).
     *
     * @param state per node the last epoch it was suspected in.
     */
    public void restore(final long[] state)
    {
        if (state.length != nodeCount)
        {
            throw new IllegalArgumentException("state must have " + nodeCount + " entries, had " + state.length);
        }
        System.arraycopy(state, 0, suspectedIn, 0, nodeCount);
        computedFor = Long.MIN_VALUE;
    }

    @Override
    public int stateLength()
    {
        return nodeCount * Long.BYTES;
    }

    @Override
    public void writeState(final MutableDirectBuffer buffer, final int offset)
    {
        for (int node = 0; node < nodeCount; node++)
        {
            buffer.putLong(offset + node * Long.BYTES, suspectedIn[node], ByteOrder.LITTLE_ENDIAN);
        }
    }

    @Override
    public boolean checkState(final DirectBuffer buffer, final int offset, final int length)
    {
        return length == 0 || length == stateLength();
    }

    @Override
    public void restoreState(final DirectBuffer buffer, final int offset, final int length)
    {
        if (!checkState(buffer, offset, length))
        {
            throw new IllegalArgumentException("state must have " + stateLength() + " bytes, had " + length);
        }
        for (int node = 0; node < nodeCount; node++)
        {
            suspectedIn[node] = length == 0 ? Long.MIN_VALUE :
                buffer.getLong(offset + node * Long.BYTES, ByteOrder.LITTLE_ENDIAN);
        }
        computedFor = Long.MIN_VALUE;
    }

    private boolean excluded(final int node, final long epoch)
    {
        return suspectedIn[node] != Long.MIN_VALUE && epoch - suspectedIn[node] <= penaltyEpochs;
    }

    private void compute(final long epoch)
    {
        if (computedFor == epoch)
        {
            return;
        }
        computedFor = epoch;
        int excludedCount = 0;
        for (int node = 0; node < nodeCount; node++)
        {
            excludedCount += excluded(node, epoch) ? 1 : 0;
        }
        final boolean[] readmitted = new boolean[nodeCount];
        if (nodeCount - excludedCount < minLeaders)
        {
            for (int node = 0; node < nodeCount; node++)
            {
                order[node] = node;
            }
            Arrays.sort(order, (a, b) -> suspectedIn[a] != suspectedIn[b] ?
                Long.compare(suspectedIn[a], suspectedIn[b]) : Integer.compare(a, b));
            for (int i = 0; i < nodeCount && nodeCount - excludedCount < minLeaders; i++)
            {
                final int node = order[i];
                if (excluded(node, epoch))
                {
                    readmitted[node] = true;
                    excludedCount--;
                }
            }
        }
        leaderCount = 0;
        for (int node = 0; node < nodeCount; node++)
        {
            if (!excluded(node, epoch) || readmitted[node])
            {
                leaders[leaderCount++] = node;
            }
        }
    }
}
