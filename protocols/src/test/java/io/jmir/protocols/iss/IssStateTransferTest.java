package io.jmir.protocols.iss;

import io.jmir.codecs.engine.Scheme;
import io.jmir.engine.modules.wal.InMemoryWalStore;
import io.jmir.engine.sim.MessageMangler;
import io.jmir.engine.sim.SimulationRunner;
import io.jmir.protocols.codecs.CheckpointCertificateDecoder;
import io.jmir.protocols.codecs.CheckpointCertificateEncoder;
import io.jmir.protocols.codecs.ChunkRequestDecoder;
import io.jmir.protocols.codecs.MessageHeaderDecoder;
import io.jmir.protocols.codecs.MessageHeaderEncoder;
import io.jmir.protocols.codecs.PreprepareDecoder;
import io.jmir.protocols.codecs.StateChunkDecoder;
import io.jmir.protocols.codecs.StateChunkEncoder;
import io.jmir.protocols.codecs.StateRequestDecoder;
import io.jmir.protocols.testkit.IssSimulation;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * State transfer (ADR 0014) in the deterministic simulation, node 3 being the node behind: a wiped disk, a long
 * partition after which the peers garbage-collected everything it missed, a Byzantine peer serving a wrong snapshot
 * or a malformed chunk, a Byzantine peer answering with a forged certificate (a bad signature, fewer than 2f+1
 * signers). Each runs {@value #SEEDS} seeds. Checks: node 3 installs a verified checkpoint, the lie is detected and
 * counted, StateRequests repeated by node 3 are throttled, and all nodes converge to the same app state with every
 * request applied exactly once and the same batch at every sequence number each of them delivered.
 */
class IssStateTransferTest
{
    static final int SEEDS = 8;
    private static final int CLIENTS = 4;
    private static final int REQUESTS = 25;
    private static final long LIMIT_NS = TimeUnit.SECONDS.toNanos(60);
    private static final int LAGGING = 3;
    private static final int BYZANTINE = 2;

    /** Node 3 never leads (its segments go to nodes 0-2), so the others order without it while it is away. */
    static final LeaderPolicy WITHOUT_NODE_3 = new LeaderPolicy()
    {
        @Override
        public int leaderCount(final long epoch)
        {
            return 4;
        }

        @Override
        public int leader(final long epoch, final int index)
        {
            return index == LAGGING ? (int)(epoch % 3) : index;
        }
    };

    @Test
    @Timeout(120)
    void shouldCatchUpByStateTransferAfterTheDiskWasWiped()
    {
        SimulationRunner.run(SEEDS, (seed) ->
        {
            try (IssSimulation c = simulation(seed, null))
            {
                c.simulation().network().addMangler(LAGGING, (from, to, message, offset, length, output) ->
                {
                    final int copies = template(message, offset) == StateRequestDecoder.TEMPLATE_ID ? 10 : 1;
                    for (int i = 0; i < copies; i++)
                    {
                        output.send(message, offset, length);
                    }
                });
                c.schedule(TimeUnit.MILLISECONDS.toNanos(40), () ->
                {
                    c.simulation().crash(LAGGING);
                    c.simulation().durable(LAGGING).remove(IssSimulation.WAL_KEY);
                });
                c.schedule(TimeUnit.MILLISECONDS.toNanos(70), () -> c.simulation().restart(LAGGING));
                runAndCheck(c);
                assertThat(c.node(LAGGING).iss.recoveryStats().recoveredEntries()).as("wiped: nothing to replay")
                    .isZero();
                assertThat(c.node(LAGGING).iss.recoveryStats().installs()).as("installed a checkpoint").isPositive();
                assertThat(c.node(0).iss.recoveryStats().throttledStateRequests())
                    .as("the repeated StateRequests of node 3 were not all answered").isPositive();
            }
        });
    }

    @Test
    @Timeout(120)
    void shouldCatchUpAfterALongPartitionOnceThePeersCollectedWhatItMissed()
    {
        SimulationRunner.run(SEEDS, (seed) ->
        {
            try (IssSimulation c = simulation(seed, WITHOUT_NODE_3))
            {
                final long[] behindAtHeal = {-1, -1};
                c.schedule(TimeUnit.MILLISECONDS.toNanos(10), () -> c.simulation().partition(new int[]{LAGGING}));
                c.schedule(TimeUnit.MILLISECONDS.toNanos(400), () ->
                {
                    behindAtHeal[0] = c.node(LAGGING).iss.stats().nextDeliver();
                    behindAtHeal[1] = minimumRetention(c.node(0).walStore);
                    c.simulation().heal();
                });
                runAndCheck(c);
                final long epochLength = c.config().epochLength();
                assertThat(behindAtHeal[1]).as("the peers' WALs no longer hold the epoch node 3 was in")
                    .isGreaterThan(behindAtHeal[0] / epochLength + 1);
                assertThat(c.node(LAGGING).iss.recoveryStats().installs()).as("installed a checkpoint").isPositive();
                assertThat(c.node(LAGGING).iss.stats().nextDeliver()).isGreaterThan(behindAtHeal[0]);
            }
        });
    }

    /**
     * Node 3 (wiped) gets a certificate, but no peer answers its ChunkRequests for that checkpoint — as when the
     * peers moved past it and dropped its data while node 3 was slow: after every peer was silent once, node 3
     * abandons the fetch and asks for the newest certificate, which it then fetches and installs (before the fix it
     * asked the same silent peers for the old checkpoint forever).
     */
    @Test
    @Timeout(120)
    void shouldAskForTheNewestCertificateWhenNoPeerServesTheCertifiedDataAnyMore()
    {
        SimulationRunner.run(SEEDS, (seed) ->
        {
            try (IssSimulation c = simulation(seed, null))
            {
                final long[] firstEpoch = {-1};
                final MessageHeaderDecoder header = new MessageHeaderDecoder();
                final ChunkRequestDecoder request = new ChunkRequestDecoder();
                c.simulation().network().addMangler(LAGGING, (from, to, message, offset, length, output) ->
                {
                    if (template(message, offset) == ChunkRequestDecoder.TEMPLATE_ID)
                    {
                        header.wrap(message, offset);
                        final long epoch = request.wrap(message, offset + MessageHeaderDecoder.ENCODED_LENGTH,
                            header.blockLength(), header.version()).epoch();
                        firstEpoch[0] = firstEpoch[0] < 0 ? epoch : firstEpoch[0];
                        if (epoch == firstEpoch[0])
                        {
                            return;
                        }
                    }
                    output.send(message, offset, length);
                });
                wipeAndRestartLagging(c);
                runAndCheck(c);
                assertThat(firstEpoch[0]).as("node 3 fetched by chunks").isNotNegative();
                assertThat(c.node(LAGGING).iss.recoveryStats().fetchesAbandoned()).as("abandoned the old fetch")
                    .isPositive();
                assertThat(c.node(LAGGING).iss.recoveryStats().installs()).as("installed a newer checkpoint")
                    .isPositive();
            }
        });
    }

    /**
     * Node 1's pre-prepares never arrive, so it is suspected whenever it leads and the blacklist (the default
     * policy) excludes it for 4 epochs; node 3 is wiped and installs a checkpoint, whose data carries the policy's
     * state: afterwards it computes the same leaders as the others for every epoch, including epochs without node 1.
     * Without the wipe node 3 recovers from its WAL at its stable checkpoint (restoring the state from its own
     * checkpoint data), then installs or catches up.
     */
    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    @Timeout(120)
    void shouldComputeTheSameLeadersAfterInstallingACheckpointWithASuspectedLeader(final boolean wipe)
    {
        SimulationRunner.run(SEEDS, (seed) ->
        {
            final List<Map<Long, String>> leaders = newLeaderMaps(4);
            final IssConfig config = IssSimulation.config(4, Scheme.HMAC_SHA256, CLIENTS).stateChunkBytes(64);
            try (IssSimulation c = new IssSimulation(seed, config, CLIENTS, REQUESTS, 4, 0.02,
                node -> new RecordingPolicy(new BlacklistLeaderPolicy(config), leaders.get(node)), null))
            {
                c.clients().resubmitUntilCompleted(TimeUnit.MILLISECONDS.toNanos(25));
                c.start();
                c.simulation().network().addMangler(1, (from, to, message, offset, length, output) ->
                {
                    if (template(message, offset) != PreprepareDecoder.TEMPLATE_ID)
                    {
                        output.send(message, offset, length);
                    }
                });
                c.schedule(TimeUnit.MILLISECONDS.toNanos(60), () ->
                {
                    c.simulation().crash(LAGGING);
                    if (wipe)
                    {
                        c.simulation().durable(LAGGING).remove(IssSimulation.WAL_KEY);
                    }
                });
                c.schedule(TimeUnit.MILLISECONDS.toNanos(100), () -> leaders.get(LAGGING).clear());
                c.schedule(TimeUnit.MILLISECONDS.toNanos(240), () -> c.simulation().restart(LAGGING));
                runAndCheck(c);
                if (wipe)
                {
                    assertThat(c.node(LAGGING).iss.recoveryStats().installs()).as("installed a checkpoint")
                        .isPositive();
                }
                else
                {
                    assertThat(c.node(LAGGING).iss.recoveryStats().recoveredEntries()).as("recovered from its WAL")
                        .isPositive();
                }
                int compared = 0;
                int withoutNode1 = 0;
                for (final Map.Entry<Long, String> entry : leaders.get(LAGGING).entrySet())
                {
                    final String others = leaders.get(0).get(entry.getKey());
                    if (others != null)
                    {
                        assertThat(entry.getValue()).as("leaders of epoch " + entry.getKey()).isEqualTo(others);
                        compared++;
                        withoutNode1 += entry.getValue().contains("1") ? 0 : 1;
                    }
                }
                assertThat(compared).as("epochs node 3 led after installing").isPositive();
                assertThat(withoutNode1).as("epochs after the install that excluded the suspected node 1")
                    .isPositive();
            }
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {"snapshot", "chunk"})
    @Timeout(120)
    void shouldDetectAPeerServingWrongStateAndFetchFromAnother(final String lie)
    {
        SimulationRunner.run(SEEDS, (seed) ->
        {
            try (IssSimulation c = simulation(seed, WITHOUT_NODE_3))
            {
                delayOthersCertificates(c);
                c.simulation().network().addMangler(BYZANTINE, (from, to, message, offset, length, output) ->
                {
                    if (to == LAGGING && template(message, offset) == StateChunkDecoder.TEMPLATE_ID)
                    {
                        final MutableDirectBuffer scratch = output.scratch();
                        scratch.putBytes(0, message, offset, length);
                        if ("snapshot".equals(lie))
                        {
                            scratch.putByte(length - 1, (byte)(scratch.getByte(length - 1) ^ 0x01));
                        }
                        else
                        {
                            final int at =
                                MessageHeaderEncoder.ENCODED_LENGTH + StateChunkEncoder.totalLengthEncodingOffset();
                            scratch.putInt(at, scratch.getInt(at) + 1);
                        }
                        output.send(scratch, 0, length);
                        return;
                    }
                    output.send(message, offset, length);
                });
                wipeAndRestartLagging(c);
                runAndCheck(c);
                final IssRecoveryStats stats = c.node(LAGGING).iss.recoveryStats();
                if ("snapshot".equals(lie))
                {
                    assertThat(stats.badSnapshots()).as("wrong snapshot detected: " + stats).isPositive();
                }
                else
                {
                    assertThat(stats.badChunks()).as("malformed chunk detected: " + stats).isPositive();
                }
                assertThat(stats.installs()).as("installed from another peer").isPositive();
            }
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {"signature", "signers"})
    @Timeout(120)
    void shouldRejectAForgedCertificate(final String forgery)
    {
        SimulationRunner.run(SEEDS, (seed) ->
        {
            try (IssSimulation c = simulation(seed, WITHOUT_NODE_3))
            {
                delayOthersCertificates(c);
                c.simulation().network().addMangler(BYZANTINE, (from, to, message, offset, length, output) ->
                {
                    if (to == LAGGING && template(message, offset) == CheckpointCertificateDecoder.TEMPLATE_ID)
                    {
                        forge(forgery, message, offset, length, output);
                        return;
                    }
                    output.send(message, offset, length);
                });
                wipeAndRestartLagging(c);
                runAndCheck(c);
                final IssRecoveryStats stats = c.node(LAGGING).iss.recoveryStats();
                assertThat(stats.certificatesRejected()).as("forged certificate rejected: " + stats).isPositive();
                assertThat(stats.installs()).as("installed with a genuine certificate").isPositive();
            }
        });
    }

    private static void forge(final String forgery, final DirectBuffer message, final int offset, final int length,
        final MessageMangler.Output output)
    {
        final MutableDirectBuffer scratch = output.scratch();
        if ("signature".equals(forgery))
        {
            scratch.putBytes(0, message, offset, length);
            scratch.putByte(length - 1, (byte)(scratch.getByte(length - 1) ^ 0x01));
            output.send(scratch, 0, length);
            return;
        }
        final MessageHeaderDecoder header = new MessageHeaderDecoder().wrap(message, offset);
        final CheckpointCertificateDecoder in = new CheckpointCertificateDecoder().wrap(message,
            offset + MessageHeaderDecoder.ENCODED_LENGTH, header.blockLength(), header.version());
        final byte[] digest = new byte[32];
        in.getDigest(digest, 0, 32);
        final CheckpointCertificateEncoder out = new CheckpointCertificateEncoder();
        final CheckpointCertificateDecoder.SignaturesDecoder signatures = in.signatures();
        final CheckpointCertificateEncoder.SignaturesEncoder group = out.wrapAndApplyHeader(scratch, 0,
            new MessageHeaderEncoder()).epoch(in.epoch()).seqNo(in.seqNo()).putDigest(digest, 0, 32)
            .dataLength(in.dataLength()).signaturesCount(2);
        for (int i = 0; i < 2 && signatures.hasNext(); i++)
        {
            signatures.next();
            final byte[] signature = new byte[signatures.signatureLength()];
            final int node = signatures.nodeId();
            signatures.getSignature(signature, 0, signature.length);
            group.next().nodeId(node).putSignature(signature, 0, signature.length);
        }
        output.send(scratch, 0, MessageHeaderEncoder.ENCODED_LENGTH + out.encodedLength());
    }

    private static IssSimulation simulation(final long seed, final LeaderPolicy policy)
    {
        final IssSimulation c = new IssSimulation(seed,
            IssSimulation.config(4, Scheme.HMAC_SHA256, CLIENTS).stateChunkBytes(64), CLIENTS, REQUESTS, 4, 0.02,
            policy);
        c.clients().resubmitUntilCompleted(TimeUnit.MILLISECONDS.toNanos(25));
        c.start();
        return c;
    }

    private static List<Map<Long, String>> newLeaderMaps(final int n)
    {
        final List<Map<Long, String>> maps = new ArrayList<>();
        for (int i = 0; i < n; i++)
        {
            maps.add(new HashMap<>());
        }
        return maps;
    }

    /**
     * Records the leaders each epoch was started with (epoch: "a,b,c"), delegating everything.
     */
    private static final class RecordingPolicy implements LeaderPolicy
    {
        private final LeaderPolicy delegate;
        private final Map<Long, String> leaders;

        RecordingPolicy(final LeaderPolicy delegate, final Map<Long, String> leaders)
        {
            this.delegate = delegate;
            this.leaders = leaders;
        }

        @Override
        public int leaderCount(final long epoch)
        {
            final int count = delegate.leaderCount(epoch);
            final StringBuilder text = new StringBuilder();
            for (int i = 0; i < count; i++)
            {
                text.append(i == 0 ? "" : ",").append(delegate.leader(epoch, i));
            }
            leaders.put(epoch, text.toString());
            return count;
        }

        @Override
        public int leader(final long epoch, final int index)
        {
            return delegate.leader(epoch, index);
        }

        @Override
        public void epochDelivered(final long epoch, final boolean[] suspected)
        {
            delegate.epochDelivered(epoch, suspected);
        }

        @Override
        public int stateLength()
        {
            return delegate.stateLength();
        }

        @Override
        public void writeState(final MutableDirectBuffer buffer, final int offset)
        {
            delegate.writeState(buffer, offset);
        }

        @Override
        public boolean checkState(final DirectBuffer buffer, final int offset, final int length)
        {
            return delegate.checkState(buffer, offset, length);
        }

        @Override
        public void restoreState(final DirectBuffer buffer, final int offset, final int length)
        {
            delegate.restoreState(buffer, offset, length);
        }
    }

    private static void wipeAndRestartLagging(final IssSimulation c)
    {
        c.schedule(TimeUnit.MILLISECONDS.toNanos(20), () ->
        {
            c.simulation().crash(LAGGING);
            c.simulation().durable(LAGGING).remove(IssSimulation.WAL_KEY);
        });
        c.schedule(TimeUnit.MILLISECONDS.toNanos(200), () -> c.simulation().restart(LAGGING));
    }

    /**
     * The honest peers' certificates reach node 3 later, so that the Byzantine node's answer is used first.
     */
    private static void delayOthersCertificates(final IssSimulation c)
    {
        for (int node = 0; node < 2; node++)
        {
            c.simulation().network().addMangler(node, (from, to, message, offset, length, output) ->
                output.send(message, offset, length, to == LAGGING &&
                template(message, offset) == CheckpointCertificateDecoder.TEMPLATE_ID ? 3_000_000 : 0));
        }
    }

    private static int template(final DirectBuffer message, final int offset)
    {
        final MessageHeaderDecoder header = new MessageHeaderDecoder().wrap(message, offset);
        return header.schemaId() == MessageHeaderDecoder.SCHEMA_ID ? header.templateId() : -1;
    }

    private static long minimumRetention(final InMemoryWalStore store)
    {
        long minimum = Long.MAX_VALUE;
        for (final InMemoryWalStore.Entry entry : store.entries())
        {
            minimum = Math.min(minimum, entry.retentionIndex());
        }
        return minimum;
    }

    private static void runAndCheck(final IssSimulation c)
    {
        final long expected = (long)CLIENTS * REQUESTS;
        final boolean done = c.runUntil(() -> IssRecoveryTest.converged(c, expected), LIMIT_NS);
        assertThat(c.simulation().failures()).as("module failures").isEmpty();
        assertThat(done).as("converged: " + IssRecoveryTest.describe(c)).isTrue();
        IssRecoveryTest.assertConsistentAcrossIncarnations(c, expected);
        assertThat(c.clients().mismatchedReplies()).as("mismatched replies").isZero();
    }
}
