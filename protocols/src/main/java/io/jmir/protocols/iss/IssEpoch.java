package io.jmir.protocols.iss;

import io.jmir.protocols.pbft.OrdererOutput;
import io.jmir.protocols.pbft.PbftOrderer;
import io.jmir.protocols.pbft.PbftSlot;

/**
 * One ISS epoch: its sequence numbers [first, first + length), one segment per leader with sequence numbers
 * interleaved round robin (segment i holds first + i + k x leaders, so with fewer leaders than nodes segments
 * are longer and may differ by one slot), one {@link PbftOrderer} per segment, and the
 * slots. Epoch objects are pooled and reused once the epoch's checkpoint is stable.
 * <p>
 * <b>Threading:</b> protocol module thread only.
 */
final class IssEpoch
{
    private final PbftSlot[] slots;
    private final PbftOrderer[] orderers;
    private final int length;
    private int leaderCount;
    long epoch = -1;
    long first;
    boolean live;

    IssEpoch(final IssConfig config, final OrdererOutput output, final int selfId)
    {
        length = config.epochLength();
        final int nodeCount = config.nodeCount();
        leaderCount = nodeCount;
        slots = new PbftSlot[length];
        for (int i = 0; i < length; i++)
        {
            slots[i] = new PbftSlot(config.nodeCount());
        }
        orderers = new PbftOrderer[nodeCount];
        for (int i = 0; i < nodeCount; i++)
        {
            orderers[i] = new PbftOrderer(output, selfId, nodeCount, config.f(), length, config.maxBatchSize(),
                config.viewChangeTimeoutNs());
        }
    }

    void start(final long epoch, final LeaderPolicy policy, final long nowNs)
    {
        this.epoch = epoch;
        this.first = epoch * length;
        this.live = true;
        for (int i = 0; i < length; i++)
        {
            slots[i].reset(first + i);
        }
        leaderCount = Math.max(1, Math.min(Math.min(orderers.length, length), policy.leaderCount(epoch)));
        for (int s = 0; s < leaderCount; s++)
        {
            final int segmentLength = (length - s + leaderCount - 1) / leaderCount;
            orderers[s].reset(epoch, s, Math.floorMod(policy.leader(epoch, s), orderers.length), slots, first + s,
                leaderCount, segmentLength, nowNs);
        }
    }

    boolean contains(final long seqNo)
    {
        return seqNo >= first && seqNo < first + length;
    }

    PbftSlot slot(final long seqNo)
    {
        return slots[(int)(seqNo - first)];
    }

    PbftOrderer ordererOf(final long seqNo)
    {
        return orderers[(int)((seqNo - first) % leaderCount)];
    }

    PbftOrderer orderer(final int segment)
    {
        return orderers[segment];
    }

    int leaderCount()
    {
        return leaderCount;
    }

    long last()
    {
        return first + length - 1;
    }

    /**
     * Send one node again everything this node said in the epoch (pre-prepares it led, prepares, commits) and the
     * batches' payloads it holds: the answer to a peer stuck in this epoch (ADR 0014), which lost messages while it
     * was down.
     */
    void retransmit(final IssPublisher publisher, final IssPayloadFetch payloads, final int to)
    {
        for (final PbftSlot slot : slots)
        {
            if (slot.hasDigest() && slot.preprepareView() >= 0)
            {
                final PbftOrderer orderer = ordererOf(slot.seqNo());
                publisher.resendVotes(to, epoch, slot.preprepareView(), slot,
                    orderer.segmentLeader() == orderer.leader() && orderer.isLeader() && slot.preprepareView() == 0,
                    slot.isPrepared());
                payloads.send(to, epoch, slot);
            }
        }
    }

    long rejectedMessages()
    {
        long rejected = 0;
        for (final PbftOrderer orderer : orderers)
        {
            rejected += orderer.rejectedMessages();
        }
        return rejected;
    }

    /**
     * Time passed: view-change timeouts and retransmission of every segment (ADR 0013).
     */
    void onTick(final long nowNs)
    {
        for (int s = 0; s < leaderCount; s++)
        {
            orderers[s].onTick(nowNs);
        }
    }

    /**
     * Requests arrived: re-check slots whose batch waited for them.
     */
    void retryWaiting()
    {
        for (int s = 0; s < leaderCount; s++)
        {
            if (orderers[s].hasWaiting())
            {
                orderers[s].retryWaiting();
            }
        }
    }

    /**
     * @return over the epochs: rejected messages, view changes, live epochs.
     */
    static long[] totals(final IssEpoch[] epochs)
    {
        final long[] totals = new long[3];
        for (final IssEpoch epoch : epochs)
        {
            totals[0] += epoch.rejectedMessages();
            totals[1] += epoch.viewChanges();
            totals[2] += epoch.live ? 1 : 0;
        }
        return totals;
    }

    long viewChanges()
    {
        long changes = 0;
        for (final PbftOrderer orderer : orderers)
        {
            changes += orderer.viewChanges();
        }
        return changes;
    }
}
