package io.jmir.protocols.iss;

import io.jmir.protocols.codecs.CheckpointCertificateEncoder;
import io.jmir.protocols.codecs.CheckpointDataEncoder;
import io.jmir.protocols.codecs.ChunkRequestEncoder;
import io.jmir.protocols.codecs.CheckpointEncoder;
import io.jmir.protocols.codecs.ClientProgressEncoder;
import io.jmir.protocols.codecs.ClientReplyEncoder;
import io.jmir.protocols.codecs.CommitEncoder;
import io.jmir.protocols.codecs.MessageHeaderEncoder;
import io.jmir.protocols.codecs.PrepareEncoder;
import io.jmir.protocols.codecs.PreprepareEncoder;
import io.jmir.protocols.codecs.RequestsReadyEncoder;
import io.jmir.protocols.codecs.SignedCheckpointEncoder;
import io.jmir.protocols.codecs.StateChunkEncoder;
import io.jmir.protocols.codecs.StateRequestEncoder;
import io.jmir.protocols.codecs.WalBatchPayloadsEncoder;
import io.jmir.protocols.codecs.WalCheckpointEncoder;
import io.jmir.protocols.codecs.WalCommittedEncoder;
import io.jmir.protocols.codecs.WalPreparedEncoder;
import io.jmir.protocols.codecs.WalPrepreparedEncoder;
import io.jmir.protocols.codecs.WalStableCheckpointEncoder;
import io.jmir.engine.NodeDefinition;

/**
 * The ISS schema (id 10) for node definitions: register it with {@link #register(NodeDefinition)} so the node
 * accepts the protocol's events.
 * <p>
 * <b>Threading:</b> stateless; any thread.
 */
public final class IssSchema
{
    /** Schema id. */
    public static final int SCHEMA_ID = MessageHeaderEncoder.SCHEMA_ID;
    /** Schema name. */
    public static final String NAME = "iss";

    private IssSchema()
    {
    }

    /**
     * @return template names indexed by template id.
     */
    public static String[] templateNames()
    {
        final String[] names = new String[WalBatchPayloadsEncoder.TEMPLATE_ID + 1];
        names[PreprepareEncoder.TEMPLATE_ID] = "Preprepare";
        names[PrepareEncoder.TEMPLATE_ID] = "Prepare";
        names[CommitEncoder.TEMPLATE_ID] = "Commit";
        names[CheckpointEncoder.TEMPLATE_ID] = "Checkpoint";
        names[RequestsReadyEncoder.TEMPLATE_ID] = "RequestsReady";
        names[ClientProgressEncoder.TEMPLATE_ID] = "ClientProgress";
        names[ClientReplyEncoder.TEMPLATE_ID] = "ClientReply";
        names[CheckpointDataEncoder.TEMPLATE_ID] = "CheckpointData";
        names[io.jmir.protocols.codecs.ClientRepliesEncoder.TEMPLATE_ID] = "ClientReplies";
        names[WalPrepreparedEncoder.TEMPLATE_ID] = "WalPreprepared";
        names[WalPreparedEncoder.TEMPLATE_ID] = "WalPrepared";
        names[WalCommittedEncoder.TEMPLATE_ID] = "WalCommitted";
        names[WalCheckpointEncoder.TEMPLATE_ID] = "WalCheckpoint";
        names[WalStableCheckpointEncoder.TEMPLATE_ID] = "WalStableCheckpoint";
        names[SignedCheckpointEncoder.TEMPLATE_ID] = "SignedCheckpoint";
        names[CheckpointCertificateEncoder.TEMPLATE_ID] = "CheckpointCertificate";
        names[StateRequestEncoder.TEMPLATE_ID] = "StateRequest";
        names[ChunkRequestEncoder.TEMPLATE_ID] = "ChunkRequest";
        names[StateChunkEncoder.TEMPLATE_ID] = "StateChunk";
        names[WalBatchPayloadsEncoder.TEMPLATE_ID] = "WalBatchPayloads";
        return names;
    }

    /**
     * Register the schema with a node definition.
     *
     * @param definition the node.
     * @return the definition.
     */
    public static NodeDefinition register(final NodeDefinition definition)
    {
        return definition.schema(SCHEMA_ID, NAME, templateNames());
    }
}
