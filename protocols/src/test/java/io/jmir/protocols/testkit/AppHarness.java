package io.jmir.protocols.testkit;

import io.jmir.codecs.engine.DeliverBatchEncoder;
import io.jmir.codecs.engine.MessageHeaderEncoder;
import io.jmir.engine.internal.DefaultModuleContext;
import io.jmir.engine.Module;
import io.jmir.engine.NodeDefinition;
import io.jmir.protocols.app.Application;
import io.jmir.protocols.app.ApplicationModule;
import io.jmir.protocols.codecs.ClientRepliesDecoder;
import org.agrona.ExpandableArrayBuffer;

import java.util.List;

/**
 * Drives an {@link Application} through a real {@link ApplicationModule}: one request per DeliverBatch, returns
 * the result carried by the emitted ClientReply.
 */
public final class AppHarness
{
    private final ApplicationModule module;
    private final RecordingEmitter emitter = new RecordingEmitter(0);
    private final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer(1024);
    private long seqNo;

    public AppHarness(final Application application)
    {
        module = new ApplicationModule(application);
        final Module noOp = (event, emitter) -> { };
        final NodeDefinition definition = new NodeDefinition(0, 1).module("app", module).module("replies", noOp);
        module.onAttach(new DefaultModuleContext(definition, 0));
    }

    public byte[] apply(final byte[] payload)
    {
        final DeliverBatchEncoder encoder = new DeliverBatchEncoder();
        encoder.wrapAndApplyHeader(buffer, 0, new MessageHeaderEncoder()).sequenceNumber(seqNo++).requestsCount(1)
            .next().clientId(1).requestNo(seqNo).putPayload(payload, 0, payload.length);
        module.onEvent(RecordingEmitter.event(0, 5, buffer, 0, 8 + encoder.encodedLength()), emitter);
        final List<RecordingEmitter.Recorded> replies = emitter.drain();
        if (replies.size() != 1)
        {
            throw new AssertionError("expected one reply, got " + replies.size());
        }
        final ClientRepliesDecoder.RepliesDecoder reply = replies.get(0).decode(new ClientRepliesDecoder()).replies();
        if (reply.count() != 1)
        {
            throw new AssertionError("expected one reply, got " + reply.count());
        }
        reply.next().clientId();
        final byte[] result = new byte[reply.resultLength()];
        reply.getResult(result, 0, result.length);
        return result;
    }
}
