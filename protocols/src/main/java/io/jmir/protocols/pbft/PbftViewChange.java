package io.jmir.protocols.pbft;

import io.jmir.protocols.codecs.MessageHeaderDecoder;
import io.jmir.protocols.codecs.MessageHeaderEncoder;
import io.jmir.protocols.codecs.NewViewDecoder;
import io.jmir.protocols.codecs.NewViewEncoder;
import io.jmir.protocols.codecs.ViewChangeEncoder;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * View change of one segment's PBFT orderer (Mir's pbftviewchange.go, Castro-Liskov with P and Q sets; ADR 0013).
 * <ul>
 *   <li>Timeout: when no slot of the unfinished segment committed for {@code timeoutNs << min(view, 6)} (virtual
 *   time from the timer module's TimerFired), the node moves to view + 1 and broadcasts a ViewChange with its P
 *   set (per slot the batch it last prepared) and Q set (per slot the batch it last pre-prepared). It also joins
 *   view v when f+1 nodes sent ViewChanges above its view (the least of them). During a view change the timer of
 *   view v runs only once 2f+1 nodes (itself included) sent ViewChanges for v or a higher view (Castro-Liskov: a
 *   backup starts its timer after 2f+1 view-change messages): a node that got ahead of the others waits for them
 *   instead of moving further ahead at the same pace — with exactly 2f+1 live nodes one node two views ahead kept
 *   its distance for good, so no view ever had 2f+1 ViewChanges (seen with a node restarted in an idle 4-node
 *   cluster). The nodes behind still arm their timers (the one ahead counts for them) and catch up.</li>
 *   <li>The leader of view v is {@code (segment leader + v) mod n}. Once it holds ViewChanges of v from 2f+1
 *   nodes that decide every slot ({@link PbftReports}), it broadcasts NewView: per slot the prepared batch to
 *   re-propose or an empty fill batch (its prefix carries {@link PbftSlot#FILL_FLAG}, so fills are agreed by
 *   digest and the leader policy can see them in the delivered log). A view above 0 proposes nothing new: the
 *   segment ends with re-proposals and fills, so the epoch completes.</li>
 *   <li>Followers accept a NewView from the view's leader when every proposal is justified by the ViewChanges
 *   they hold themselves (waiting for more when not yet); the batches are then installed, their digests checked
 *   against the proposal, and prepared and committed in the new view.</li>
 *   <li>A node whose segment is finished (every slot committed here) does not change view on its own but answers
 *   ViewChanges for a higher view sent by f+1 nodes (so one Byzantine node cannot make it echo) with its own report
 *   for that view, and accepts that view's NewView and votes
 *   for its re-proposals (which equal its committed batches), so the others can complete the view change with it
 *   even when it moved on to the next epoch.</li>
 *   <li>Retransmission: while the unfinished segment made no progress for a third of the timeout, the node
 *   re-sends, once per such period, its ViewChange (during a view change) or, as the view's leader, its NewView,
 *   and its own votes ({@link PbftResend}).</li>
 * </ul>
 * <b>Threading:</b> protocol module thread only.
 */
final class PbftViewChange
{
    private static final int MAX_BACKOFF_SHIFT = 6;
    /** ViewChanges more views ahead than this are dropped and counted (far-future views, ADR 0013). */
    static final long MAX_VIEW_AHEAD = 64;

    private final PbftOrderer orderer;
    private final OrdererOutput output;
    private final PbftReports reports;
    private final MessageHeaderEncoder headerEncoder = new MessageHeaderEncoder();
    private final MessageHeaderDecoder header = new MessageHeaderDecoder();
    private final ViewChangeEncoder viewChange = new ViewChangeEncoder();
    private final NewViewEncoder newViewEncoder = new NewViewEncoder();
    private final NewViewDecoder newView = new NewViewDecoder();
    private final io.jmir.protocols.codecs.ViewChangeDecoder viewChangeDecoder =
        new io.jmir.protocols.codecs.ViewChangeDecoder();
    private final ExpandableArrayBuffer scratch = new ExpandableArrayBuffer(4096);
    private final ExpandableArrayBuffer pending = new ExpandableArrayBuffer(4096);
    private final UnsafeBuffer pendingView = new UnsafeBuffer(0, 0);
    private final UnsafeBuffer refsView = new UnsafeBuffer(0, 0);
    private final byte[] digest = new byte[PbftSlot.DIGEST_LENGTH];
    private final byte[] zeroDigest = new byte[PbftSlot.DIGEST_LENGTH];
    private final int selfId;
    private final int nodeCount;
    private final int weakQuorum;
    private final int strongQuorum;
    private final long timeoutNs;
    private final long resendPeriodNs;
    private int pendingLength;
    private long pendingNewView = -1;
    private long answeredView;
    private boolean sentNewView;
    private long progressNs;
    private boolean viewTimerArmed = true;
    private long lastResendNs;
    private long nowNs;
    private long viewChanges;

    PbftViewChange(final PbftOrderer orderer, final OrdererOutput output, final int selfId, final int nodeCount,
        final int f, final int maxSlots, final int maxBatchSize, final long timeoutNs)
    {
        this.orderer = orderer;
        this.output = output;
        this.selfId = selfId;
        this.nodeCount = nodeCount;
        this.weakQuorum = f + 1;
        this.strongQuorum = 2 * f + 1;
        this.timeoutNs = timeoutNs;
        this.resendPeriodNs = Math.max(1, timeoutNs / 3);
        this.reports = new PbftReports(nodeCount, f, maxSlots, maxBatchSize);
    }

    void reset(final long nowNs)
    {
        reports.clear();
        pendingNewView = -1;
        pendingLength = 0;
        answeredView = 0;
        sentNewView = false;
        this.nowNs = nowNs;
        progressNs = nowNs;
        viewTimerArmed = true;
        lastResendNs = nowNs;
    }

    long viewChanges()
    {
        return viewChanges;
    }

    void progress()
    {
        progressNs = nowNs;
    }

    void onTick(final long nowNs)
    {
        this.nowNs = nowNs;
        if (orderer.isFinished())
        {
            return;
        }
        final long view = orderer.view();
        if (!viewTimerArmed && reports.countAbove(view - 1) >= strongQuorum)
        {
            viewTimerArmed = true;
            progressNs = nowNs;
        }
        final long timeout = timeoutNs << Math.min(view, MAX_BACKOFF_SHIFT);
        if (viewTimerArmed && nowNs - progressNs >= timeout)
        {
            startViewChange(view + 1);
            return;
        }
        if (nowNs - progressNs >= resendPeriodNs && nowNs - lastResendNs >= resendPeriodNs)
        {
            lastResendNs = nowNs;
            if (orderer.inViewChange())
            {
                broadcastViewChange();
            }
            else if (orderer.view() > 0 && orderer.isLeader() && sentNewView)
            {
                output.broadcast(pending, 0, pendingLength, false);
            }
            orderer.resendVotes();
        }
    }

    private void startViewChange(final long view)
    {
        orderer.enterView(view, true);
        viewChanges++;
        progressNs = nowNs;
        viewTimerArmed = false;
        lastResendNs = nowNs;
        sentNewView = false;
        broadcastViewChange();
    }

    private void broadcastViewChange()
    {
        final int length = encodeViewChange(orderer.view());
        output.broadcast(scratch, 0, length, true);
    }

    private int encodeViewChange(final long view)
    {
        viewChange.wrapAndApplyHeader(scratch, 0, headerEncoder).epoch(orderer.epoch()).segment(orderer.segment())
            .newView(view);
        int prepared = 0;
        int preprepared = 0;
        for (int k = 0; k < orderer.length(); k++)
        {
            final PbftSlot slot = orderer.slotAt(k);
            prepared += slot.hasPrepared ? 1 : 0;
            preprepared += slot.qView >= 0 ? 1 : 0;
        }
        final ViewChangeEncoder.PreparedEncoder p = viewChange.preparedCount(prepared);
        for (int k = 0; k < orderer.length(); k++)
        {
            final PbftSlot slot = orderer.slotAt(k);
            if (slot.hasPrepared)
            {
                p.next().seqNo(slot.seqNo).view(slot.preparedView)
                    .putDigest(slot.preparedDigest(), 0, PbftSlot.DIGEST_LENGTH)
                    .fill((short)(slot.preparedFill ? 1 : 0))
                    .putRefs(slot.preparedRefs(), 0, slot.preparedCount * PbftSlot.REF_LENGTH);
            }
        }
        final ViewChangeEncoder.PrepreparedEncoder q = viewChange.prepreparedCount(preprepared);
        for (int k = 0; k < orderer.length(); k++)
        {
            final PbftSlot slot = orderer.slotAt(k);
            if (slot.qView >= 0)
            {
                q.next().seqNo(slot.seqNo).view(slot.qView).putDigest(slot.qDigest(), 0, PbftSlot.DIGEST_LENGTH);
            }
        }
        return MessageHeaderEncoder.ENCODED_LENGTH + viewChange.encodedLength();
    }

    /**
     * A ViewChange from a node (already routed to this segment).
     *
     * @return false when stale or malformed.
     */
    boolean onViewChange(final int from, final DirectBuffer buffer, final int offset, final int length)
    {
        header.wrap(buffer, offset);
        viewChangeDecoder.wrap(buffer, offset + MessageHeaderDecoder.ENCODED_LENGTH, header.blockLength(),
            header.version());
        if (viewChangeDecoder.newView() > orderer.view() + MAX_VIEW_AHEAD)
        {
            return false;
        }
        if (!reports.store(from, buffer, offset, length, orderer))
        {
            return false;
        }
        if (orderer.isFinished())
        {
            final long asked = reports.viewOf(from);
            if (asked > answeredView && from != selfId && reports.countAt(asked) >= weakQuorum)
            {
                answeredView = asked;
                output.broadcast(scratch, 0, encodeViewChange(asked), true);
            }
            return true;
        }
        final long view = orderer.view();
        if (reports.countAbove(view) >= weakQuorum && !orderer.isFinished())
        {
            startViewChange(reports.leastAbove(view));
        }
        tryNewView();
        return true;
    }

    private void tryNewView()
    {
        final long view = orderer.view();
        if (orderer.inViewChange() && orderer.isLeader() && !sentNewView)
        {
            final NewViewEncoder.ProposalsEncoder proposals = newViewEncoder
                .wrapAndApplyHeader(scratch, 0, headerEncoder).epoch(orderer.epoch()).segment(orderer.segment())
                .view(view).proposalsCount(orderer.length());
            for (int k = 0; k < orderer.length(); k++)
            {
                final long seqNo = orderer.slotAt(k).seqNo;
                final int decision = reports.decide(view, seqNo, selfId);
                if (decision == PbftReports.UNDECIDED)
                {
                    return;
                }
                proposals.next().seqNo(seqNo);
                if (decision == PbftReports.FILL)
                {
                    proposals.fill((short)1).putDigest(zeroDigest, 0, PbftSlot.DIGEST_LENGTH).putRefs(zeroDigest, 0, 0);
                }
                else
                {
                    proposals.fill((short)(reports.chosenFill() ? 1 : 0))
                        .putDigest(reports.chosenDigests(), reports.chosenDigestOffset(), PbftSlot.DIGEST_LENGTH)
                        .putRefs(reports.chosenRefs(), reports.chosenRefsOffset(),
                        reports.chosenRefsCount() * PbftSlot.REF_LENGTH);
                }
            }
            sentNewView = true;
            final int length = MessageHeaderEncoder.ENCODED_LENGTH + newViewEncoder.encodedLength();
            output.broadcast(scratch, 0, length, false);
            onNewView(selfId, scratch, 0, length);
            return;
        }
        if (pendingNewView >= view && pendingNewView >= 0)
        {
            pendingView.wrap(pending, 0, pendingLength);
            tryAccept();
        }
    }

    /**
     * A NewView (already routed to this segment).
     *
     * @return false when not from the view's leader, stale or malformed.
     */
    boolean onNewView(final int from, final DirectBuffer buffer, final int offset, final int length)
    {
        header.wrap(buffer, offset);
        newView.wrap(buffer, offset + MessageHeaderDecoder.ENCODED_LENGTH, header.blockLength(), header.version());
        final long view = newView.view();
        if (view <= 0 || view < orderer.view() || view == orderer.view() && !orderer.inViewChange() ||
            from != orderer.leaderOf(view))
        {
            return false;
        }
        pending.putBytes(0, buffer, offset, length);
        pendingLength = length;
        pendingNewView = view;
        pendingView.wrap(pending, 0, length);
        tryAccept();
        return true;
    }

    private void tryAccept()
    {
        final long view = pendingNewView;
        try
        {
            header.wrap(pendingView, 0);
            newView.wrap(pendingView, MessageHeaderDecoder.ENCODED_LENGTH, header.blockLength(), header.version());
            NewViewDecoder.ProposalsDecoder proposals = newView.proposals();
            if (proposals.count() != orderer.length())
            {
                pendingNewView = -1;
                return;
            }
            for (int k = 0; k < orderer.length(); k++)
            {
                proposals.next();
                proposals.getDigest(digest, 0, PbftSlot.DIGEST_LENGTH);
                final int refsLength = proposals.refsLength();
                proposals.skipRefs();
                if (proposals.seqNo() != orderer.slotAt(k).seqNo || refsLength % PbftSlot.REF_LENGTH != 0 ||
                    !reports.justifies(view, proposals.seqNo(), proposals.fill() != 0, digest))
                {
                    return;
                }
            }
            newView.wrap(pendingView, MessageHeaderDecoder.ENCODED_LENGTH, header.blockLength(), header.version());
            proposals = newView.proposals();
            orderer.enterView(view, false);
            progressNs = nowNs;
            pendingNewView = -1;
            for (int k = 0; k < orderer.length(); k++)
            {
                proposals.next();
                proposals.getDigest(digest, 0, PbftSlot.DIGEST_LENGTH);
                final boolean fill = proposals.fill() != 0;
                final int refsOffset = newView.limit() + 4;
                final int refsLength = proposals.refsLength();
                proposals.skipRefs();
                refsView.wrap(pendingView, refsOffset, refsLength);
                orderer.install(orderer.slotAt(k), refsView, refsLength / PbftSlot.REF_LENGTH, fill, digest);
            }
            if (orderer.isLeader())
            {
                sentNewView = true;
            }
        }
        catch (final IndexOutOfBoundsException ex)
        {
            pendingNewView = -1;
        }
    }
}
