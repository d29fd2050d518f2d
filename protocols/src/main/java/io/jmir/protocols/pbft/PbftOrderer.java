package io.jmir.protocols.pbft;

import org.agrona.DirectBuffer;

/**
 * One PBFT instance ordering one ISS segment (Mir's sbinstance / pbft.go; the phases are in {@link PbftGoodCase},
 * the per-sequence-number state in {@link PbftSlot}): the segment's leader
 * proposes batches for the segment's sequence numbers (pre-prepare); every node that accepts a batch persists it
 * and sends Prepare; 2f+1 matching prepares make the slot prepared (persist, send Commit); 2f+1 matching commits
 * make it committed. All outputs go through {@link OrdererOutput}; this class holds only state transitions, so
 * it is deterministic and can be driven directly by tests.
 * <p>
 * The segment's sequence numbers are {@code first + k * stride} for k in [0, length) (ISS interleaves segments
 * round robin). View change (a later issue) adds a view number above 0 and a new leader per view; messages of
 * other views are rejected here and counted.
 * <p>
 * <b>Threading:</b> protocol module thread only.
 */
public final class PbftOrderer
{
    private final PbftGoodCase goodCase;
    private final int selfId;
    private PbftSlot[] slots;
    private long epoch;
    private int segment;
    private int leader;
    private long view;
    private long first;
    private int stride;
    private int length;
    private int nextProposal;
    private long rejectedMessages;

    /**
     * @param output       services of the host.
     * @param selfId       this node's id.
     * @param strongQuorum 2f + 1.
     */
    public PbftOrderer(final OrdererOutput output, final int selfId, final int strongQuorum)
    {
        this.selfId = selfId;
        this.goodCase = new PbftGoodCase(this, output, selfId, strongQuorum);
    }

    /**
     * Take a new segment.
     *
     * @param epoch   ISS epoch.
     * @param segment segment index in the epoch.
     * @param leader  node id of the segment's leader.
     * @param slots   the epoch's slots, indexed by sequence number minus the epoch's first.
     * @param first   first sequence number of the segment.
     * @param stride  distance between the segment's sequence numbers.
     * @param length  number of sequence numbers in the segment.
     */
    public void reset(final long epoch, final int segment, final int leader, final PbftSlot[] slots,
        final long first, final int stride, final int length)
    {
        this.epoch = epoch;
        this.segment = segment;
        this.leader = leader;
        this.slots = slots;
        this.first = first;
        this.stride = stride;
        this.length = length;
        this.view = 0;
        this.nextProposal = 0;
    }

    /**
     * @return ISS epoch of the segment.
     */
    public long epoch()
    {
        return epoch;
    }

    /**
     * @return segment index.
     */
    public int segment()
    {
        return segment;
    }

    /**
     * @return node id of the leader.
     */
    public int leader()
    {
        return leader;
    }

    /**
     * @return current view (0 until view change exists).
     */
    public long view()
    {
        return view;
    }

    /**
     * @return true when this node leads the segment.
     */
    public boolean isLeader()
    {
        return leader == selfId;
    }

    /**
     * @return true when this node leads the segment and some slot has no proposal yet.
     */
    public boolean canPropose()
    {
        return leader == selfId && nextProposal < length;
    }

    /**
     * @return messages rejected (wrong sender or view, conflicting pre-prepare, invalid batch).
     */
    public long rejectedMessages()
    {
        return rejectedMessages;
    }

    /**
     * Leader: cut a batch for the next free slot and have it hashed; the pre-prepare is sent once the digest is
     * known ({@link #onBatchDigest}).
     */
    public void propose()
    {
        if (!canPropose())
        {
            throw new IllegalStateException("node " + selfId + " cannot propose in segment " + segment);
        }
        final PbftSlot slot = slot(first + (long)nextProposal * stride);
        nextProposal++;
        goodCase.propose(slot);
    }

    /**
     * A pre-prepare from a node.
     *
     * @param from   sending node.
     * @param view   view of the message.
     * @param slot   the slot of its sequence number (in this segment).
     * @param refs   buffer holding the request references.
     * @param offset of the first reference.
     * @param count  number of references.
     */
    public void onPreprepare(
        final int from, final long view, final PbftSlot slot, final DirectBuffer refs, final int offset,
        final int count)
    {
        if (!goodCase.onPreprepare(from, view, slot, refs, offset, count))
        {
            rejectedMessages++;
        }
    }

    /**
     * Re-check slots whose batch waits for requests that had not arrived.
     */
    public void retryWaiting()
    {
        for (int k = 0; k < length; k++)
        {
            final PbftSlot slot = slot(first + (long)k * stride);
            if (slot.waitingForRequests && !goodCase.checkAndAccept(slot))
            {
                rejectedMessages++;
            }
        }
    }

    /**
     * @return true when some slot waits for requests.
     */
    public boolean hasWaiting()
    {
        for (int k = 0; k < length; k++)
        {
            if (slot(first + (long)k * stride).waitingForRequests)
            {
                return true;
            }
        }
        return false;
    }

    /**
     * The hasher answered with the digest of a slot's batch.
     *
     * @param slot   the slot.
     * @param digest buffer holding the digest.
     * @param offset of the digest.
     */
    public void onBatchDigest(final PbftSlot slot, final DirectBuffer digest, final int offset)
    {
        goodCase.onBatchDigest(slot, digest, offset);
    }

    /**
     * A prepare vote.
     *
     * @param from   voting node.
     * @param view   view of the message.
     * @param slot   the slot.
     * @param digest buffer holding the voted digest.
     * @param offset of the digest.
     */
    public void onPrepare(
        final int from, final long view, final PbftSlot slot, final DirectBuffer digest, final int offset)
    {
        if (!goodCase.onPrepare(from, view, slot, digest, offset))
        {
            rejectedMessages++;
        }
    }

    /**
     * A commit vote.
     *
     * @param from   voting node.
     * @param view   view of the message.
     * @param slot   the slot.
     * @param digest buffer holding the voted digest.
     * @param offset of the digest.
     */
    public void onCommit(
        final int from, final long view, final PbftSlot slot, final DirectBuffer digest, final int offset)
    {
        if (!goodCase.onCommit(from, view, slot, digest, offset))
        {
            rejectedMessages++;
        }
    }

    /**
     * Crash recovery: put back what this node persisted for a slot of this segment before it crashed — the batch it
     * pre-prepared (and voted Prepare for), whether it prepared it (and voted Commit) and whether it committed it.
     * Own votes are counted again; a second pre-prepare for the slot is rejected as before the crash, and a leader
     * never proposes again for a slot it proposed.
     *
     * @param slot         the slot (in this segment).
     * @param refs         buffer holding the request references.
     * @param offset       of the first reference.
     * @param count        number of references.
     * @param digest       buffer holding the batch digest.
     * @param digestOffset of the digest.
     * @param prepared     true when the node persisted that the slot prepared.
     * @param committed    true when the node persisted that the slot committed.
     */
    public void restore(
        final PbftSlot slot, final DirectBuffer refs, final int offset, final int count, final DirectBuffer digest,
        final int digestOffset, final boolean prepared, final boolean committed)
    {
        slot.setBatch(refs, offset, count);
        slot.setDigest(digest, digestOffset);
        slot.votePrepare(selfId, digest, digestOffset);
        if (prepared || committed)
        {
            slot.sentCommit = true;
            slot.voteCommit(selfId, digest, digestOffset);
        }
        slot.isCommitted = committed;
        final int k = (int)((slot.seqNo() - first) / stride);
        if (leader == selfId && k >= nextProposal)
        {
            nextProposal = k + 1;
        }
    }

    private PbftSlot slot(final long seqNo)
    {
        return slots[(int)(seqNo - (first - segment))];
    }
}
