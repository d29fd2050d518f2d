package io.jmir.protocols.pbft;

import io.jmir.protocols.codecs.CommitEncoder;
import io.jmir.protocols.codecs.MessageHeaderEncoder;
import io.jmir.protocols.codecs.PrepareEncoder;
import io.jmir.protocols.codecs.PreprepareEncoder;
import org.agrona.ExpandableArrayBuffer;

/**
 * Retransmission for an unfinished segment (ADR 0013): the node periodically re-sends, for the slots of the segment
 * that are not committed here, its own last messages of the current view — the Preprepare (as the view-0 leader),
 * its Prepare and its Commit — so a node that lost them on the network still progresses. Slots already committed
 * here are left to the catch-up (SlotRequest / SlotReply) of nodes that missed them. Duplicates are harmless:
 * votes count once per node.
 * <p>
 * <b>Threading:</b> protocol module thread only.
 */
final class PbftResend
{
    private final PbftOrderer orderer;
    private final OrdererOutput output;
    private final MessageHeaderEncoder header = new MessageHeaderEncoder();
    private final PreprepareEncoder preprepare = new PreprepareEncoder();
    private final PrepareEncoder prepare = new PrepareEncoder();
    private final CommitEncoder commit = new CommitEncoder();
    private final ExpandableArrayBuffer scratch = new ExpandableArrayBuffer(4096);

    PbftResend(final PbftOrderer orderer, final OrdererOutput output)
    {
        this.orderer = orderer;
        this.output = output;
    }

    void resend(final long view, final boolean inViewChange)
    {
        if (inViewChange)
        {
            return;
        }
        for (int k = 0; k < orderer.length(); k++)
        {
            final PbftSlot slot = orderer.slotAt(k);
            if (slot.isCommitted || !slot.hasDigest || slot.preprepareView != view)
            {
                continue;
            }
            if (view == 0 && orderer.isLeader())
            {
                final int count = slot.requestCount;
                final PreprepareEncoder.RequestsEncoder refs = preprepare
                    .wrapAndApplyHeader(scratch, 0, header).epoch(orderer.epoch()).seqNo(slot.seqNo).view(view)
                    .requestsCount(count);
                for (int i = 0; i < count; i++)
                {
                    refs.next().clientId(slot.clientId(i)).requestNo(slot.requestNo(i))
                        .putDigest(slot.batch(), slot.requestDigestOffset(i), PbftSlot.DIGEST_LENGTH);
                }
                output.broadcast(scratch, 0, MessageHeaderEncoder.ENCODED_LENGTH + preprepare.encodedLength(), false);
            }
            prepare.wrapAndApplyHeader(scratch, 0, header).epoch(orderer.epoch()).seqNo(slot.seqNo).view(view)
                .putDigest(slot.digest(), 0, PbftSlot.DIGEST_LENGTH);
            output.broadcast(scratch, 0, MessageHeaderEncoder.ENCODED_LENGTH + prepare.encodedLength(), false);
            if (slot.sentCommit)
            {
                commit.wrapAndApplyHeader(scratch, 0, header).epoch(orderer.epoch()).seqNo(slot.seqNo).view(view)
                    .putDigest(slot.digest(), 0, PbftSlot.DIGEST_LENGTH);
                output.broadcast(scratch, 0, MessageHeaderEncoder.ENCODED_LENGTH + commit.encodedLength(), false);
            }
        }
    }
}
