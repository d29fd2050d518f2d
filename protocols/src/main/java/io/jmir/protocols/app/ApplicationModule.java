package io.jmir.protocols.app;

import io.jmir.codecs.EngineEvents;
import io.jmir.codecs.engine.DeliverBatchDecoder;
import io.jmir.codecs.engine.MessageHeaderDecoder;
import io.jmir.codecs.engine.MessageHeaderEncoder;
import io.jmir.codecs.engine.RestoreStateDecoder;
import io.jmir.codecs.engine.SnapshotRequestDecoder;
import io.jmir.codecs.engine.SnapshotResultEncoder;
import io.jmir.engine.Emitter;
import io.jmir.engine.Event;
import io.jmir.engine.EventBuilder;
import io.jmir.engine.Module;
import io.jmir.engine.ModuleContext;
import io.jmir.protocols.codecs.ClientRepliesEncoder;

/**
 * The "app" module: hosts an {@link Application}. DeliverBatch: the batch is applied and its results are emitted
 * to the "replies" module in ClientReplies events (one per batch, split when it would not fit the slot);
 * SnapshotRequest: the application's snapshot goes back to the requesting module in a SnapshotResult;
 * RestoreState: the application restores a snapshot.
 * <p>
 * <b>Threading:</b> its stage thread (or the simulation) only; the application is called on it.
 */
public final class ApplicationModule implements Module
{
    private final Application application;
    private final DeliverBatchDecoder deliver = new DeliverBatchDecoder();
    private final SnapshotRequestDecoder snapshotRequest = new SnapshotRequestDecoder();
    private final RestoreStateDecoder restore = new RestoreStateDecoder();
    private final SnapshotResultEncoder snapshotResult = new SnapshotResultEncoder();
    private static final int REPLY_OVERHEAD = 16 + 4;
    private final ClientRepliesEncoder replies = new ClientRepliesEncoder();
    private final MessageHeaderEncoder header = new MessageHeaderEncoder();
    private final io.jmir.protocols.codecs.MessageHeaderEncoder issHeader =
        new io.jmir.protocols.codecs.MessageHeaderEncoder();
    private final Batch batch = new Batch();
    private final Results results = new Results();
    private int nodeId;
    private int repliesId;
    private long lastSeqNo = -1;
    private long batches;
    private long unknown;

    /**
     * @param application the replicated state machine.
     */
    public ApplicationModule(final Application application)
    {
        this.application = application;
    }

    @Override
    public void onAttach(final ModuleContext context)
    {
        nodeId = context.nodeId();
        repliesId = context.moduleId("replies");
    }

    @Override
    public void onEvent(final Event event, final Emitter emitter)
    {
        if (event.schemaId() != MessageHeaderDecoder.SCHEMA_ID)
        {
            unknown++;
            return;
        }
        switch (event.templateId())
        {
            case EngineEvents.DELIVER_BATCH:
                onDeliver(event, emitter);
                break;
            case EngineEvents.SNAPSHOT_REQUEST:
                onSnapshotRequest(event, emitter);
                break;
            case EngineEvents.RESTORE_STATE:
                event.decode(restore);
                lastSeqNo = restore.sequenceNumber();
                final byte[] bytes = new byte[restore.snapshotLength()];
                restore.getSnapshot(bytes, 0, bytes.length);
                application.restore(bytes);
                break;
            case EngineEvents.INIT:
                break;
            default:
                unknown++;
                break;
        }
    }

    private void onDeliver(final Event event, final Emitter emitter)
    {
        event.decode(deliver);
        final long seqNo = deliver.sequenceNumber();
        batch.reset(event.buffer());
        final DeliverBatchDecoder.RequestsDecoder requests = deliver.requests();
        while (requests.hasNext())
        {
            requests.next();
            final long clientId = requests.clientId();
            final long requestNo = requests.requestNo();
            final int lengthAt = deliver.limit();
            final int length = requests.payloadLength();
            batch.add(clientId, requestNo, lengthAt + 4, length);
            requests.skipPayload();
        }
        results.reset(batch.size());
        application.apply(seqNo, batch, results);
        lastSeqNo = seqNo;
        batches++;
        int next = 0;
        while (next < batch.size())
        {
            next = emitReplies(emitter, seqNo, next);
        }
    }

    /**
     * One ClientReplies event with the replies from {@code first} on that fit the destination's slot.
     *
     * @return index of the first reply not emitted.
     */
    private int emitReplies(final Emitter emitter, final long seqNo, final int first)
    {
        final EventBuilder b = emitter.event(repliesId);
        final int room = b.remaining() - MessageHeaderEncoder.ENCODED_LENGTH - ClientRepliesEncoder.BLOCK_LENGTH -
            ClientRepliesEncoder.RepliesEncoder.HEADER_SIZE;
        int end = first;
        int bytes = 0;
        while (end < batch.size() && bytes + REPLY_OVERHEAD + results.length(end) <= room)
        {
            bytes += REPLY_OVERHEAD + results.length(end);
            end++;
        }
        if (end == first)
        {
            b.abort();
            throw new IllegalStateException("result of request " + batch.clientId(first) + "/" +
                batch.requestNo(first) + " (" + results.length(first) + " bytes) does not fit one replies event");
        }
        final ClientRepliesEncoder.RepliesEncoder group = replies.wrapAndApplyHeader(b.buffer(), b.payloadOffset(),
            issHeader).nodeId(nodeId).seqNo(seqNo).repliesCount(end - first);
        for (int i = first; i < end; i++)
        {
            group.next().clientId(batch.clientId(i)).requestNo(batch.requestNo(i))
                .putResult(results.data(), results.offset(i), results.length(i));
        }
        b.payload(replies).commit();
        return end;
    }

    private void onSnapshotRequest(final Event event, final Emitter emitter)
    {
        event.decode(snapshotRequest);
        final long correlationId = snapshotRequest.correlationId();
        final long seqNo = snapshotRequest.sequenceNumber();
        final byte[] snapshot = application.snapshot();
        final EventBuilder b = emitter.event(event.source());
        snapshotResult.wrapAndApplyHeader(b.buffer(), b.payloadOffset(), header).correlationId(correlationId)
            .sequenceNumber(seqNo).putSnapshot(snapshot, 0, snapshot.length);
        b.payload(snapshotResult).commit();
    }

    /**
     * @return sequence number of the last applied batch (or restored snapshot), -1 before any.
     */
    public long lastSeqNo()
    {
        return lastSeqNo;
    }

    /**
     * @return batches applied.
     */
    public long batches()
    {
        return batches;
    }

    /**
     * @return unexpected events ignored.
     */
    public long unknown()
    {
        return unknown;
    }
}
