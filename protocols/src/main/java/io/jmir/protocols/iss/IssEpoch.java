package io.jmir.protocols.iss;

import io.jmir.protocols.pbft.OrdererOutput;
import io.jmir.protocols.pbft.PbftOrderer;
import io.jmir.protocols.pbft.PbftSlot;

/**
 * One ISS epoch: its sequence numbers [first, first + length), one segment per leader with sequence numbers
 * interleaved round robin (segment i holds first + i + k x leaders), one {@link PbftOrderer} per segment, and the
 * slots. Epoch objects are pooled and reused once the epoch's checkpoint is stable.
 * <p>
 * <b>Threading:</b> protocol module thread only.
 */
final class IssEpoch
{
    private final PbftSlot[] slots;
    private final PbftOrderer[] orderers;
    private final int length;
    private final int leaderCount;
    long epoch = -1;
    long first;
    boolean live;

    IssEpoch(final IssConfig config, final OrdererOutput output, final int selfId)
    {
        length = config.epochLength();
        leaderCount = config.nodeCount();
        slots = new PbftSlot[length];
        for (int i = 0; i < length; i++)
        {
            slots[i] = new PbftSlot(config.nodeCount());
        }
        orderers = new PbftOrderer[leaderCount];
        for (int i = 0; i < leaderCount; i++)
        {
            orderers[i] = new PbftOrderer(output, selfId, config.strongQuorum());
        }
    }

    void start(final long epoch, final LeaderPolicy policy)
    {
        this.epoch = epoch;
        this.first = epoch * length;
        this.live = true;
        for (int i = 0; i < length; i++)
        {
            slots[i].reset(first + i);
        }
        final int segmentLength = length / leaderCount;
        for (int s = 0; s < leaderCount; s++)
        {
            orderers[s].reset(epoch, s, policy.leader(epoch, s), slots, first + s, leaderCount, segmentLength);
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
            if (slot.hasDigest())
            {
                final PbftOrderer orderer = ordererOf(slot.seqNo());
                publisher.resendVotes(to, epoch, orderer.view(), slot, orderer.isLeader(), slot.isPrepared());
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
}
