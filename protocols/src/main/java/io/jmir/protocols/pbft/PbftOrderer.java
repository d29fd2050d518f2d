package io.jmir.protocols.pbft;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

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
    private final PbftViewChange viewChange;
    private final PbftResend resend;
    private final OrdererOutput output;
    private final int selfId;
    private final int nodeCount;
    private PbftSlot[] slots;
    private long epoch;
    private int segment;
    private int segmentLeader;
    private int leader;
    private long view;
    private boolean inViewChange;
    private int committedCount;
    private long first;
    private int stride;
    private int length;
    private int nextProposal;
    private long rejectedMessages;
    private final UnsafeBuffer digestView = new UnsafeBuffer(new byte[0]);

    /**
     * @param output        services of the host.
     * @param selfId        this node's id.
     * @param nodeCount     n.
     * @param f             tolerated Byzantine nodes.
     * @param maxSlots      most slots a segment may have.
     * @param maxBatchSize  most requests in a batch.
     * @param viewTimeoutNs time without progress after which a view change starts (doubled per view).
     */
    public PbftOrderer(final OrdererOutput output, final int selfId, final int nodeCount, final int f,
        final int maxSlots, final int maxBatchSize, final long viewTimeoutNs)
    {
        this.output = output;
        this.selfId = selfId;
        this.nodeCount = nodeCount;
        this.goodCase = new PbftGoodCase(this, output, selfId, 2 * f + 1);
        this.viewChange = new PbftViewChange(this, output, selfId, nodeCount, f, maxSlots, maxBatchSize,
            viewTimeoutNs);
        this.resend = new PbftResend(this, output);
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
     * @param nowNs   current time (starts the view-change timer).
     */
    public void reset(final long epoch, final int segment, final int leader, final PbftSlot[] slots,
        final long first, final int stride, final int length, final long nowNs)
    {
        this.epoch = epoch;
        this.segment = segment;
        this.segmentLeader = leader;
        this.leader = leader;
        this.inViewChange = false;
        this.committedCount = 0;
        this.slots = slots;
        this.first = first;
        this.stride = stride;
        this.length = length;
        this.view = 0;
        this.nextProposal = 0;
        viewChange.reset(nowNs);
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
     * @return node id of the segment's leader in view 0 (the leader the leader policy chose).
     */
    public int segmentLeader()
    {
        return segmentLeader;
    }

    /**
     * @param view a view.
     * @return the leader of that view: the segment's leader plus the view, modulo n.
     */
    public int leaderOf(final long view)
    {
        return (int)((segmentLeader + view) % nodeCount);
    }

    /**
     * @return true between sending a ViewChange and accepting the NewView.
     */
    public boolean inViewChange()
    {
        return inViewChange;
    }

    /**
     * @return number of slots of the segment.
     */
    public int length()
    {
        return length;
    }

    /**
     * @return true once every slot of the segment committed here.
     */
    public boolean isFinished()
    {
        return committedCount >= length;
    }

    /**
     * @return view changes this orderer started (over all segments it ordered).
     */
    public long viewChanges()
    {
        return viewChange.viewChanges();
    }

    /**
     * @return current view.
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
        return leader == selfId && view == 0 && !inViewChange && nextProposal < length;
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
            if (slot.waitingForRequests && slot.hasBatch && !goodCase.checkAndAccept(slot))
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
        if (!goodCase.onBatchDigest(slot, digest, offset))
        {
            rejectedMessages++;
        }
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
     * A ViewChange for this segment.
     *
     * @param from   sending node.
     * @param buffer holding the message (header included).
     * @param offset of the message.
     * @param length of the message.
     */
    public void onViewChange(final int from, final DirectBuffer buffer, final int offset, final int length)
    {
        if (!viewChange.onViewChange(from, buffer, offset, length))
        {
            rejectedMessages++;
        }
    }

    /**
     * A NewView for this segment.
     *
     * @param from   sending node.
     * @param buffer holding the message (header included).
     * @param offset of the message.
     * @param length of the message.
     */
    public void onNewView(final int from, final DirectBuffer buffer, final int offset, final int length)
    {
        if (!viewChange.onNewView(from, buffer, offset, length))
        {
            rejectedMessages++;
        }
    }

    /**
     * Time passed (the timer module's TimerFired): view-change timeout and retransmission.
     *
     * @param nowNs current time.
     */
    public void onTick(final long nowNs)
    {
        viewChange.onTick(nowNs);
    }

    /**
     * Catch-up: install a batch that f+1 peers reported committed at a slot of this segment; it commits here once
     * its requests are known and its digest equals the reported one.
     *
     * @param slot   the slot.
     * @param refs   buffer holding the request references.
     * @param count  number of references.
     * @param fill   true for a view-change fill.
     * @param digest the reported digest.
     */
    public void installFetched(final PbftSlot slot, final DirectBuffer refs, final int count, final boolean fill,
        final byte[] digest)
    {
        if (slot.isCommitted)
        {
            return;
        }
        replaceBatch(slot, refs, count, fill, digest, PbftSlot.INSTALL_FETCHED);
        slot.preprepareView = -1;
        if (!goodCase.checkAndAccept(slot))
        {
            rejectedMessages++;
        }
    }

    /**
     * @param seqNo a sequence number.
     * @return true when it belongs to this segment.
     */
    public boolean holds(final long seqNo)
    {
        final long delta = seqNo - first;
        return delta >= 0 && delta % stride == 0 && delta / stride < length;
    }

    /**
     * Install a batch in a slot that is not committed: the batch this node marked as proposed there (if any) is
     * released first.
     */
    private void replaceBatch(final PbftSlot slot, final DirectBuffer refs, final int count, final boolean fill,
        final byte[] digest, final int kind)
    {
        if (slot.marked)
        {
            output.releaseBatch(slot);
            slot.marked = false;
        }
        digestView.wrap(digest);
        slot.install(refs, 0, count, fill, digestView, 0, kind);
    }

    void enterView(final long newView, final boolean viewChanging)
    {
        view = newView;
        leader = leaderOf(newView);
        inViewChange = viewChanging;
    }

    void install(final PbftSlot slot, final DirectBuffer refs, final int count, final boolean fill,
        final byte[] digest)
    {
        slot.clearVotes();
        if (slot.isCommitted)
        {
            if (slot.hasDigest)
            {
                slot.preprepareView = view;
                slot.recordPreprepared(view);
                output.persistPreprepare(this, slot, false);
            }
            return;
        }
        replaceBatch(slot, refs, count, fill, digest, PbftSlot.INSTALL_REPROPOSAL);
        if (!goodCase.checkAndAccept(slot))
        {
            rejectedMessages++;
        }
    }

    void slotCommitted()
    {
        committedCount++;
        viewChange.progress();
    }

    void resendVotes()
    {
        resend.resend(view, inViewChange);
    }

    PbftSlot slotAt(final int k)
    {
        return slot(first + (long)k * stride);
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
     * @param slotView     view in which the node pre-prepared the batch (the orderer moves up to it: ADR 0013).
     * @param fill         true when the batch is a view-change fill.
     */
    public void restore(
        final PbftSlot slot, final DirectBuffer refs, final int offset, final int count, final DirectBuffer digest,
        final int digestOffset, final boolean prepared, final boolean committed, final long slotView,
        final boolean fill)
    {
        if (slotView > view)
        {
            enterView(slotView, false);
        }
        slot.setBatch(refs, offset, count);
        slot.setFill(fill);
        slot.preprepareView = slotView;
        slot.setDigest(digest, digestOffset);
        slot.marked = true;
        slot.recordPreprepared(slotView);
        slot.votePrepare(selfId, digest, digestOffset);
        if (prepared || committed)
        {
            slot.sentCommit = true;
            if (slotView >= 0)
            {
                slot.recordPrepared(slotView);
            }
            slot.voteCommit(selfId, digest, digestOffset);
        }
        if (committed && !slot.isCommitted)
        {
            committedCount++;
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
