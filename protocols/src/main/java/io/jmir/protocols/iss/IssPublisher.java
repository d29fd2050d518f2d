package io.jmir.protocols.iss;

import io.jmir.codecs.engine.DeliverBatchEncoder;
import io.jmir.codecs.engine.HashRequestEncoder;
import io.jmir.codecs.engine.MessageHeaderEncoder;
import io.jmir.codecs.engine.PrincipalKind;
import io.jmir.codecs.engine.RequestStoreGcEncoder;
import io.jmir.codecs.engine.RestoreStateEncoder;
import io.jmir.codecs.engine.Scheme;
import io.jmir.codecs.engine.SendMessageEncoder;
import io.jmir.codecs.engine.SignRequestEncoder;
import io.jmir.codecs.engine.SnapshotRequestEncoder;
import io.jmir.codecs.engine.TimerSetEncoder;
import io.jmir.codecs.engine.VerifyRequestEncoder;
import io.jmir.codecs.engine.WalAppendEncoder;
import io.jmir.codecs.engine.WalTruncateEncoder;
import io.jmir.engine.EventBuilder;
import io.jmir.engine.Emitter;
import io.jmir.protocols.codecs.ClientProgressEncoder;
import io.jmir.protocols.codecs.CommitEncoder;
import io.jmir.protocols.codecs.PrepareEncoder;
import io.jmir.protocols.codecs.PreprepareEncoder;
import io.jmir.protocols.codecs.SignedCheckpointEncoder;
import io.jmir.protocols.codecs.WalBatchPayloadsEncoder;
import io.jmir.protocols.codecs.WalCheckpointEncoder;
import io.jmir.protocols.codecs.WalCommittedEncoder;
import io.jmir.protocols.codecs.WalPreparedEncoder;
import io.jmir.protocols.codecs.WalPrepreparedEncoder;
import io.jmir.protocols.pbft.PbftSlot;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;

/**
 * Encodes everything the ISS module emits, persist-before-send style: a WAL append whose follow-ups send the
 * messages or deliver the batch (released only once the WAL processed the append). Codecs are final fields;
 * inner messages are encoded into one scratch buffer and copied into the event being built. No allocation.
 * <p>
 * <b>Threading:</b> protocol module thread only.
 */
final class IssPublisher
{
    static final long KIND_BATCH = 1L << 56;
    static final long KIND_CHECKPOINT = 2L << 56;
    static final long KIND_SIGN = 3L << 56;
    static final long KIND_VERIFY_VOTE = 4L << 56;
    static final long KIND_VERIFY_CERT = 5L << 56;
    static final long KIND_STATE_DATA = 6L << 56;
    static final long KIND_PAYLOADS = 7L << 56;
    static final long KIND_MASK = 0xFFL << 56;
    static final int GENERATION_SHIFT = 40;
    static final long SEQ_MASK = (1L << GENERATION_SHIFT) - 1;
    static final long TIMER_ID = 1;
    /** Offset of the entry bytes in a WalAppend payload: header, retention index, 32-bit length. */
    static final int WAL_ENTRY_OFFSET = MessageHeaderEncoder.ENCODED_LENGTH + WalAppendEncoder.BLOCK_LENGTH + 4;

    private final MessageHeaderEncoder header = new MessageHeaderEncoder();
    private final io.jmir.protocols.codecs.MessageHeaderEncoder issHeader =
        new io.jmir.protocols.codecs.MessageHeaderEncoder();
    private final WalAppendEncoder walAppend = new WalAppendEncoder();
    private final WalTruncateEncoder walTruncate = new WalTruncateEncoder();
    private final SendMessageEncoder send = new SendMessageEncoder();
    private final HashRequestEncoder hash = new HashRequestEncoder();
    private final DeliverBatchEncoder deliver = new DeliverBatchEncoder();
    private final SnapshotRequestEncoder snapshot = new SnapshotRequestEncoder();
    private final TimerSetEncoder timerSet = new TimerSetEncoder();
    private final RequestStoreGcEncoder storeGc = new RequestStoreGcEncoder();
    private final PreprepareEncoder preprepare = new PreprepareEncoder();
    private final PrepareEncoder prepare = new PrepareEncoder();
    private final CommitEncoder commit = new CommitEncoder();
    private final SignedCheckpointEncoder checkpoint = new SignedCheckpointEncoder();
    private final SignRequestEncoder signRequest = new SignRequestEncoder();
    private final VerifyRequestEncoder verifyRequest = new VerifyRequestEncoder();
    private final RestoreStateEncoder restoreState = new RestoreStateEncoder();
    private final WalBatchPayloadsEncoder walPayloads = new WalBatchPayloadsEncoder();
    private final ClientProgressEncoder progress = new ClientProgressEncoder();
    private final WalPrepreparedEncoder walPreprepared = new WalPrepreparedEncoder();
    private final WalPreparedEncoder walPrepared = new WalPreparedEncoder();
    private final WalCommittedEncoder walCommitted = new WalCommittedEncoder();
    private final WalCheckpointEncoder walCheckpoint = new WalCheckpointEncoder();
    private final ExpandableArrayBuffer scratch = new ExpandableArrayBuffer(4096);
    private final int selfId;
    private final int nodeCount;
    private int selfModule;
    private int netId;
    private int walId;
    private int hasherId;
    private int appId;
    private int clientsId;
    private int storeId;
    private int timerId;
    private int cryptoId;
    private Emitter emitter;

    IssPublisher(final int selfId, final int nodeCount)
    {
        this.selfId = selfId;
        this.nodeCount = nodeCount;
    }

    void moduleIds(final int self, final int net, final int wal, final int hasher, final int app,
        final int clients, final int store, final int timer, final int crypto)
    {
        cryptoId = crypto;
        selfModule = self;
        netId = net;
        walId = wal;
        hasherId = hasher;
        appId = app;
        clientsId = clients;
        storeId = store;
        timerId = timer;
    }

    void emitter(final Emitter emitter)
    {
        this.emitter = emitter;
    }

    void startTimer(final long periodNs)
    {
        final EventBuilder b = emitter.event(timerId);
        timerSet.wrapAndApplyHeader(b.buffer(), b.payloadOffset(), header)
            .timerId(TIMER_ID).delayNs(periodNs).periodNs(periodNs);
        b.payload(timerSet).commit();
    }

    /**
     * @return a builder for an event to the hasher (the caller encodes and commits it).
     */
    EventBuilder toHasher()
    {
        return emitter.event(hasherId);
    }

    void hashBatch(final PbftSlot slot)
    {
        if (!hash(KIND_BATCH | ((long)slot.nextHashGeneration() << GENERATION_SHIFT) | slot.seqNo(), slot.batch(), 0,
            slot.batchLength()))
        {
            throw new IllegalStateException("batch of seq " + slot.seqNo() + " (" + slot.batchLength() +
                " bytes) does not fit one event to the hasher: raise the slot capacity or lower maxBatchSize");
        }
    }

    /**
     * @return false (nothing emitted) when the data does not fit one event to the hasher.
     */
    boolean hash(final long correlationId, final DirectBuffer data, final int offset, final int length)
    {
        final EventBuilder b = emitter.event(hasherId);
        if (b.remaining() < MessageHeaderEncoder.ENCODED_LENGTH + HashRequestEncoder.BLOCK_LENGTH + 8 + length)
        {
            b.abort();
            return false;
        }
        hash.wrapAndApplyHeader(b.buffer(), b.payloadOffset(), header).correlationId(correlationId)
            .itemsCount(1).next().putData(data, offset, length);
        b.payload(hash).commit();
        return true;
    }

    void persistPreprepare(
        final long epoch, final long view, final PbftSlot slot, final boolean asLeader, final RequestPool pool)
    {
        final int count = slot.requestCount();
        final EventBuilder payloads = emitter.event(walId);
        final WalBatchPayloadsEncoder.RequestsEncoder entries = walPayloads
            .wrapAndApplyHeader(payloads.buffer(), payloads.payloadOffset() + WAL_ENTRY_OFFSET, issHeader)
            .epoch(epoch).seqNo(slot.seqNo()).requestsCount(count);
        for (int i = 0; i < count; i++)
        {
            final long clientId = slot.clientId(i);
            final long requestNo = slot.requestNo(i);
            entries.next().clientId(clientId).requestNo(requestNo)
                .putPayload(pool.payload(clientId, requestNo), 0, pool.payloadLength(clientId, requestNo));
        }
        walAppendInPlace(payloads, epoch, io.jmir.protocols.codecs.MessageHeaderEncoder.ENCODED_LENGTH +
            walPayloads.encodedLength()).commit();
        final WalPrepreparedEncoder.RequestsEncoder walRefs = walPreprepared
            .wrapAndApplyHeader(scratch, 0, issHeader).epoch(epoch).seqNo(slot.seqNo()).view(view)
            .putDigest(slot.digest(), 0, 32).fill((short)(slot.isFill() ? 1 : 0)).requestsCount(count);
        for (int i = 0; i < count; i++)
        {
            walRefs.next().clientId(slot.clientId(i)).requestNo(slot.requestNo(i))
                .putDigest(slot.batch(), slot.requestDigestOffset(i), PbftSlot.DIGEST_LENGTH);
        }
        final EventBuilder b = walAppend(epoch, walPreprepared.encodedLength());
        if (asLeader)
        {
            final PreprepareEncoder.RequestsEncoder refs = preprepare
                .wrapAndApplyHeader(scratch, 0, issHeader).epoch(epoch).seqNo(slot.seqNo()).view(view)
                .requestsCount(count);
            for (int i = 0; i < count; i++)
            {
                refs.next().clientId(slot.clientId(i)).requestNo(slot.requestNo(i))
                    .putDigest(slot.batch(), slot.requestDigestOffset(i), PbftSlot.DIGEST_LENGTH);
            }
            followUpSend(b, false, preprepare.encodedLength());
        }
        if (view >= 0)
        {
            prepare.wrapAndApplyHeader(scratch, 0, issHeader).epoch(epoch).seqNo(slot.seqNo()).view(view)
                .putDigest(slot.digest(), 0, 32);
            followUpSend(b, true, prepare.encodedLength());
        }
        b.commit();
    }

    void persistPrepared(final long epoch, final long view, final PbftSlot slot)
    {
        walPrepared.wrapAndApplyHeader(scratch, 0, issHeader).epoch(epoch).seqNo(slot.seqNo()).view(view)
            .putDigest(slot.digest(), 0, 32);
        final EventBuilder b = walAppend(epoch, walPrepared.encodedLength());
        commit.wrapAndApplyHeader(scratch, 0, issHeader).epoch(epoch).seqNo(slot.seqNo()).view(view)
            .putDigest(slot.digest(), 0, 32);
        followUpSend(b, true, commit.encodedLength());
        b.commit();
    }

    /**
     * WAL append of the committed slot; follow-ups: DeliverBatch to the app, then (at an epoch's last slot) the
     * SnapshotRequest, so the app snapshots exactly after the epoch's last batch.
     */
    void persistCommittedAndDeliver(
        final long epoch, final long view, final PbftSlot slot, final RequestPool pool, final boolean snapshotAfter)
    {
        walCommitted.wrapAndApplyHeader(scratch, 0, issHeader).epoch(epoch).seqNo(slot.seqNo()).view(view)
            .putDigest(slot.digest(), 0, 32);
        final EventBuilder b = walAppend(epoch, walCommitted.encodedLength());
        b.followUp(appId);
        final int count = slot.requestCount();
        final DeliverBatchEncoder.RequestsEncoder requests = deliver
            .wrapAndApplyHeader(b.buffer(), b.payloadOffset(), header).sequenceNumber(slot.seqNo())
            .requestsCount(count);
        for (int i = 0; i < count; i++)
        {
            final long clientId = slot.clientId(i);
            final long requestNo = slot.requestNo(i);
            requests.next().clientId(clientId).requestNo(requestNo)
                .putPayload(pool.payload(clientId, requestNo), 0, pool.payloadLength(clientId, requestNo));
        }
        b.payload(deliver).end();
        if (snapshotAfter)
        {
            b.followUp(appId);
            snapshot.wrapAndApplyHeader(b.buffer(), b.payloadOffset(), header)
                .correlationId(epoch).sequenceNumber(slot.seqNo());
            b.payload(snapshot).end();
        }
        b.commit();
    }

    /**
     * Send a message of the ISS schema (header included) to every other node, and to this node when asked.
     */
    void broadcast(final DirectBuffer message, final int offset, final int length, final boolean includeSelf)
    {
        final EventBuilder b = emitter.event(netId);
        wrapSend(b, includeSelf).putMessage(message, offset, length);
        b.payload(send).commit();
    }

    /**
     * Send a message of the ISS schema (header included) to one node.
     */
    void sendTo(final int node, final DirectBuffer message, final int offset, final int length)
    {
        final EventBuilder b = emitter.event(netId);
        send.wrapAndApplyHeader(b.buffer(), b.payloadOffset(), header).destinationModule(selfModule)
            .destinationsCount(1).next().nodeId(node);
        send.putMessage(message, offset, length);
        b.payload(send).commit();
    }

    /**
     * WAL append of this node's checkpoint (data included, so a restart can restore the app from it); follow-up:
     * the signed Checkpoint to the other nodes (none when {@code signature} is null: an installed checkpoint).
     */
    void persistCheckpoint(final long epoch, final long seqNo, final byte[] digest, final DirectBuffer data,
        final int dataLength, final DirectBuffer signature, final int signatureLength)
    {
        walCheckpoint.wrapAndApplyHeader(scratch, 0, issHeader).epoch(epoch).seqNo(seqNo).putDigest(digest, 0, 32)
            .putData(data, 0, dataLength);
        final EventBuilder b = walAppend(epoch + 1, walCheckpoint.encodedLength());
        if (signature != null)
        {
            checkpoint.wrapAndApplyHeader(scratch, 0, issHeader).epoch(epoch).seqNo(seqNo).putDigest(digest, 0, 32)
                .putSignature(signature, 0, signatureLength);
            followUpSend(b, false, checkpoint.encodedLength());
        }
        b.commit();
    }

    /**
     * WAL append of a stable checkpoint's certificate (a pre-encoded CheckpointCertificate); follow-ups: WAL
     * truncation and request store garbage collection below the next epoch.
     */
    void persistCertificate(final long epoch, final DirectBuffer certificate, final int length)
    {
        final EventBuilder b = emitter.event(walId);
        b.buffer().putBytes(b.payloadOffset() + WAL_ENTRY_OFFSET, certificate, 0, length);
        walAppendInPlace(b, epoch + 1, length);
        b.followUp(walId);
        walTruncate.wrapAndApplyHeader(b.buffer(), b.payloadOffset(), header).retentionIndex(epoch + 1);
        b.payload(walTruncate).end();
        b.followUp(storeId);
        storeGc.wrapAndApplyHeader(b.buffer(), b.payloadOffset(), header).retentionIndex(epoch + 1);
        b.payload(storeGc).end();
        b.commit();
    }

    /**
     * Ask the crypto module to sign a statement with this node's Ed25519 key.
     */
    void sign(final long correlationId, final DirectBuffer statement, final int length)
    {
        final EventBuilder b = emitter.event(cryptoId);
        signRequest.wrapAndApplyHeader(b.buffer(), b.payloadOffset(), header).correlationId(correlationId)
            .scheme(Scheme.ED25519).principalKind(PrincipalKind.NODE).principalId(selfId)
            .putMessage(statement, 0, length);
        b.payload(signRequest).commit();
    }

    /**
     * Ask the crypto module to verify Ed25519 signatures of nodes over one statement.
     *
     * @param nodes      signer of each signature.
     * @param signatures buffer holding the signatures.
     * @param offsets    offset of each signature.
     * @param lengths    length of each signature.
     */
    void verify(final long correlationId, final DirectBuffer statement, final int statementLength, final int count,
        final int[] nodes, final DirectBuffer signatures, final int[] offsets, final int[] lengths)
    {
        final EventBuilder b = emitter.event(cryptoId);
        final VerifyRequestEncoder.ItemsEncoder items = verifyRequest
            .wrapAndApplyHeader(b.buffer(), b.payloadOffset(), header).correlationId(correlationId).itemsCount(count);
        for (int i = 0; i < count; i++)
        {
            items.next().scheme(Scheme.ED25519).principalKind(PrincipalKind.NODE).principalId(nodes[i])
                .putMessage(statement, 0, statementLength).putSignature(signatures, offsets[i], lengths[i]);
        }
        b.payload(verifyRequest).commit();
    }

    /**
     * Replace the app's state by a snapshot (recovery, state transfer).
     */
    void restoreApp(final long seqNo, final DirectBuffer snapshot, final int offset, final int length)
    {
        final EventBuilder b = emitter.event(appId);
        restoreState.wrapAndApplyHeader(b.buffer(), b.payloadOffset(), header).sequenceNumber(seqNo)
            .putSnapshot(snapshot, offset, length);
        b.payload(restoreState).commit();
    }

    /**
     * Send a pre-encoded ISS message (not persisted: recovery re-sends, state transfer) to one node, or to all
     * other nodes when {@code node} is negative.
     *
     * @return false (nothing sent) when the message does not fit one event to the net module.
     */
    boolean send(final int node, final DirectBuffer message, final int offset, final int length)
    {
        final EventBuilder b = emitter.event(netId);
        if (b.remaining() < MessageHeaderEncoder.ENCODED_LENGTH + SendMessageEncoder.BLOCK_LENGTH + 8 +
            nodeCount * SendMessageEncoder.DestinationsEncoder.sbeBlockLength() + length)
        {
            b.abort();
            return false;
        }
        final SendMessageEncoder.DestinationsEncoder destinations = send
            .wrapAndApplyHeader(b.buffer(), b.payloadOffset(), header).destinationModule(selfModule)
            .destinationsCount(node >= 0 ? 1 : nodeCount - 1);
        for (int n = 0; n < nodeCount; n++)
        {
            if (node >= 0 ? n == node : n != selfId)
            {
                destinations.next().nodeId(n);
            }
        }
        send.putMessage(message, offset, length);
        b.payload(send).commit();
        return true;
    }

    /**
     * Send again the votes this node persisted for a slot (pre-prepare as leader, prepare, commit when prepared) to
     * one node ({@code to}) or all others (negative), so that peers that missed them while they or this node were
     * down can count them. Duplicates are ignored by peers.
     */
    void resendVotes(final int to, final long epoch, final long view, final PbftSlot slot, final boolean asLeader,
        final boolean prepared)
    {
        final int count = slot.requestCount();
        if (asLeader)
        {
            final PreprepareEncoder.RequestsEncoder refs = preprepare
                .wrapAndApplyHeader(scratch, 0, issHeader).epoch(epoch).seqNo(slot.seqNo()).view(view)
                .requestsCount(count);
            for (int i = 0; i < count; i++)
            {
                refs.next().clientId(slot.clientId(i)).requestNo(slot.requestNo(i))
                    .putDigest(slot.batch(), slot.requestDigestOffset(i), PbftSlot.DIGEST_LENGTH);
            }
            send(to, scratch, 0, MessageHeaderEncoder.ENCODED_LENGTH + preprepare.encodedLength());
        }
        prepare.wrapAndApplyHeader(scratch, 0, issHeader).epoch(epoch).seqNo(slot.seqNo()).view(view)
            .putDigest(slot.digest(), 0, 32);
        send(to, scratch, 0, MessageHeaderEncoder.ENCODED_LENGTH + prepare.encodedLength());
        if (prepared)
        {
            commit.wrapAndApplyHeader(scratch, 0, issHeader).epoch(epoch).seqNo(slot.seqNo()).view(view)
                .putDigest(slot.digest(), 0, 32);
            send(to, scratch, 0, MessageHeaderEncoder.ENCODED_LENGTH + commit.encodedLength());
        }
    }

    void clientProgress(final long epoch, final long[] changed, final int count)
    {
        final EventBuilder b = emitter.event(clientsId);
        final ClientProgressEncoder.ClientsEncoder clients = progress
            .wrapAndApplyHeader(b.buffer(), b.payloadOffset(), issHeader).epoch(epoch).clientsCount(count);
        for (int i = 0; i < count; i++)
        {
            clients.next().clientId(changed[2 * i]).lowWatermark(changed[2 * i + 1]);
        }
        b.payload(progress).commit();
    }

    /**
     * Close a WalAppend whose entry ({@code entryLength} bytes) the caller encoded at
     * {@code payloadOffset() + WAL_ENTRY_OFFSET}.
     */
    private EventBuilder walAppendInPlace(final EventBuilder b, final long retentionIndex, final int entryLength)
    {
        walAppend.wrapAndApplyHeader(b.buffer(), b.payloadOffset(), header).retentionIndex(retentionIndex);
        b.buffer().putInt(b.payloadOffset() + WAL_ENTRY_OFFSET - 4, entryLength, java.nio.ByteOrder.LITTLE_ENDIAN);
        return b.payload(WAL_ENTRY_OFFSET + entryLength);
    }

    private EventBuilder walAppend(final long retentionIndex, final int entryBodyLength)
    {
        final EventBuilder b = emitter.event(walId);
        walAppend.wrapAndApplyHeader(b.buffer(), b.payloadOffset(), header).retentionIndex(retentionIndex)
            .putEntry(scratch, 0, MessageHeaderEncoder.ENCODED_LENGTH + entryBodyLength);
        return b.payload(walAppend);
    }

    private void followUpSend(final EventBuilder b, final boolean includeSelf, final int messageBodyLength)
    {
        b.followUp(netId);
        wrapSend(b, includeSelf).putMessage(scratch, 0, MessageHeaderEncoder.ENCODED_LENGTH + messageBodyLength);
        b.payload(send).end();
    }

    /**
     * Wrap the SendMessage encoder at the builder's payload, addressed to this module on every other node (and on
     * this node when asked); the caller puts the message.
     */
    private SendMessageEncoder wrapSend(final EventBuilder b, final boolean includeSelf)
    {
        final SendMessageEncoder.DestinationsEncoder destinations = send
            .wrapAndApplyHeader(b.buffer(), b.payloadOffset(), header).destinationModule(selfModule)
            .destinationsCount(includeSelf ? nodeCount : nodeCount - 1);
        for (int node = 0; node < nodeCount; node++)
        {
            if (includeSelf || node != selfId)
            {
                destinations.next().nodeId(node);
            }
        }
        return send;
    }
}
