package io.jmir.protocols.iss;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * Chooses the leaders of each epoch: one segment (one PBFT orderer) per leader. Must be deterministic: every
 * correct node computes the same leaders for the same epoch. {@link SimpleLeaderPolicy} makes every node a leader
 * in every epoch; {@link BlacklistLeaderPolicy} excludes leaders suspected in earlier epochs (ADR 0013). The
 * protocol tells the policy, in epoch order, which leaders each delivered epoch suspected — agreed data: the
 * segments holding a view-change fill batch — before asking for the next epoch's leaders.
 * <p>
 * A policy with state (a function of the delivered log) writes it into each checkpoint's certified data
 * ({@link #writeState}) after the checkpoint's epoch was delivered; a node that installs a checkpoint (state
 * transfer) or recovers from its WAL restores it ({@link #restoreState}), so it computes the same leaders as the
 * nodes that delivered the log. The defaults describe a stateless policy.
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

    /**
     * @return bytes of the state written by {@link #writeState}; 0 for a stateless policy (the default).
     */
    default int stateLength()
    {
        return 0;
    }

    /**
     * Write the state ({@link #stateLength()} bytes), as it is after the last {@link #epochDelivered} call.
     *
     * @param buffer into.
     * @param offset at.
     */
    default void writeState(final MutableDirectBuffer buffer, final int offset)
    {
    }

    /**
     * @param buffer holding a state.
     * @param offset of the state.
     * @param length of the state.
     * @return true when {@link #restoreState} accepts it; the default accepts only the empty state.
     */
    default boolean checkState(final DirectBuffer buffer, final int offset, final int length)
    {
        return length == 0;
    }

    /**
     * Restore a state written by {@link #writeState} (checked with {@link #checkState}); an empty state (a
     * checkpoint written before policies had state) restores the initial state.
     *
     * @param buffer holding the state.
     * @param offset of the state.
     * @param length of the state.
     */
    default void restoreState(final DirectBuffer buffer, final int offset, final int length)
    {
    }
}
