package io.jmir.protocols.iss;

import org.agrona.ExpandableArrayBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The blacklist policy's state as carried by checkpoints: it round-trips through writeState / restoreState (the
 * restored policy computes the same leaders), a state of the wrong size is refused, an empty state (a checkpoint
 * written before policies had state) restores the initial state.
 */
class BlacklistLeaderPolicyTest
{
    @Test
    @Timeout(10)
    void shouldRoundTripItsStateThroughTheCheckpointBytes()
    {
        final BlacklistLeaderPolicy policy = new BlacklistLeaderPolicy(7, 2, 4);
        policy.epochDelivered(0, new boolean[]{false, true, false, false, false, false, false});
        policy.epochDelivered(1, new boolean[]{false, false, false, false, false, false, true});
        final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer(128);
        assertThat(policy.stateLength()).isEqualTo(7 * Long.BYTES);
        policy.writeState(buffer, 16);

        final BlacklistLeaderPolicy copy = new BlacklistLeaderPolicy(7, 2, 4);
        assertThat(leaders(copy, 2)).containsExactly(0, 1, 2, 3, 4, 5, 6);
        assertThat(copy.checkState(buffer, 16, policy.stateLength())).isTrue();
        copy.restoreState(buffer, 16, policy.stateLength());

        assertThat(copy.suspectedIn()).containsExactly(policy.suspectedIn());
        for (long epoch = 2; epoch < 8; epoch++)
        {
            assertThat(leaders(copy, epoch)).as("epoch " + epoch).containsExactly(leaders(policy, epoch));
        }
        assertThat(leaders(copy, 2)).containsExactly(0, 2, 3, 4, 5);
    }

    @Test
    @Timeout(10)
    void shouldRefuseAStateOfTheWrongSizeAndResetOnAnEmptyOne()
    {
        final BlacklistLeaderPolicy policy = new BlacklistLeaderPolicy(4, 1, 4);
        policy.epochDelivered(3, new boolean[]{false, false, true, false});
        final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer(128);
        assertThat(policy.checkState(buffer, 0, 3 * Long.BYTES)).isFalse();
        assertThatThrownBy(() -> policy.restoreState(buffer, 0, 5)).isInstanceOf(IllegalArgumentException.class);
        assertThat(leaders(policy, 4)).containsExactly(0, 1, 3);

        policy.restoreState(buffer, 0, 0);
        assertThat(leaders(policy, 4)).containsExactly(0, 1, 2, 3);
    }

    @Test
    @Timeout(10)
    void shouldHaveNoStateWhenStateless()
    {
        final SimpleLeaderPolicy policy = new SimpleLeaderPolicy(4);
        final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer(16);
        assertThat(policy.stateLength()).isZero();
        assertThat(policy.checkState(buffer, 0, 0)).isTrue();
        assertThat(policy.checkState(buffer, 0, 8)).isFalse();
    }

    private static int[] leaders(final LeaderPolicy policy, final long epoch)
    {
        final int[] leaders = new int[policy.leaderCount(epoch)];
        for (int i = 0; i < leaders.length; i++)
        {
            leaders[i] = policy.leader(epoch, i);
        }
        return leaders;
    }
}
