package io.jmir.protocols.iss;

import io.jmir.protocols.codecs.CheckpointDataEncoder;
import io.jmir.protocols.codecs.MessageHeaderEncoder;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Checkpoints at epoch ends (ADR 0012, signatures and certificates ADR 0014): when the epoch's last batch is delivered
 * the client watermark state and the leader policy's state are captured and the app is asked for a snapshot;
 * CheckpointData {epoch, seqNo, client watermarks, snapshot, leader policy state} is hashed by the hasher module, the
 * statement (epoch, seqNo, digest) is signed by the crypto module, the data is persisted and the SignedCheckpoint sent
 * to the other nodes. A peer's SignedCheckpoint counts once the crypto module verified its signature; 2f+1 verified
 * matching digests (own included) make it stable: the {@link CheckpointCertificate} is persisted (its follow-ups
 * truncate the WAL and the request store below the next epoch) and kept to serve state transfer; the host then drops
 * the epoch's state.
 * <p>
 * <b>Threading:</b> protocol module thread only.
 */
final class IssCheckpoints
{
    /**
     * Told when a checkpoint becomes stable.
     */
    interface StableListener
    {
        void onStable(long epoch);
    }

    private final MessageHeaderEncoder header = new MessageHeaderEncoder();
    private final CheckpointDataEncoder dataEncoder = new CheckpointDataEncoder();
    private final ExpandableArrayBuffer bitmap = new ExpandableArrayBuffer(256);
    private final CheckpointCertificate certificate;
    private final UnsafeBuffer statement = new UnsafeBuffer(new byte[CheckpointCertificate.STATEMENT_LENGTH]);
    private final UnsafeBuffer own = new UnsafeBuffer(new byte[32]);
    private final IssPublisher publisher;
    private final StableListener listener;
    private final Tracker[] trackers;
    private final int selfId;
    private final int nodeCount;
    private final int strongQuorum;
    private final int epochWindow;
    private final int epochLength;
    private final int[] signers;
    private final int[] one = new int[1];
    private final int[] offsets;
    private final int[] lengths;
    private long stableEpoch = -1;
    private long ignoredMessages;
    private long invalidSignatures;
    private long signFailures;

    IssCheckpoints(final IssConfig config, final IssPublisher publisher, final StableListener listener,
        final int selfId)
    {
        this.publisher = publisher;
        this.listener = listener;
        this.selfId = selfId;
        this.nodeCount = config.nodeCount();
        this.strongQuorum = config.strongQuorum();
        this.epochWindow = config.epochWindow();
        this.epochLength = config.epochLength();
        this.signers = new int[nodeCount];
        this.offsets = new int[nodeCount];
        this.lengths = new int[nodeCount];
        this.certificate = new CheckpointCertificate(nodeCount, strongQuorum);
        trackers = new Tracker[epochWindow + 2];
        for (int i = 0; i < trackers.length; i++)
        {
            trackers[i] = new Tracker(nodeCount);
        }
    }

    long stableEpoch()
    {
        return stableEpoch;
    }

    long ignoredMessages()
    {
        return ignoredMessages + invalidSignatures + signFailures;
    }

    long invalidSignatures()
    {
        return invalidSignatures;
    }

    /**
     * @return the certificate of the latest stable checkpoint (empty before the first, or after a recovery from a
     * WAL without one).
     */
    CheckpointCertificate certificate()
    {
        return certificate;
    }

    /**
     * The epoch's last batch was delivered, client watermarks advanced and the leader policy was told: capture
     * both.
     */
    void epochDelivered(final long epoch, final long lastSeqNo, final RequestPool pool, final LeaderPolicy policy)
    {
        final Tracker t = tracker(epoch);
        t.policyLength = policy.stateLength();
        policy.writeState(t.policyState, 0);
        int known = 0;
        for (int c = 0; c < pool.clientCount(); c++)
        {
            known += pool.isKnown(c) ? 1 : 0;
        }
        final CheckpointDataEncoder.ClientsEncoder clients = dataEncoder.wrapAndApplyHeader(t.data, 0, header)
            .epoch(epoch).seqNo(lastSeqNo).clientsCount(known);
        final int bitmapLength = pool.window() / 8;
        for (int c = 0; c < pool.clientCount(); c++)
        {
            if (pool.isKnown(c))
            {
                pool.deliveredBitmap(c, bitmap, 0);
                clients.next().clientId(c).lowWatermark(pool.lowWatermark(c))
                    .putDeliveredAbove(bitmap, 0, bitmapLength);
            }
        }
        t.seqNo = lastSeqNo;
        t.groupLimit = dataEncoder.limit();
        t.awaitingSnapshot = true;
    }

    /**
     * The app's snapshot for the epoch's end arrived: complete the data and have it hashed.
     */
    void onSnapshot(final long epoch, final DirectBuffer snapshot, final int offset, final int length)
    {
        if (epoch <= stableEpoch)
        {
            return;
        }
        final Tracker t = tracker(epoch);
        if (!t.awaitingSnapshot)
        {
            return;
        }
        t.awaitingSnapshot = false;
        dataEncoder.wrap(t.data, MessageHeaderEncoder.ENCODED_LENGTH);
        dataEncoder.limit(t.groupLimit);
        dataEncoder.putSnapshot(snapshot, offset, length);
        dataEncoder.putLeaderPolicy(t.policyState, 0, t.policyLength);
        t.dataLength = dataEncoder.limit();
        if (!publisher.hash(IssPublisher.KIND_CHECKPOINT | epoch, t.data, 0, t.dataLength))
        {
            throw new IllegalStateException("checkpoint data of epoch " + epoch + " (" + t.dataLength +
                " bytes) does not fit one event to the hasher: raise the slot capacity or shrink the app snapshot");
        }
    }

    /**
     * The hasher's digest of this node's checkpoint data: have the statement signed.
     */
    void onDigest(final long epoch, final DirectBuffer digest, final int offset)
    {
        if (epoch <= stableEpoch)
        {
            return;
        }
        final Tracker t = tracker(epoch);
        digest.getBytes(offset, t.own, 0, 32);
        t.ownKnown = true;
        own.putBytes(0, t.own);
        CheckpointCertificate.statement(statement, epoch, t.seqNo, own, 0);
        publisher.sign(IssPublisher.KIND_SIGN | epoch, statement, CheckpointCertificate.STATEMENT_LENGTH);
    }

    /**
     * The crypto module signed this node's statement: persist the checkpoint, send it signed, count the own vote.
     */
    void onSigned(final long epoch, final DirectBuffer signature, final int offset, final int length)
    {
        final Tracker t = trackers[(int)(epoch % trackers.length)];
        if (epoch <= stableEpoch || t.epoch != epoch || !t.ownKnown)
        {
            return;
        }
        if (length == 0 || length > CheckpointCertificate.MAX_SIGNATURE_LENGTH)
        {
            signFailures++;
            throw new IllegalStateException("node " + selfId + " cannot sign its checkpoint of epoch " + epoch +
                " (signature of " + length + " bytes): its Ed25519 private key must be in the crypto module's " +
                "KeyRegistry (ADR 0014)");
        }
        final int copied = length;
        signature.getBytes(offset, t.signatures, selfId * CheckpointCertificate.MAX_SIGNATURE_LENGTH, copied);
        t.signatureLengths[selfId] = copied;
        t.voted[selfId] = true;
        t.verified[selfId] = true;
        System.arraycopy(t.own, 0, t.votes, selfId * 32, 32);
        publisher.persistCheckpoint(epoch, t.seqNo, t.own, t.data, t.dataLength, t.signatureView(selfId), copied);
        checkStable(t);
    }

    /**
     * A SignedCheckpoint from a peer: keep it and have its signature verified.
     */
    void onCheckpoint(final int from, final long epoch, final long seqNo, final DirectBuffer digest, final int offset,
        final DirectBuffer signature, final int signatureOffset, final int signatureLength)
    {
        if (epoch <= stableEpoch || epoch > stableEpoch + epochWindow + 1 || from < 0 || from >= nodeCount ||
            from == selfId || seqNo != (epoch + 1) * epochLength - 1 || signatureLength <= 0 ||
            signatureLength > CheckpointCertificate.MAX_SIGNATURE_LENGTH)
        {
            ignoredMessages++;
            return;
        }
        final Tracker t = tracker(epoch);
        if (t.voted[from])
        {
            ignoredMessages++;
            return;
        }
        t.voted[from] = true;
        digest.getBytes(offset, t.votes, from * 32, 32);
        signature.getBytes(signatureOffset, t.signatures, from * CheckpointCertificate.MAX_SIGNATURE_LENGTH,
            signatureLength);
        t.signatureLengths[from] = signatureLength;
        CheckpointCertificate.statement(statement, epoch, seqNo, digest, offset);
        one[0] = from;
        offsets[0] = from * CheckpointCertificate.MAX_SIGNATURE_LENGTH;
        lengths[0] = signatureLength;
        publisher.verify(IssPublisher.KIND_VERIFY_VOTE | (epoch << 16) | from, statement,
            CheckpointCertificate.STATEMENT_LENGTH, 1, one, t.signatureBuffer, offsets, lengths);
    }

    /**
     * The crypto module's verdict on a peer's SignedCheckpoint.
     */
    void onVoteVerified(final long correlation, final boolean valid)
    {
        final long epoch = correlation >>> 16;
        final int from = (int)(correlation & 0xFFFF);
        final Tracker t = trackers[(int)(epoch % trackers.length)];
        if (t.epoch != epoch || epoch <= stableEpoch || from >= nodeCount || !t.voted[from])
        {
            return;
        }
        if (!valid)
        {
            invalidSignatures++;
            return;
        }
        t.verified[from] = true;
        checkStable(t);
    }

    /**
     * @return checkpoint trackers holding an epoch above the stable one (memory-bound checks).
     */
    int liveTrackers()
    {
        int live = 0;
        for (final Tracker t : trackers)
        {
            live += t.epoch > stableEpoch ? 1 : 0;
        }
        return live;
    }

    /**
     * @return true when this node holds its complete checkpoint data for the epoch (to serve state transfer).
     */
    boolean hasData(final long epoch)
    {
        if (epoch < 0)
        {
            return false;
        }
        final Tracker t = trackers[(int)(epoch % trackers.length)];
        return t.epoch == epoch && t.ownKnown && t.dataLength > 0;
    }

    DirectBuffer data(final long epoch)
    {
        return trackers[(int)(epoch % trackers.length)].data;
    }

    int dataLength(final long epoch)
    {
        return trackers[(int)(epoch % trackers.length)].dataLength;
    }

    /**
     * @return true when this node's own digest for the epoch is known and equals the given one.
     */
    boolean ownDigestEquals(final long epoch, final DirectBuffer digest, final int offset)
    {
        if (epoch < 0)
        {
            return false;
        }
        final Tracker t = trackers[(int)(epoch % trackers.length)];
        if (t.epoch != epoch || !t.ownKnown)
        {
            return false;
        }
        for (int i = 0; i < 32; i++)
        {
            if (t.own[i] != digest.getByte(offset + i))
            {
                return false;
            }
        }
        return true;
    }

    /**
     * Recovery: this node's own checkpoint from the WAL. When it is above the stable one it is signed (and sent)
     * again, since the votes of the peers were lost with the crash.
     */
    void restoreOwn(final long epoch, final long seqNo, final DirectBuffer digest, final int digestOffset,
        final DirectBuffer data, final int dataOffset, final int dataLength)
    {
        final Tracker t = tracker(epoch);
        t.seqNo = seqNo;
        t.data.putBytes(0, data, dataOffset, dataLength);
        t.dataLength = dataLength;
        t.awaitingSnapshot = false;
        digest.getBytes(digestOffset, t.own, 0, 32);
        t.ownKnown = true;
    }

    /**
     * Re-sign the own checkpoint of an epoch above the stable one (after recovery).
     */
    void resign(final long epoch)
    {
        final Tracker t = trackers[(int)(epoch % trackers.length)];
        if (t.epoch == epoch && t.ownKnown && epoch > stableEpoch)
        {
            own.putBytes(0, t.own);
            CheckpointCertificate.statement(statement, epoch, t.seqNo, own, 0);
            publisher.sign(IssPublisher.KIND_SIGN | epoch, statement, CheckpointCertificate.STATEMENT_LENGTH);
        }
    }

    /**
     * Recovery or state transfer: a stable checkpoint known from a certificate (recovered from the WAL, or fetched
     * and verified). {@code persist} appends this node's checkpoint data for the epoch (when it holds it: a restart
     * restores the app from it) and the certificate (which truncates the WAL), as at normal stability.
     */
    void restoreStable(final long epoch, final CheckpointCertificate from, final boolean persist)
    {
        if (epoch < stableEpoch || (epoch == stableEpoch && !persist))
        {
            return;
        }
        stableEpoch = epoch;
        if (from != null && from != certificate)
        {
            certificate.copyFrom(from);
        }
        if (persist && certificate.epoch() == epoch)
        {
            final Tracker t = trackers[(int)(epoch % trackers.length)];
            if (t.epoch == epoch && t.ownKnown && t.dataLength > 0)
            {
                publisher.persistCheckpoint(epoch, t.seqNo, t.own, t.data, t.dataLength, null, 0);
            }
            publisher.persistCertificate(epoch, certificate.buffer(), certificate.length());
        }
    }

    /**
     * Recovery from a WAL that recorded stability without a certificate: only the stable epoch is known.
     */
    void restoreStableEpoch(final long epoch)
    {
        stableEpoch = Math.max(stableEpoch, epoch);
    }

    private void checkStable(final Tracker t)
    {
        if (!t.ownKnown || t.epoch <= stableEpoch || !t.verified[selfId])
        {
            return;
        }
        int matching = 0;
        for (int node = 0; node < nodeCount; node++)
        {
            if (t.verified[node] && java.util.Arrays.equals(t.votes, node * 32, node * 32 + 32, t.own, 0, 32))
            {
                signers[matching] = node;
                offsets[matching] = node * CheckpointCertificate.MAX_SIGNATURE_LENGTH;
                lengths[matching] = t.signatureLengths[node];
                matching++;
            }
        }
        if (matching >= strongQuorum)
        {
            final long epoch = t.epoch;
            own.putBytes(0, t.own);
            certificate.encode(epoch, t.seqNo, own, 0, t.dataLength, matching, signers, t.signatureBuffer, offsets,
                lengths);
            stableEpoch = epoch;
            publisher.persistCertificate(epoch, certificate.buffer(), certificate.length());
            listener.onStable(epoch);
        }
    }

    Tracker tracker(final long epoch)
    {
        final Tracker t = trackers[(int)(epoch % trackers.length)];
        if (t.epoch != epoch)
        {
            t.reset(epoch);
        }
        return t;
    }

    /**
     * State of one epoch's checkpoint.
     */
    static final class Tracker
    {
        long epoch = -1;
        long seqNo;
        final ExpandableArrayBuffer data = new ExpandableArrayBuffer(1024);
        int dataLength;
        int groupLimit;
        final ExpandableArrayBuffer policyState = new ExpandableArrayBuffer(64);
        int policyLength;
        boolean awaitingSnapshot;
        boolean ownKnown;
        final byte[] own = new byte[32];
        final boolean[] voted;
        final boolean[] verified;
        final byte[] votes;
        final byte[] signatures;
        final UnsafeBuffer signatureBuffer;
        final UnsafeBuffer signatureView = new UnsafeBuffer(0, 0);
        final int[] signatureLengths;

        Tracker(final int nodeCount)
        {
            voted = new boolean[nodeCount];
            verified = new boolean[nodeCount];
            votes = new byte[nodeCount * 32];
            signatures = new byte[nodeCount * CheckpointCertificate.MAX_SIGNATURE_LENGTH];
            signatureBuffer = new UnsafeBuffer(signatures);
            signatureLengths = new int[nodeCount];
        }

        DirectBuffer signatureView(final int node)
        {
            signatureView.wrap(signatures, node * CheckpointCertificate.MAX_SIGNATURE_LENGTH,
                CheckpointCertificate.MAX_SIGNATURE_LENGTH);
            return signatureView;
        }

        void reset(final long epoch)
        {
            this.epoch = epoch;
            awaitingSnapshot = false;
            ownKnown = false;
            dataLength = 0;
            java.util.Arrays.fill(voted, false);
            java.util.Arrays.fill(verified, false);
            java.util.Arrays.fill(signatureLengths, 0);
        }
    }
}
