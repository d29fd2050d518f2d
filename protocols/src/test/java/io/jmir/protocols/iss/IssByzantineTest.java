package io.jmir.protocols.iss;

import io.jmir.codecs.engine.Scheme;
import io.jmir.engine.sim.MessageMangler;
import io.jmir.engine.sim.SimulationRunner;
import io.jmir.protocols.codecs.SignedCheckpointEncoder;
import io.jmir.protocols.codecs.CommitEncoder;
import io.jmir.protocols.codecs.MessageHeaderDecoder;
import io.jmir.protocols.codecs.PrepareEncoder;
import io.jmir.protocols.codecs.PreprepareEncoder;
import io.jmir.protocols.testkit.IssByzantine;
import io.jmir.protocols.testkit.IssSimulation;
import io.jmir.protocols.testkit.RecordingApp;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Byzantine nodes through the simulation's message manglers ({@link IssByzantine}): every behaviour alone on one
 * node of 4 (f = 1), and random pairs on two nodes of 7 (f = 2); the correct nodes deliver every request exactly once
 * and identically (with the blacklist leader policy).
 * <ul>
 *   <li>Node 3 votes for wrong digests (every Prepare, Commit and Checkpoint it sends is corrupted) but proposes
 *   correctly: the 3 correct nodes still order everything, identically, exactly once.</li>
 *   <li>Node 3 equivocates as leader (sends node 2 an empty batch instead of the real one for one slot): safety
 *   holds — no two correct nodes deliver different batches at any sequence number — and node 2 delivers the slot
 *   too, fetching the committed batch from f+1 peers (catch-up, ADR 0013).</li>
 * </ul>
 */
class IssByzantineTest
{
    private static final int BYZANTINE = 3;

    @Test
    @Timeout(120)
    void shouldOrderDespiteAByzantineVoter()
    {
        SimulationRunner.run(20, seed ->
        {
            try (IssSimulation c = new IssSimulation(seed, IssSimulation.config(4, Scheme.HMAC_SHA256, 4), 4, 15, 4,
                0.0))
            {
                c.simulation().network().addMangler(BYZANTINE, IssByzantineTest::corruptVotes);
                c.start();
                final int expected = c.clients().expectedRequests();
                final boolean done = c.runUntil(() -> c.clients().allCompleted() && appliedByCorrect(c, expected),
                    TimeUnit.SECONDS.toNanos(60));
                assertThat(c.simulation().failures()).isEmpty();
                assertThat(done).as("correct nodes ordered everything: " + c.node(0).iss.stats()).isTrue();
                final RecordingApp[] correct = {c.app(0), c.app(1), c.app(2)};
                IssSimulationTest.assertSameLogs(correct);
                IssSimulationTest.assertExactlyOnce(c.app(0), 4, 15);
                assertThat(c.node(0).iss.stats().stableEpoch()).as("checkpoints stable without node 3")
                    .isGreaterThanOrEqualTo(0);
            }
        });
    }

    @Test
    @Timeout(120)
    void shouldNeverDeliverConflictingBatchesWhenALeaderEquivocates()
    {
        SimulationRunner.run(20, seed ->
        {
            try (IssSimulation c = new IssSimulation(seed, IssSimulation.config(4, Scheme.HMAC_SHA256, 4), 4, 15, 4,
                0.0))
            {
                final long[] equivocatedSeqNo = {-1};
                c.simulation().network().addMangler(BYZANTINE, (from, to, message, offset, length, output) ->
                    equivocate(to, message, offset, length, output, equivocatedSeqNo));
                c.start();
                c.runUntil(() -> false, TimeUnit.SECONDS.toNanos(5));
                assertThat(c.simulation().failures()).isEmpty();
                assertThat(equivocatedSeqNo[0]).as("node 3 equivocated").isGreaterThanOrEqualTo(0);
                IssSimulationTest.assertSameLogs(new RecordingApp[]{c.app(0), c.app(1), c.app(2)});
                for (int node = 0; node < 3; node++)
                {
                    assertThat(c.app(node).log().size()).as("node " + node + " delivered past the equivocated slot " +
                        c.node(node).iss.stats())
                        .isGreaterThan((int)equivocatedSeqNo[0]);
                }
                assertThat(c.node(2).iss.stats().catchUpInstalls() + c.node(2).iss.recoveryStats().installs())
                    .as("node 2 fetched the committed batch (catch-up) or a checkpoint (state transfer)").isPositive();
            }
        });
    }

    @ParameterizedTest
    @EnumSource(IssByzantine.Behaviour.class)
    @Timeout(120)
    void shouldStaySafeAndLiveWithOneByzantineNode(final IssByzantine.Behaviour behaviour)
    {
        SimulationRunner.run(3, seed -> runWithByzantine(seed, 4, new int[]{BYZANTINE},
            new IssByzantine.Behaviour[]{behaviour}));
    }

    @Test
    @Timeout(120)
    void shouldStaySafeAndLiveWithTwoByzantineNodesOfSeven()
    {
        final IssByzantine.Behaviour[] all = IssByzantine.Behaviour.values();
        SimulationRunner.run(4, seed -> runWithByzantine(seed, 7, new int[]{2, 5},
            new IssByzantine.Behaviour[]{all[(int)(seed % all.length)], all[(int)((seed * 7 + 3) % all.length)]}));
    }

    static void runWithByzantine(final long seed, final int n, final int[] byzantine,
        final IssByzantine.Behaviour[] behaviours)
    {
        final IssConfig config = IssSimulation.config(n, Scheme.HMAC_SHA256, 4);
        try (IssSimulation c = new IssSimulation(seed, config, 4, 12, 4, 0.02,
            node -> new BlacklistLeaderPolicy(config), null))
        {
            for (int i = 0; i < byzantine.length; i++)
            {
                IssByzantine.install(c.simulation().network(), byzantine[i], behaviours[i], config.epochLength());
            }
            c.start();
            final RecordingApp[] correct = correctApps(c, byzantine);
            final long expected = c.clients().expectedRequests();
            final boolean done = c.runUntil(() -> c.clients().allCompleted() &&
                IssSimulationTest.allApplied(correct, expected), TimeUnit.SECONDS.toNanos(30));
            assertThat(c.simulation().failures()).as("module failures").isEmpty();
            assertThat(done).as(java.util.Arrays.toString(behaviours) + ": correct nodes ordered everything; " +
                c.node(0).iss.stats()).isTrue();
            IssSimulationTest.assertSameLogs(correct);
            for (final RecordingApp app : correct)
            {
                IssSimulationTest.assertExactlyOnceOrNoDuplicates(app, 4, 12);
            }
            long evidence = 0;
            long viewChanges = 0;
            for (int node = 0; node < n; node++)
            {
                final IssStats stats = c.node(node).iss.stats();
                evidence += stats.rejectedMessages() + stats.viewChanges() + stats.catchUpInstalls();
                viewChanges += stats.viewChanges();
            }
            assertThat(evidence).as("the attack was seen (rejected messages, view changes or catch-up)").isPositive();
            if (behaviours[0] == IssByzantine.Behaviour.SILENT)
            {
                assertThat(viewChanges).as("a silent leader is replaced by view change").isPositive();
            }
        }
    }

    private static RecordingApp[] correctApps(final IssSimulation c, final int[] byzantine)
    {
        final java.util.List<RecordingApp> correct = new java.util.ArrayList<>();
        for (int node = 0; node < c.nodeCount(); node++)
        {
            boolean bad = false;
            for (final int b : byzantine)
            {
                bad |= b == node;
            }
            if (!bad)
            {
                correct.add(c.app(node));
            }
        }
        return correct.toArray(new RecordingApp[0]);
    }

    private static boolean appliedByCorrect(final IssSimulation c, final long expected)
    {
        return c.app(0).applied() >= expected && c.app(1).applied() >= expected && c.app(2).applied() >= expected;
    }

    private static void corruptVotes(final int from, final int to, final DirectBuffer message, final int offset,
        final int length, final MessageMangler.Output output)
    {
        final MessageHeaderDecoder header = new MessageHeaderDecoder().wrap(message, offset);
        final int template = header.templateId();
        final int digestOffset;
        if (template == PrepareEncoder.TEMPLATE_ID)
        {
            digestOffset = 8 + PrepareEncoder.digestEncodingOffset();
        }
        else if (template == CommitEncoder.TEMPLATE_ID)
        {
            digestOffset = 8 + CommitEncoder.digestEncodingOffset();
        }
        else if (template == SignedCheckpointEncoder.TEMPLATE_ID)
        {
            digestOffset = 8 + SignedCheckpointEncoder.digestEncodingOffset();
        }
        else
        {
            output.send(message, offset, length);
            return;
        }
        final MutableDirectBuffer scratch = output.scratch();
        scratch.putBytes(0, message, offset, length);
        scratch.putByte(digestOffset, (byte)(scratch.getByte(digestOffset) ^ 0x5A));
        output.send(scratch, 0, length);
    }

    private static void equivocate(final int to, final DirectBuffer message, final int offset, final int length,
        final MessageMangler.Output output, final long[] equivocated)
    {
        final MessageHeaderDecoder header = new MessageHeaderDecoder().wrap(message, offset);
        final long seqNo = header.templateId() == PreprepareEncoder.TEMPLATE_ID ?
            message.getLong(offset + 8 + PreprepareEncoder.seqNoEncodingOffset(), java.nio.ByteOrder.LITTLE_ENDIAN) :
            -1;
        final int groupHeader = offset + 8 + PreprepareEncoder.BLOCK_LENGTH;
        if (to != 2 || seqNo < 0 || (equivocated[0] >= 0 && seqNo != equivocated[0]) ||
            message.getShort(groupHeader + 2, java.nio.ByteOrder.LITTLE_ENDIAN) == 0)
        {
            output.send(message, offset, length);
            return;
        }
        equivocated[0] = seqNo;
        final MutableDirectBuffer scratch = output.scratch();
        scratch.putBytes(0, message, offset, 8 + PreprepareEncoder.BLOCK_LENGTH + 4);
        scratch.putShort(8 + PreprepareEncoder.BLOCK_LENGTH + 2, (short)0, java.nio.ByteOrder.LITTLE_ENDIAN);
        output.send(scratch, 0, 8 + PreprepareEncoder.BLOCK_LENGTH + 4);
    }
}
