package io.jmir.protocols.pbft;

import org.agrona.DirectBuffer;

/**
 * The normal-case phases of a {@link PbftOrderer} (Mir's pbftgoodcase.go): accept a pre-prepare from the view's
 * leader (its batch checked by the host, waiting for requests that have not arrived), persist it and vote Prepare;
 * prepared at 2f+1 matching prepares (persist, vote Commit); committed at 2f+1 matching commits. Messages of another
 * view, from a non-leader, or a second pre-prepare for a slot are rejected and counted. View change (a later issue)
 * lives next to this class and changes the orderer's view and leader.
 * <p>
 * <b>Threading:</b> protocol module thread only.
 */
final class PbftGoodCase
{
    private final PbftOrderer orderer;
    private final OrdererOutput output;
    private final int selfId;
    private final int strongQuorum;

    PbftGoodCase(final PbftOrderer orderer, final OrdererOutput output, final int selfId, final int strongQuorum)
    {
        this.orderer = orderer;
        this.output = output;
        this.selfId = selfId;
        this.strongQuorum = strongQuorum;
    }

    void propose(final PbftSlot slot)
    {
        output.cutBatch(orderer, slot);
        slot.hasBatch = true;
        output.hashBatch(slot);
    }

    boolean onPreprepare(
        final int from, final long view, final PbftSlot slot, final DirectBuffer refs, final int offset,
        final int count)
    {
        if (from != orderer.leader() || view != orderer.view() || from == selfId || slot.hasBatch)
        {
            return false;
        }
        slot.setBatch(refs, offset, count);
        return checkAndAccept(slot);
    }

    /**
     * @return false when the batch was found invalid (and dropped).
     */
    boolean checkAndAccept(final PbftSlot slot)
    {
        final int result = output.checkBatch(orderer, slot);
        if (result == OrdererOutput.BATCH_VALID)
        {
            slot.waitingForRequests = false;
            output.acceptBatch(slot);
            output.hashBatch(slot);
            return true;
        }
        if (result == OrdererOutput.BATCH_MISSING)
        {
            slot.waitingForRequests = true;
            return true;
        }
        slot.waitingForRequests = false;
        slot.hasBatch = false;
        slot.requestCount = 0;
        return false;
    }

    void onBatchDigest(final PbftSlot slot, final DirectBuffer digest, final int offset)
    {
        if (!slot.hasBatch || slot.hasDigest)
        {
            return;
        }
        slot.setDigest(digest, offset);
        output.persistPreprepare(orderer, slot, orderer.leader() == selfId);
        checkPrepared(slot);
    }

    boolean onPrepare(final int from, final long view, final PbftSlot slot, final DirectBuffer digest,
        final int offset)
    {
        if (view != orderer.view() || !slot.votePrepare(from, digest, offset))
        {
            return false;
        }
        checkPrepared(slot);
        return true;
    }

    boolean onCommit(final int from, final long view, final PbftSlot slot, final DirectBuffer digest,
        final int offset)
    {
        if (view != orderer.view() || !slot.voteCommit(from, digest, offset))
        {
            return false;
        }
        checkCommitted(slot);
        return true;
    }

    private void checkPrepared(final PbftSlot slot)
    {
        if (slot.hasDigest && !slot.sentCommit && slot.matchingPrepares() >= strongQuorum)
        {
            slot.sentCommit = true;
            output.persistPrepared(orderer, slot);
            checkCommitted(slot);
        }
    }

    private void checkCommitted(final PbftSlot slot)
    {
        if (slot.hasDigest && !slot.isCommitted && slot.matchingCommits() >= strongQuorum)
        {
            slot.isCommitted = true;
            output.committed(orderer, slot);
        }
    }
}
