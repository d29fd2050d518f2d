package io.jmir.protocols.iss;

import io.jmir.protocols.codecs.ChunkRequestDecoder;
import io.jmir.protocols.codecs.ChunkRequestEncoder;
import io.jmir.protocols.codecs.MessageHeaderEncoder;
import io.jmir.protocols.codecs.StateChunkDecoder;
import io.jmir.protocols.codecs.StateChunkEncoder;
import io.jmir.protocols.codecs.StateRequestDecoder;
import io.jmir.protocols.codecs.StateRequestEncoder;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * State transfer (ADR 0014), both sides.
 * <p>
 * <b>Fetching.</b> A node that delivered nothing for {@code stateTransferTimeoutNs} sends StateRequest{epoch} to
 * all peers. A peer whose latest stable checkpoint is at or above that epoch answers with its
 * CheckpointCertificate. The first certificate that parses (known distinct signers, at least 2f+1) has its
 * signatures verified by the crypto module; a forged one is counted, its sender's certificates are ignored until a
 * certificate verifies, and the request is sent again. A verified
 * certificate for an epoch the node already delivered, with the node's own digest, is adopted as its stable
 * checkpoint. Otherwise the node fetches the certified CheckpointData from one peer at a time — the one that sent
 * the certificate first — in chunks of {@code stateChunkBytes} (ChunkRequest / StateChunk), then has the whole data
 * hashed: a digest other than the certified one (or a chunk of the wrong size or total length) marks that peer bad
 * for this fetch, counts it, and the fetch starts again from another peer. A chunk for another position (a
 * duplicate, a late answer) is ignored. A peer that does not answer within the timeout is skipped; when no
 * peer answered (they all moved past that checkpoint and dropped its data — a node that restarted far behind in a
 * cluster that keeps ordering), the fetch is abandoned and a new StateRequest fetches the newest certificate.
 * Verified data is installed by the host (client windows, app RestoreState, stable checkpoint, next epoch).
 * <p>
 * <b>Serving.</b> StateRequest: the latest certificate when it is at or above the asked epoch, otherwise (the
 * peer is stuck inside an epoch that is not stable yet, e.g. it lost messages while it was down) — if this node has
 * moved past that epoch — everything this node said in that epoch again (its pre-prepares, prepares and commits).
 * At most one StateRequest per peer is answered per half timeout (the others are counted and dropped: a
 * retransmission is much larger than the request).
 * ChunkRequest: bytes of this node's checkpoint data for the epoch while it still holds it.
 * <p>
 * <b>Threading:</b> protocol module thread only.
 */
final class IssStateTransfer
{
    /**
     * What the protocol module does with a verified checkpoint.
     */
    interface Host
    {
        /**
         * @return the epoch of the first sequence number not delivered.
         */
        long firstUndeliveredEpoch();

        /**
         * A peer is stuck in an epoch this node has no certificate for: send it again what this node said there.
         */
        void retransmit(int to, long epoch);

        /**
         * A verified certificate for an epoch this node delivered with the same digest: make it stable.
         */
        void adopt(CheckpointCertificate certificate);

        /**
         * A verified certificate and its data (digest checked): install and continue after it.
         */
        void install(CheckpointCertificate certificate, DirectBuffer data, int length);
    }

    private static final int IDLE = 0;
    private static final int AWAIT_CERTIFICATE = 1;
    private static final int VERIFYING = 2;
    private static final int FETCHING = 3;
    private static final int HASHING = 4;

    private final MessageHeaderEncoder header = new MessageHeaderEncoder();
    private final StateRequestEncoder stateRequest = new StateRequestEncoder();
    private final ChunkRequestEncoder chunkRequest = new ChunkRequestEncoder();
    private final StateChunkEncoder chunk = new StateChunkEncoder();
    private final ExpandableArrayBuffer out = new ExpandableArrayBuffer(1024);
    private final ExpandableArrayBuffer data = new ExpandableArrayBuffer(1024);
    private final UnsafeBuffer statement = new UnsafeBuffer(new byte[CheckpointCertificate.STATEMENT_LENGTH]);
    private final UnsafeBuffer view = new UnsafeBuffer(0, 0);
    private final CheckpointCertificate target;
    private final IssCheckpoints checkpoints;
    private final IssPublisher publisher;
    private final Host host;
    private final boolean[] bad;
    private final boolean[] forger;
    private final long[] lastAnsweredNs;
    private final int selfId;
    private final int nodeCount;
    private final long timeoutNs;
    private final int chunkBytes;
    private final int maxStateBytes;
    private int phase = IDLE;
    private boolean progressed = true;
    private long lastProgressNs;
    private long phaseStartNs;
    private long nowNs;
    private long attempt;
    private long fetch;
    private int peer;
    private int firstPeer;
    private int received;
    private long requestsSent;
    private long certificatesRejected;
    private long badChunks;
    private long badSnapshots;
    private long installs;
    private long adoptions;
    private long served;
    private long refused;
    private long throttled;
    private long abandoned;
    private int silentPeers;

    IssStateTransfer(final IssConfig config, final int selfId, final IssCheckpoints checkpoints,
        final IssPublisher publisher, final Host host)
    {
        this.selfId = selfId;
        this.nodeCount = config.nodeCount();
        this.timeoutNs = config.stateTransferTimeoutNs();
        this.chunkBytes = config.stateChunkBytes();
        this.maxStateBytes = config.maxStateBytes();
        this.checkpoints = checkpoints;
        this.publisher = publisher;
        this.host = host;
        this.bad = new boolean[nodeCount];
        this.forger = new boolean[nodeCount];
        this.lastAnsweredNs = new long[nodeCount];
        java.util.Arrays.fill(lastAnsweredNs, Long.MIN_VALUE / 2);
        this.target = new CheckpointCertificate(nodeCount, config.strongQuorum());
    }

    /**
     * The node delivered something (or just started): restart the silence clock.
     */
    void onProgress()
    {
        progressed = true;
    }

    /**
     * Time passed (the module's periodic timer).
     */
    void onTime(final long nowNs)
    {
        this.nowNs = nowNs;
        if (progressed)
        {
            progressed = false;
            lastProgressNs = nowNs;
        }
        if (phase == IDLE || phase == AWAIT_CERTIFICATE)
        {
            if (nowNs - lastProgressNs >= timeoutNs && nowNs - phaseStartNs >= timeoutNs)
            {
                askForState();
            }
            else if (phase == AWAIT_CERTIFICATE && lastProgressNs >= phaseStartNs)
            {
                enter(IDLE);
            }
        }
        else if (nowNs - phaseStartNs >= timeoutNs)
        {
            if (phase == FETCHING || phase == HASHING)
            {
                onPeerSilent();
            }
            else
            {
                askForState();
            }
        }
    }

    private void askForState()
    {
        final long epoch = Math.min(host.firstUndeliveredEpoch(), checkpoints.stableEpoch() + 1);
        stateRequest.wrapAndApplyHeader(out, 0, header).epoch(epoch);
        publisher.send(-1, out, 0, MessageHeaderEncoder.ENCODED_LENGTH + stateRequest.encodedLength());
        requestsSent++;
        enter(AWAIT_CERTIFICATE);
    }

    private void enter(final int newPhase)
    {
        phase = newPhase;
        phaseStartNs = nowNs;
    }

    // ---------------------------------------------------------------- serving

    void onStateRequest(final int from, final StateRequestDecoder request)
    {
        final CheckpointCertificate certificate = checkpoints.certificate();
        if (from == selfId || from < 0 || from >= nodeCount)
        {
            return;
        }
        if (nowNs - lastAnsweredNs[from] < timeoutNs / 2)
        {
            throttled++;
            return;
        }
        lastAnsweredNs[from] = nowNs;
        if (certificate.epoch() >= 0 && certificate.epoch() >= request.epoch())
        {
            publisher.send(from, certificate.buffer(), 0, certificate.length());
            served++;
        }
        else
        {
            host.retransmit(from, request.epoch());
        }
    }

    void onChunkRequest(final int from, final ChunkRequestDecoder request)
    {
        final long epoch = request.epoch();
        final int offset = request.position();
        if (from == selfId || !checkpoints.hasData(epoch))
        {
            return;
        }
        final int total = checkpoints.dataLength(epoch);
        if (offset < 0 || offset >= total || request.maxLength() <= 0)
        {
            return;
        }
        final int length = Math.min(Math.min(request.maxLength(), chunkBytes), total - offset);
        chunk.wrapAndApplyHeader(out, 0, header).epoch(epoch).position(offset).totalLength(total)
            .putData(checkpoints.data(epoch), offset, length);
        if (publisher.send(from, out, 0, MessageHeaderEncoder.ENCODED_LENGTH + chunk.encodedLength()))
        {
            served++;
        }
    }

    // ---------------------------------------------------------------- fetching

    void onCertificate(final int from, final DirectBuffer buffer, final int offset, final int length)
    {
        if (phase != AWAIT_CERTIFICATE || from == selfId || from < 0 || from >= nodeCount || forger[from])
        {
            return;
        }
        final int parsed = target.parse(buffer, offset, length);
        if (parsed != CheckpointCertificate.VALID)
        {
            certificatesRejected++;
            forger[from] = true;
            return;
        }
        final boolean useful = target.epoch() >= host.firstUndeliveredEpoch() ||
            target.epoch() > checkpoints.stableEpoch();
        if (!useful || target.dataLength() > maxStateBytes || target.dataLength() <= 0)
        {
            target.clear();
            return;
        }
        firstPeer = from;
        target.statement(statement);
        attempt++;
        publisher.verify(IssPublisher.KIND_VERIFY_CERT | (attempt & 0xFFFFFFFFFFFFL), statement,
            CheckpointCertificate.STATEMENT_LENGTH, target.signerCount(), target.signers(), target.buffer(),
            target.signatureOffsets(), target.signatureLengths());
        enter(VERIFYING);
    }

    void onCertificateVerified(final long correlation, final boolean allValid)
    {
        if (phase != VERIFYING || correlation != (attempt & 0xFFFFFFFFFFFFL))
        {
            return;
        }
        if (!allValid)
        {
            certificatesRejected++;
            forger[firstPeer] = true;
            target.clear();
            askForState();
            return;
        }
        java.util.Arrays.fill(forger, false);
        if (target.epoch() < host.firstUndeliveredEpoch())
        {
            if (checkpoints.ownDigestEquals(target.epoch(), target.digest(), 0))
            {
                adoptions++;
                host.adopt(target);
            }
            target.clear();
            lastProgressNs = nowNs;
            enter(IDLE);
            return;
        }
        java.util.Arrays.fill(bad, false);
        silentPeers = 0;
        startFetch(firstPeer);
    }

    private void startFetch(final int from)
    {
        peer = from;
        received = 0;
        fetch++;
        enter(FETCHING);
        requestChunk();
    }

    private void requestChunk()
    {
        chunkRequest.wrapAndApplyHeader(out, 0, header).epoch(target.epoch()).position(received)
            .maxLength(chunkBytes);
        publisher.send(peer, out, 0, MessageHeaderEncoder.ENCODED_LENGTH + chunkRequest.encodedLength());
    }

    private void onPeerSilent()
    {
        if (++silentPeers >= nodeCount - 1)
        {
            abandoned++;
            target.clear();
            askForState();
            return;
        }
        nextPeer();
    }

    private void nextPeer()
    {
        for (int i = 1; i < nodeCount; i++)
        {
            final int candidate = (peer + i) % nodeCount;
            if (candidate != selfId && !bad[candidate])
            {
                startFetch(candidate);
                return;
            }
        }
        target.clear();
        askForState();
    }

    void onChunk(final int from, final StateChunkDecoder message)
    {
        if (phase != FETCHING || from != peer || message.epoch() != target.epoch())
        {
            return;
        }
        final int total = target.dataLength();
        final int length = message.dataLength();
        if (message.position() != received)
        {
            return;
        }
        if (message.totalLength() != total || length != Math.min(chunkBytes, total - received))
        {
            badChunks++;
            bad[peer] = true;
            nextPeer();
            return;
        }
        data.checkLimit(received + length);
        message.getData(data, received, length);
        received += length;
        silentPeers = 0;
        phaseStartNs = nowNs;
        if (received < total)
        {
            requestChunk();
        }
        else
        {
            enter(HASHING);
            if (!publisher.hash(IssPublisher.KIND_STATE_DATA | (fetch & 0xFFFFFFFFFFFFL), data, 0, total))
            {
                refused++;
                target.clear();
                enter(IDLE);
            }
        }
    }

    void onDataDigest(final long correlation, final DirectBuffer digest, final int offset)
    {
        if (phase != HASHING || correlation != (fetch & 0xFFFFFFFFFFFFL))
        {
            return;
        }
        final DirectBuffer certified = target.digest();
        boolean equal = true;
        for (int i = 0; i < 32 && equal; i++)
        {
            equal = certified.getByte(i) == digest.getByte(offset + i);
        }
        if (!equal)
        {
            badSnapshots++;
            bad[peer] = true;
            nextPeer();
            return;
        }
        installs++;
        view.wrap(data, 0, target.dataLength());
        host.install(target, view, target.dataLength());
        target.clear();
        lastProgressNs = nowNs;
        enter(IDLE);
    }

    // ---------------------------------------------------------------- observability

    long requestsSent()
    {
        return requestsSent;
    }

    long certificatesRejected()
    {
        return certificatesRejected;
    }

    long fetchesAbandoned()
    {
        return abandoned;
    }

    long badChunks()
    {
        return badChunks;
    }

    long badSnapshots()
    {
        return badSnapshots;
    }

    long installs()
    {
        return installs;
    }

    long adoptions()
    {
        return adoptions;
    }

    long served()
    {
        return served;
    }

    long refused()
    {
        return refused;
    }

    long throttled()
    {
        return throttled;
    }
}
