package io.jmir.protocols.iss;

/**
 * Chooses the leaders of each epoch: one segment (one PBFT orderer) per leader. Must be deterministic: every
 * correct node computes the same leaders for the same epoch. {@link SimpleLeaderPolicy} makes every node a leader
 * in every epoch; {@link BlacklistLeaderPolicy} excludes leaders suspected in earlier epochs (ADR 0013). The
 * protocol tells the policy, in epoch order, which leaders each delivered epoch suspected — agreed data: the
 * segments holding a view-change fill batch — before asking for the next epoch's leaders.
 * <p>
 * <b>Threading:</b> called on the protocol module's thread only.
 */
public interface LeaderPolicy
{
    /**
     * @param epoch an epoch number.
     * @return number of leaders (segments) of that epoch.
     */
    int leaderCount(long epoch);

    /**
     * @param epoch an epoch number.
     * @param index segment index in [0, leaderCount(epoch)).
     * @return node id of the leader of that segment.
     */
    int leader(long epoch, int index);

    /**
     * Epoch {@code epoch} was delivered; {@code suspected[node]} is true for every node that led a segment of it
     * needing a view change (a fill batch was delivered in its segment). Called once per epoch, in order, before
     * the leaders of epoch + 1 are asked for. The default ignores it.
     *
     * @param epoch     the delivered epoch.
     * @param suspected per node id; read during the call only.
     */
    default void epochDelivered(final long epoch, final boolean[] suspected)
    {
    }
}
