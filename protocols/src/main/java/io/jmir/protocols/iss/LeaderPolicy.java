package io.jmir.protocols.iss;

/**
 * Chooses the leaders of each epoch: one segment (one PBFT orderer) per leader. Must be deterministic: every
 * correct node computes the same leaders for the same epoch. A later policy excludes suspected leaders (after
 * view changes); this issue's {@link SimpleLeaderPolicy} makes every node a leader in every epoch.
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
}
