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
import io.jmir.protocols.codecs.ClientReplyEncoder;

/**
 * The "app" module: hosts an {@link Application}. DeliverBatch: the batch is applied and one ClientReply per
 * request is emitted to the "replies" module; SnapshotRequest: the application's snapshot goes back to the
 * requesting module in a SnapshotResult; RestoreState: the application restores a snapshot.
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
    private final ClientReplyEncoder reply = new ClientReplyEncoder();
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
        for (int i = 0; i < batch.size(); i++)
        {
            final EventBuilder b = emitter.event(repliesId);
            reply.wrapAndApplyHeader(b.buffer(), b.payloadOffset(), issHeader).clientId(batch.clientId(i))
                .requestNo(batch.requestNo(i)).nodeId(nodeId).seqNo(seqNo)
                .putResult(results.data(), results.offset(i), results.length(i));
            b.payload(reply).commit();
        }
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
