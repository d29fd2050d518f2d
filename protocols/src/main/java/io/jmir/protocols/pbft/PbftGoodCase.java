package io.jmir.protocols.pbft;

import org.agrona.DirectBuffer;

/**
 * The normal-case phases of a {@link PbftOrderer} (Mir's pbftgoodcase.go): accept a pre-prepare from the view's
 * leader (its batch checked by the host, waiting for requests that have not arrived), persist it and vote Prepare;
 * prepared at 2f+1 matching prepares (persist, vote Commit); committed at 2f+1 matching commits. Messages of another
 * view, from a non-leader, during a view change, or a second pre-prepare for a slot are rejected and counted.
 * Batches installed by a view change (re-proposals) or fetched from peers (catch-up) enter here too: their
 * requests are checked, their digest must equal the expected one ({@link PbftViewChange}, ADR 0013). A node never
 * pre-prepares two different batches for a slot in one view, also across a restart (the Q record is restored from
 * the WAL): the second is refused.
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
        slot.marked = true;
        output.hashBatch(slot);
    }

    boolean onPreprepare(
        final int from, final long view, final PbftSlot slot, final DirectBuffer refs, final int offset,
        final int count)
    {
        if (from != orderer.leader() || view != orderer.view() || view != 0 || orderer.inViewChange() ||
            from == selfId || slot.hasBatch || slot.isCommitted)
        {
            return false;
        }
        slot.setBatch(refs, offset, count);
        slot.preprepareView = view;
        return checkAndAccept(slot);
    }

    /**
     * @return false when the batch was found invalid (and dropped).
     */
    boolean checkAndAccept(final PbftSlot slot)
    {
        final boolean installed = slot.installMode != PbftSlot.INSTALL_NONE;
        final int result = installed ? output.checkInstalled(orderer, slot) : output.checkBatch(orderer, slot);
        if (result == OrdererOutput.BATCH_VALID)
        {
            slot.waitingForRequests = false;
            slot.marked = true;
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
        slot.installMode = PbftSlot.INSTALL_NONE;
        return false;
    }

    /**
     * @return false when an installed batch's digest differed from the expected one (the batch was dropped).
     */
    boolean onBatchDigest(final PbftSlot slot, final DirectBuffer digest, final int offset)
    {

        if (!slot.hasBatch || slot.hasDigest || slot.waitingForRequests)
        {
            return true;
        }
        slot.setDigest(digest, offset);
        final int mode = slot.installMode;
        if (mode != PbftSlot.INSTALL_NONE)
        {
            if ((!slot.isFill() || mode == PbftSlot.INSTALL_FETCHED) && !slot.digestEquals(slot.expectedDigest()))
            {
                slot.hasDigest = false;
                return false;
            }
            slot.installMode = PbftSlot.INSTALL_NONE;
            if (mode == PbftSlot.INSTALL_FETCHED)
            {
                output.persistPreprepare(orderer, slot, false);
                slot.isCommitted = true;
                orderer.slotCommitted();
                output.committed(orderer, slot);
                return true;
            }
        }
        if (slot.qView == orderer.view() && !slot.digestEquals(slot.qDigest()))
        {
            slot.hasDigest = false;
            return false;
        }
        slot.preprepareView = orderer.view();
        slot.recordPreprepared(orderer.view());
        output.persistPreprepare(orderer, slot, orderer.leader() == selfId && orderer.view() == 0);
        checkPrepared(slot);
        return true;
    }

    boolean onPrepare(final int from, final long view, final PbftSlot slot, final DirectBuffer digest,
        final int offset)
    {
        if (view != orderer.view() || orderer.inViewChange() || !slot.votePrepare(from, digest, offset))
        {
            return false;
        }
        checkPrepared(slot);
        return true;
    }

    boolean onCommit(final int from, final long view, final PbftSlot slot, final DirectBuffer digest,
        final int offset)
    {
        if (view != orderer.view() || orderer.inViewChange() || !slot.voteCommit(from, digest, offset))
        {
            return false;
        }
        checkCommitted(slot);
        return true;
    }

    void checkPrepared(final PbftSlot slot)
    {
        if (slot.hasDigest && !slot.sentCommit && slot.matchingPrepares() >= strongQuorum)
        {
            slot.sentCommit = true;
            slot.recordPrepared(orderer.view());
            output.persistPrepared(orderer, slot);
            checkCommitted(slot);
        }
    }

    private void checkCommitted(final PbftSlot slot)
    {
        if (slot.hasDigest && !slot.isCommitted && slot.matchingCommits() >= strongQuorum)
        {
            slot.isCommitted = true;
            orderer.slotCommitted();
            output.committed(orderer, slot);
        }
    }
}
