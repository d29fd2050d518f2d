package io.jmir.protocols.iss;

/**
 * Every node leads one segment in every epoch; segment i is led by node i (as Mir's SimpleLeaderPolicy).
 * <p>
 * <b>Threading:</b> immutable; any thread.
 */
public final class SimpleLeaderPolicy implements LeaderPolicy
{
    private final int nodeCount;

    /**
     * @param nodeCount number of nodes.
     */
    public SimpleLeaderPolicy(final int nodeCount)
    {
        this.nodeCount = nodeCount;
    }

    @Override
    public int leaderCount(final long epoch)
    {
        return nodeCount;
    }

    @Override
    public int leader(final long epoch, final int index)
    {
        return index;
    }
}
