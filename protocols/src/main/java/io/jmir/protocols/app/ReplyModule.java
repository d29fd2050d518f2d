package io.jmir.protocols.app;

import io.jmir.engine.Emitter;
import io.jmir.engine.Event;
import io.jmir.engine.Module;
import io.jmir.protocols.codecs.ClientRepliesDecoder;
import io.jmir.protocols.codecs.ClientReplyDecoder;
import io.jmir.protocols.codecs.MessageHeaderDecoder;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * The "replies" module: hands every reply of ClientReplies (and single ClientReply) events to a
 * {@link ReplySink}. An edge module: it is the only place replies leave the node, so the application module
 * itself stays deterministic and free of I/O.
 * <p>
 * <b>Threading:</b> its stage thread only; the sink is called on it.
 */
public final class ReplyModule implements Module
{
    private final ReplySink sink;
    private final ClientReplyDecoder reply = new ClientReplyDecoder();
    private final ClientRepliesDecoder batch = new ClientRepliesDecoder();
    private final UnsafeBuffer result = new UnsafeBuffer(0, 0);
    private long replies;
    private long unknown;

    /**
     * @param sink where replies go.
     */
    public ReplyModule(final ReplySink sink)
    {
        this.sink = sink;
    }

    @Override
    public void onEvent(final Event event, final Emitter emitter)
    {
        if (event.schemaId() != MessageHeaderDecoder.SCHEMA_ID)
        {
            unknown++;
            return;
        }
        if (event.templateId() == ClientRepliesDecoder.TEMPLATE_ID)
        {
            event.decode(batch);
            final int nodeId = batch.nodeId();
            final long seqNo = batch.seqNo();
            for (final ClientRepliesDecoder.RepliesDecoder r : batch.replies())
            {
                final long clientId = r.clientId();
                final long requestNo = r.requestNo();
                r.wrapResult(result);
                replies++;
                sink.onReply(nodeId, clientId, requestNo, seqNo, result, 0, result.capacity());
            }
            return;
        }
        if (event.templateId() != ClientReplyDecoder.TEMPLATE_ID)
        {
            unknown++;
            return;
        }
        event.decode(reply);
        final long clientId = reply.clientId();
        final long requestNo = reply.requestNo();
        final int nodeId = reply.nodeId();
        final long seqNo = reply.seqNo();
        reply.wrapResult(result);
        replies++;
        sink.onReply(nodeId, clientId, requestNo, seqNo, result, 0, result.capacity());
    }

    /**
     * @return replies handed to the sink.
     */
    public long replies()
    {
        return replies;
    }

    /**
     * @return unexpected events ignored.
     */
    public long unknown()
    {
        return unknown;
    }
}
