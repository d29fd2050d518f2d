package io.jmir.protocols.iss;

import io.jmir.protocols.codecs.CheckpointCertificateDecoder;
import io.jmir.protocols.codecs.ChunkRequestDecoder;
import io.jmir.protocols.codecs.CommitDecoder;
import io.jmir.protocols.codecs.MessageHeaderDecoder;
import io.jmir.protocols.codecs.NewViewDecoder;
import io.jmir.protocols.codecs.SlotReplyDecoder;
import io.jmir.protocols.codecs.SlotRequestDecoder;
import io.jmir.protocols.codecs.ViewChangeDecoder;
import io.jmir.protocols.codecs.PrepareDecoder;
import io.jmir.protocols.codecs.PreprepareDecoder;
import io.jmir.protocols.codecs.SignedCheckpointDecoder;
import io.jmir.protocols.codecs.StateChunkDecoder;
import io.jmir.protocols.codecs.StateRequestDecoder;
import io.jmir.protocols.codecs.WalBatchPayloadsDecoder;
import io.jmir.protocols.pbft.PbftSlot;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Decodes protocol messages from other nodes (the adapter side of ISS) and routes them: PBFT messages of the
 * current epoch and of older epochs still held (view changes the others still run) to the orderer of their
 * segment, messages of the next epoch into a bounded buffer (a share per sender) replayed when the node enters it,
 * checkpoints to {@link IssCheckpoints}, catch-up messages to {@link IssCatchUp}. Malformed, misrouted or stale
 * messages are counted and dropped, never thrown; messages beyond the next epoch are counted as far-future drops.
 * <p>
 * <b>Threading:</b> protocol module thread only.
 */
final class IssInbox
{
    private static final int MAX_BUFFERED_BYTES = 64 * 1024 * 1024;
    private final ViewChangeDecoder viewChange = new ViewChangeDecoder();
    private final NewViewDecoder newView = new NewViewDecoder();
    private final SlotRequestDecoder slotRequest = new SlotRequestDecoder();
    private final SlotReplyDecoder slotReply = new SlotReplyDecoder();
    private final MessageHeaderDecoder header = new MessageHeaderDecoder();
    private final PreprepareDecoder preprepare = new PreprepareDecoder();
    private final PrepareDecoder prepare = new PrepareDecoder();
    private final CommitDecoder commit = new CommitDecoder();
    private final SignedCheckpointDecoder checkpoint = new SignedCheckpointDecoder();
    private final StateRequestDecoder stateRequest = new StateRequestDecoder();
    private final ChunkRequestDecoder chunkRequest = new ChunkRequestDecoder();
    private final StateChunkDecoder stateChunk = new StateChunkDecoder();
    private final byte[] digestBytes = new byte[32];
    private final UnsafeBuffer digest = new UnsafeBuffer(digestBytes);
    private final ExpandableArrayBuffer buffered = new ExpandableArrayBuffer(0);
    private final UnsafeBuffer replayView = new UnsafeBuffer(0, 0);
    private final IssModule iss;
    private final int nodeCount;
    private final int epochLength;
    private final int maxRefsBytes;
    private final int perPeerLimit;
    private final int[] bufferedByPeer;
    private IssCatchUp catchUp;
    private long droppedFuture;
    private long droppedOverLimit;
    private int bufferedLength;
    private long bufferedEpoch = -1;
    private long rejected;
    private long unknown;

    IssInbox(final IssModule iss, final IssConfig config)
    {
        this.iss = iss;
        this.nodeCount = config.nodeCount();
        this.epochLength = config.epochLength();
        this.maxRefsBytes = config.maxBatchSize() * PbftSlot.REF_LENGTH;
        this.perPeerLimit = (int)Math.min(MAX_BUFFERED_BYTES / nodeCount,
            4L * epochLength * (maxRefsBytes + 256) + 64 * 1024);
        this.bufferedByPeer = new int[nodeCount];
    }

    void catchUp(final IssCatchUp catchUp)
    {
        this.catchUp = catchUp;
    }

    /**
     * @return messages dropped because their epoch is beyond the next one (far future).
     */
    long droppedFuture()
    {
        return droppedFuture;
    }

    /**
     * @return next-epoch messages dropped because their sender's buffer share was full.
     */
    long droppedOverLimit()
    {
        return droppedOverLimit;
    }

    /**
     * @return most bytes buffered for one peer.
     */
    int maxBufferedByPeer()
    {
        int max = 0;
        for (final int bytes : bufferedByPeer)
        {
            max = Math.max(max, bytes);
        }
        return max;
    }

    long rejected()
    {
        return rejected + unknown;
    }

    long bufferedBytes()
    {
        return bufferedLength;
    }

    void countUnknown()
    {
        unknown++;
    }

    void onMessage(final int from, final DirectBuffer buffer, final int offset, final int length)
    {
        if (from < 0 || from >= nodeCount || length < MessageHeaderDecoder.ENCODED_LENGTH)
        {
            rejected++;
            return;
        }
        header.wrap(buffer, offset);
        if (header.schemaId() != MessageHeaderDecoder.SCHEMA_ID ||
            MessageHeaderDecoder.ENCODED_LENGTH + header.blockLength() > length)
        {
            rejected++;
            return;
        }
        final int body = offset + MessageHeaderDecoder.ENCODED_LENGTH;
        final int blockLength = header.blockLength();
        final int version = header.version();
        if (blockLength < minimumBlockLength(header.templateId()))
        {
            rejected++;
            return;
        }
        try
        {
            dispatch(from, buffer, offset, length, body, blockLength, version);
        }
        catch (final IndexOutOfBoundsException ex)
        {
            rejected++;
        }
    }

    private void dispatch(final int from, final DirectBuffer buffer, final int offset, final int length,
        final int body, final int blockLength, final int version)
    {
        switch (header.templateId())
        {
            case PreprepareDecoder.TEMPLATE_ID:
                preprepare.wrap(buffer, body, blockLength, version);
                onPreprepare(from, buffer, offset, length);
                break;
            case PrepareDecoder.TEMPLATE_ID:
                prepare.wrap(buffer, body, blockLength, version);
                if (route(prepare.epoch(), prepare.seqNo(), from, buffer, offset, length))
                {
                    prepare.getDigest(digestBytes, 0, 32);
                    final IssEpoch epoch = iss.epochOf(prepare.seqNo());
                    epoch.ordererOf(prepare.seqNo()).onPrepare(from, prepare.view(), epoch.slot(prepare.seqNo()),
                        digest, 0);
                }
                break;
            case CommitDecoder.TEMPLATE_ID:
                commit.wrap(buffer, body, blockLength, version);
                if (route(commit.epoch(), commit.seqNo(), from, buffer, offset, length))
                {
                    commit.getDigest(digestBytes, 0, 32);
                    final IssEpoch epoch = iss.epochOf(commit.seqNo());
                    epoch.ordererOf(commit.seqNo()).onCommit(from, commit.view(), epoch.slot(commit.seqNo()),
                        digest, 0);
                }
                break;
            case SignedCheckpointDecoder.TEMPLATE_ID:
                checkpoint.wrap(buffer, body, blockLength, version);
                onSignedCheckpoint(from, buffer, offset, length);
                break;
            case StateRequestDecoder.TEMPLATE_ID:
                iss.stateTransfer().onStateRequest(from, stateRequest.wrap(buffer, body, blockLength, version));
                break;
            case ChunkRequestDecoder.TEMPLATE_ID:
                iss.stateTransfer().onChunkRequest(from, chunkRequest.wrap(buffer, body, blockLength, version));
                break;
            case StateChunkDecoder.TEMPLATE_ID:
                stateChunk.wrap(buffer, body, blockLength, version);
                if (varDataFits(stateChunk.limit(), buffer, offset + length))
                {
                    iss.stateTransfer().onChunk(from, stateChunk);
                }
                break;
            case CheckpointCertificateDecoder.TEMPLATE_ID:
                iss.stateTransfer().onCertificate(from, buffer, offset, length);
                break;
            case WalBatchPayloadsDecoder.TEMPLATE_ID:
                iss.payloadFetch().onPayloads(buffer, offset, length);
                break;
            case ViewChangeDecoder.TEMPLATE_ID:
                viewChange.wrap(buffer, body, blockLength, version);
                if (routeSegment(viewChange.epoch(), viewChange.segment(), from, buffer, offset, length))
                {
                    iss.epochOf(viewChange.epoch() * epochLength).orderer(viewChange.segment())
                        .onViewChange(from, buffer, offset, length);
                }
                break;
            case NewViewDecoder.TEMPLATE_ID:
                newView.wrap(buffer, body, blockLength, version);
                if (routeSegment(newView.epoch(), newView.segment(), from, buffer, offset, length))
                {
                    iss.epochOf(newView.epoch() * epochLength).orderer(newView.segment())
                        .onNewView(from, buffer, offset, length);
                }
                break;
            case SlotRequestDecoder.TEMPLATE_ID:
                slotRequest.wrap(buffer, body, blockLength, version);
                if (!catchUp.onRequest(from, slotRequest.epoch(), slotRequest.seqNo()))
                {
                    rejected++;
                }
                break;
            case SlotReplyDecoder.TEMPLATE_ID:
                slotReply.wrap(buffer, body, blockLength, version);
                if (!catchUp.onReply(from, slotReply, maxRefsBytes))
                {
                    rejected++;
                }
                break;
            default:
                rejected++;
                break;
        }
    }

    private static int minimumBlockLength(final int templateId)
    {
        switch (templateId)
        {
            case PreprepareDecoder.TEMPLATE_ID:
                return PreprepareDecoder.BLOCK_LENGTH;
            case PrepareDecoder.TEMPLATE_ID:
                return PrepareDecoder.BLOCK_LENGTH;
            case CommitDecoder.TEMPLATE_ID:
                return CommitDecoder.BLOCK_LENGTH;
            case ViewChangeDecoder.TEMPLATE_ID:
                return ViewChangeDecoder.BLOCK_LENGTH;
            case NewViewDecoder.TEMPLATE_ID:
                return NewViewDecoder.BLOCK_LENGTH;
            case SlotRequestDecoder.TEMPLATE_ID:
                return SlotRequestDecoder.BLOCK_LENGTH;
            case SlotReplyDecoder.TEMPLATE_ID:
                return SlotReplyDecoder.BLOCK_LENGTH;
            case SignedCheckpointDecoder.TEMPLATE_ID:
                return SignedCheckpointDecoder.BLOCK_LENGTH;
            case StateRequestDecoder.TEMPLATE_ID:
                return StateRequestDecoder.BLOCK_LENGTH;
            case ChunkRequestDecoder.TEMPLATE_ID:
                return ChunkRequestDecoder.BLOCK_LENGTH;
            case StateChunkDecoder.TEMPLATE_ID:
                return StateChunkDecoder.BLOCK_LENGTH;
            case CheckpointCertificateDecoder.TEMPLATE_ID:
                return CheckpointCertificateDecoder.BLOCK_LENGTH;
            case WalBatchPayloadsDecoder.TEMPLATE_ID:
                return WalBatchPayloadsDecoder.BLOCK_LENGTH;
            default:
                return 0;
        }
    }

    private void onSignedCheckpoint(final int from, final DirectBuffer buffer, final int offset, final int length)
    {
        final int at = checkpoint.limit();
        if (!varDataFits(at, buffer, offset + length))
        {
            return;
        }
        checkpoint.getDigest(digestBytes, 0, 32);
        final int signatureLength = buffer.getInt(at, java.nio.ByteOrder.LITTLE_ENDIAN);
        iss.checkpoints().onCheckpoint(from, checkpoint.epoch(), checkpoint.seqNo(), digest, 0, buffer, at + 4,
            signatureLength);
    }

    /**
     * @return true when the 32-bit length prefixed var data at {@code at} ends by {@code end}; counts it otherwise.
     */
    private boolean varDataFits(final int at, final DirectBuffer buffer, final int end)
    {
        if (at + 4 > end)
        {
            rejected++;
            return false;
        }
        final long dataLength = buffer.getInt(at, java.nio.ByteOrder.LITTLE_ENDIAN) & 0xFFFFFFFFL;
        if (at + 4 + dataLength > end)
        {
            rejected++;
            return false;
        }
        return true;
    }

    private void onPreprepare(final int from, final DirectBuffer buffer, final int offset, final int length)
    {
        final int groupHeader = preprepare.limit();
        if (groupHeader + 4 > offset + length)
        {
            rejected++;
            return;
        }
        final int entryLength = buffer.getShort(groupHeader, java.nio.ByteOrder.LITTLE_ENDIAN) & 0xFFFF;
        final int count = buffer.getShort(groupHeader + 2, java.nio.ByteOrder.LITTLE_ENDIAN) & 0xFFFF;
        if (entryLength != PbftSlot.REF_LENGTH || groupHeader + 4 + count * PbftSlot.REF_LENGTH > offset + length)
        {
            rejected++;
            return;
        }
        final long seqNo = preprepare.seqNo();
        if (route(preprepare.epoch(), seqNo, from, buffer, offset, length))
        {
            final IssEpoch epoch = iss.epochOf(seqNo);
            epoch.ordererOf(seqNo).onPreprepare(from, preprepare.view(), epoch.slot(seqNo), buffer, groupHeader + 4,
                count);
        }
    }

    /**
     * @return true when the message is for the current epoch and its slot exists; buffers next-epoch messages.
     */
    private boolean route(
        final long epoch, final long seqNo, final int from, final DirectBuffer buffer, final int offset,
        final int length)
    {
        final long current = iss.currentEpoch();
        if (seqNo < 0 || seqNo / epochLength != epoch)
        {
            rejected++;
            return false;
        }
        if (epoch == current || epoch >= 0 && epoch < current && iss.epochOf(seqNo) != null)
        {
            if (iss.epochOf(seqNo) == null)
            {
                rejected++;
                return false;
            }
            return true;
        }
        routeOther(epoch, from, buffer, offset, length);
        return false;
    }

    /**
     * @return true when the message is for a segment of the current epoch; buffers next-epoch messages.
     */
    private boolean routeSegment(
        final long epoch, final int segment, final int from, final DirectBuffer buffer, final int offset,
        final int length)
    {
        if (epoch == iss.currentEpoch() || epoch >= 0 && epoch < iss.currentEpoch() &&
            iss.epochOf(epoch * epochLength) != null)
        {
            final IssEpoch state = iss.epochOf(epoch * epochLength);
            if (state == null || segment < 0 || segment >= state.leaderCount())
            {
                rejected++;
                return false;
            }
            return true;
        }
        routeOther(epoch, from, buffer, offset, length);
        return false;
    }

    private void routeOther(
        final long epoch, final int from, final DirectBuffer buffer, final int offset, final int length)
    {
        final long current = iss.currentEpoch();
        if (epoch == current + 1)
        {
            buffer(epoch, from, buffer, offset, length);
        }
        else if (epoch > current + 1)
        {
            droppedFuture++;
            rejected++;
        }
        else
        {
            rejected++;
        }
    }

    private void buffer(
        final long epoch, final int from, final DirectBuffer buffer, final int offset, final int length)
    {
        if (bufferedEpoch != epoch)
        {
            bufferedLength = 0;
            bufferedEpoch = epoch;
            java.util.Arrays.fill(bufferedByPeer, 0);
        }
        if (bufferedLength + 8 + length > MAX_BUFFERED_BYTES || bufferedByPeer[from] + 8 + length > perPeerLimit)
        {
            droppedOverLimit++;
            rejected++;
            return;
        }
        bufferedByPeer[from] += 8 + length;
        buffered.putInt(bufferedLength, from);
        buffered.putInt(bufferedLength + 4, length);
        buffered.putBytes(bufferedLength + 8, buffer, offset, length);
        bufferedLength += 8 + length;
    }

    /**
     * The node entered an epoch: process the messages buffered for it, in arrival order.
     */
    void replayBuffered(final long epoch)
    {
        java.util.Arrays.fill(bufferedByPeer, 0);
        if (bufferedEpoch != epoch)
        {
            bufferedLength = 0;
            return;
        }
        final int end = bufferedLength;
        bufferedEpoch = -1;
        bufferedLength = 0;
        int cursor = 0;
        while (cursor < end)
        {
            final int from = buffered.getInt(cursor);
            final int length = buffered.getInt(cursor + 4);
            replayView.wrap(buffered, cursor + 8, length);
            onMessage(from, replayView, 0, length);
            cursor += 8 + length;
        }
    }
}
