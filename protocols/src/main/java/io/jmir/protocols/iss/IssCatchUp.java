package io.jmir.protocols.iss;

import io.jmir.protocols.codecs.MessageHeaderEncoder;
import io.jmir.protocols.codecs.SlotReplyDecoder;
import io.jmir.protocols.codecs.SlotReplyEncoder;
import io.jmir.protocols.codecs.SlotRequestEncoder;
import io.jmir.protocols.pbft.PbftSlot;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Catch-up of missed slots (ADR 0013): a node whose next slot to deliver did not commit for a resend period asks
 * every peer for the committed batches of the next (at most 4) uncommitted slots (SlotRequest, one per slot);
 * a peer that committed such a slot in an epoch it still holds answers the requester alone with SlotReply{digest,
 * fill, batch}. The requester installs a batch once f+1 peers reported the same digest (at least one of them is
 * correct, so that digest is the committed one); the slot commits once its requests are known here and the
 * batch hashes to that digest. Peers keep the epoch of their stable checkpoint (and later ones), so a node at most
 * one epoch behind can fetch; a slot below the peers' stable checkpoint can no longer be fetched this way (that is
 * state transfer). Memory: one digest per node per slot of the current epoch.
 * <p>
 * <b>Threading:</b> protocol module thread only.
 */
final class IssCatchUp
{
    private static final int MAX_REQUESTED = 4;
    private final IssModule iss;
    private final IssPublisher publisher;
    private final MessageHeaderEncoder header = new MessageHeaderEncoder();
    private final SlotRequestEncoder request = new SlotRequestEncoder();
    private final SlotReplyEncoder reply = new SlotReplyEncoder();
    private final ExpandableArrayBuffer scratch = new ExpandableArrayBuffer(4096);
    private final UnsafeBuffer refsView = new UnsafeBuffer(0, 0);
    private final byte[] digest = new byte[PbftSlot.DIGEST_LENGTH];
    private final byte[] votes;
    private final boolean[] voted;
    private final boolean[] fills;
    private final int nodeCount;
    private final int weakQuorum;
    private final int epochLength;
    private final long periodNs;
    private long votesEpoch = -1;
    private long watchedSeqNo = -1;
    private long watchedSinceNs;
    private long requests;
    private long installs;

    IssCatchUp(final IssModule iss, final IssPublisher publisher, final IssConfig config)
    {
        this.iss = iss;
        this.publisher = publisher;
        this.nodeCount = config.nodeCount();
        this.weakQuorum = config.f() + 1;
        this.epochLength = config.epochLength();
        this.periodNs = Math.max(config.batchTimeoutNs(), config.viewChangeTimeoutNs() / 6);
        votes = new byte[epochLength * nodeCount * PbftSlot.DIGEST_LENGTH];
        voted = new boolean[epochLength * nodeCount];
        fills = new boolean[epochLength * nodeCount];
    }

    long requests()
    {
        return requests;
    }

    long installs()
    {
        return installs;
    }

    /**
     * Time passed: ask for the uncommitted slots of the current epoch when delivery is stuck.
     */
    void onTick(final long nowNs, final long nextDeliver)
    {
        final IssEpoch epoch = iss.epochOf(nextDeliver);
        if (epoch == null || epoch.slot(nextDeliver).isCommitted())
        {
            watchedSeqNo = -1;
            return;
        }
        if (watchedSeqNo != nextDeliver)
        {
            watchedSeqNo = nextDeliver;
            watchedSinceNs = nowNs;
            return;
        }
        if (nowNs - watchedSinceNs < periodNs)
        {
            return;
        }
        watchedSinceNs = nowNs;
        final long last = Math.min(epoch.last(), nextDeliver + MAX_REQUESTED - 1);
        for (long seqNo = nextDeliver; seqNo <= last; seqNo++)
        {
            if (!epoch.slot(seqNo).isCommitted())
            {
                request.wrapAndApplyHeader(scratch, 0, header).epoch(epoch.epoch).seqNo(seqNo);
                publisher.broadcast(scratch, 0, MessageHeaderEncoder.ENCODED_LENGTH + request.encodedLength(), false);
                requests++;
            }
        }
    }

    /**
     * A peer asks for a slot: answer when it committed here.
     *
     * @return false when the slot is unknown or not committed here.
     */
    boolean onRequest(final int from, final long epochNo, final long seqNo)
    {
        final IssEpoch epoch = seqNo >= 0 ? iss.epochOf(seqNo) : null;
        if (epoch == null || epoch.epoch != epochNo)
        {
            return false;
        }
        final PbftSlot slot = epoch.slot(seqNo);
        if (!slot.isCommitted() || !slot.hasDigest())
        {
            return false;
        }
        reply.wrapAndApplyHeader(scratch, 0, header).epoch(epochNo).seqNo(seqNo)
            .putDigest(slot.digest(), 0, PbftSlot.DIGEST_LENGTH)
            .fill((short)(slot.isFill() ? 1 : 0))
            .putRefs(slot.batch(), PbftSlot.BATCH_PREFIX, slot.requestCount() * PbftSlot.REF_LENGTH);
        publisher.sendTo(from, scratch, 0, MessageHeaderEncoder.ENCODED_LENGTH + reply.encodedLength());
        return true;
    }

    /**
     * A peer's committed batch for a slot.
     *
     * @return false when not useful (slot unknown or committed, malformed, repeated vote).
     */
    boolean onReply(final int from, final SlotReplyDecoder decoder, final int maxRefsBytes)
    {
        final long seqNo = decoder.seqNo();
        final IssEpoch epoch = seqNo >= 0 ? iss.epochOf(seqNo) : null;
        if (epoch == null || epoch.epoch != decoder.epoch() || epoch.epoch != iss.currentEpoch() ||
            epoch.slot(seqNo).isCommitted())
        {
            return false;
        }
        if (votesEpoch != epoch.epoch)
        {
            votesEpoch = epoch.epoch;
            java.util.Arrays.fill(voted, false);
        }
        final int index = (int)(seqNo - epoch.first) * nodeCount;
        if (voted[index + from])
        {
            return false;
        }
        decoder.getDigest(digest, 0, PbftSlot.DIGEST_LENGTH);
        final boolean fill = decoder.fill() != 0;
        voted[index + from] = true;
        fills[index + from] = fill;
        System.arraycopy(digest, 0, votes, (index + from) * PbftSlot.DIGEST_LENGTH, PbftSlot.DIGEST_LENGTH);
        int matching = 0;
        for (int node = 0; node < nodeCount; node++)
        {
            if (voted[index + node] && fills[index + node] == fill && java.util.Arrays.equals(votes,
                (index + node) * PbftSlot.DIGEST_LENGTH, (index + node + 1) * PbftSlot.DIGEST_LENGTH, digest, 0,
                PbftSlot.DIGEST_LENGTH))
            {
                matching++;
            }
        }
        final int refsOffset = decoder.limit() + 4;
        final int refsLength = decoder.refsLength();
        if (matching < weakQuorum || refsLength % PbftSlot.REF_LENGTH != 0 || refsLength > maxRefsBytes ||
            refsOffset + refsLength > decoder.buffer().capacity())
        {
            return matching < weakQuorum;
        }
        refsView.wrap(decoder.buffer(), refsOffset, refsLength);
        installs++;
        epoch.ordererOf(seqNo).installFetched(epoch.slot(seqNo), refsView, refsLength / PbftSlot.REF_LENGTH, fill,
            digest);
        return true;
    }
}
