package io.jmir.protocols.iss;

import io.jmir.codecs.engine.DeliverBatchEncoder;
import io.jmir.codecs.engine.HashRequestEncoder;
import io.jmir.codecs.engine.MessageHeaderEncoder;
import io.jmir.codecs.engine.RequestStoreGcEncoder;
import io.jmir.codecs.engine.SendMessageEncoder;
import io.jmir.codecs.engine.SnapshotRequestEncoder;
import io.jmir.codecs.engine.TimerSetEncoder;
import io.jmir.codecs.engine.WalAppendEncoder;
import io.jmir.codecs.engine.WalTruncateEncoder;
import io.jmir.engine.EventBuilder;
import io.jmir.engine.Emitter;
import io.jmir.protocols.codecs.CheckpointEncoder;
import io.jmir.protocols.codecs.ClientProgressEncoder;
import io.jmir.protocols.codecs.CommitEncoder;
import io.jmir.protocols.codecs.PrepareEncoder;
import io.jmir.protocols.codecs.PreprepareEncoder;
import io.jmir.protocols.codecs.WalCheckpointEncoder;
import io.jmir.protocols.codecs.WalCommittedEncoder;
import io.jmir.protocols.codecs.WalPreparedEncoder;
import io.jmir.protocols.codecs.WalPrepreparedEncoder;
import io.jmir.protocols.codecs.WalStableCheckpointEncoder;
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
    static final long KIND_MASK = 0xFFL << 56;
    static final int GENERATION_SHIFT = 40;
    static final long SEQ_MASK = (1L << GENERATION_SHIFT) - 1;
    static final long TIMER_ID = 1;

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
    private final CheckpointEncoder checkpoint = new CheckpointEncoder();
    private final ClientProgressEncoder progress = new ClientProgressEncoder();
    private final WalPrepreparedEncoder walPreprepared = new WalPrepreparedEncoder();
    private final WalPreparedEncoder walPrepared = new WalPreparedEncoder();
    private final WalCommittedEncoder walCommitted = new WalCommittedEncoder();
    private final WalCheckpointEncoder walCheckpoint = new WalCheckpointEncoder();
    private final WalStableCheckpointEncoder walStable = new WalStableCheckpointEncoder();
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
    private Emitter emitter;

    IssPublisher(final int selfId, final int nodeCount)
    {
        this.selfId = selfId;
        this.nodeCount = nodeCount;
    }

    void moduleIds(final int self, final int net, final int wal, final int hasher, final int app,
        final int clients, final int store, final int timer)
    {
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

    void hashBatch(final PbftSlot slot)
    {
        hash(KIND_BATCH | ((long)slot.nextHashGeneration() << GENERATION_SHIFT) | slot.seqNo(), slot.batch(), 0,
            slot.batchLength());
    }

    void hash(final long correlationId, final DirectBuffer data, final int offset, final int length)
    {
        final EventBuilder b = emitter.event(hasherId);
        hash.wrapAndApplyHeader(b.buffer(), b.payloadOffset(), header).correlationId(correlationId)
            .itemsCount(1).next().putData(data, offset, length);
        b.payload(hash).commit();
    }

    void persistPreprepare(final long epoch, final long view, final PbftSlot slot, final boolean asLeader)
    {
        final int count = slot.requestCount();
        final WalPrepreparedEncoder.RequestsEncoder walRefs = walPreprepared
            .wrapAndApplyHeader(scratch, 0, issHeader).epoch(epoch).seqNo(slot.seqNo()).view(view)
            .putDigest(slot.digest(), 0, 32).requestsCount(count);
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
        prepare.wrapAndApplyHeader(scratch, 0, issHeader).epoch(epoch).seqNo(slot.seqNo()).view(view)
            .putDigest(slot.digest(), 0, 32);
        followUpSend(b, true, prepare.encodedLength());
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
        send.putMessage(message, offset, length);
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
     * Re-send this node's Checkpoint message for an epoch (retransmission; no WAL entry).
     */
    void resendCheckpoint(final long epoch, final long seqNo, final byte[] digest)
    {
        checkpoint.wrapAndApplyHeader(scratch, 0, issHeader).epoch(epoch).seqNo(seqNo).putDigest(digest, 0, 32);
        broadcast(scratch, 0, io.jmir.protocols.codecs.MessageHeaderEncoder.ENCODED_LENGTH +
            checkpoint.encodedLength(), false);
    }

    void persistCheckpoint(final long epoch, final long seqNo, final byte[] digest, final DirectBuffer data,
        final int dataLength)
    {
        walCheckpoint.wrapAndApplyHeader(scratch, 0, issHeader).epoch(epoch).seqNo(seqNo).putDigest(digest, 0, 32)
            .putData(data, 0, dataLength);
        final EventBuilder b = walAppend(epoch + 1, walCheckpoint.encodedLength());
        checkpoint.wrapAndApplyHeader(scratch, 0, issHeader).epoch(epoch).seqNo(seqNo).putDigest(digest, 0, 32);
        followUpSend(b, true, checkpoint.encodedLength());
        b.commit();
    }

    void persistStableCheckpoint(
        final long epoch, final long seqNo, final byte[] digest, final int[] signers, final int signerCount)
    {
        final WalStableCheckpointEncoder.SignersEncoder group = walStable.wrapAndApplyHeader(scratch, 0, issHeader)
            .epoch(epoch).seqNo(seqNo).putDigest(digest, 0, 32).signersCount(signerCount);
        for (int i = 0; i < signerCount; i++)
        {
            group.next().nodeId(signers[i]);
        }
        final EventBuilder b = walAppend(epoch + 1, walStable.encodedLength());
        b.followUp(walId);
        walTruncate.wrapAndApplyHeader(b.buffer(), b.payloadOffset(), header).retentionIndex(epoch + 1);
        b.payload(walTruncate).end();
        b.followUp(storeId);
        storeGc.wrapAndApplyHeader(b.buffer(), b.payloadOffset(), header).retentionIndex(epoch + 1);
        b.payload(storeGc).end();
        b.commit();
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
        send.putMessage(scratch, 0, MessageHeaderEncoder.ENCODED_LENGTH + messageBodyLength);
        b.payload(send).end();
    }
}
