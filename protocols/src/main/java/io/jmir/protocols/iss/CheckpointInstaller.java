package io.jmir.protocols.iss;

import io.jmir.protocols.codecs.CheckpointDataDecoder;
import io.jmir.protocols.codecs.MessageHeaderDecoder;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Installs a checkpoint's CheckpointData (ADR 0012) into the node: the client windows of the protocol's request
 * pool (low watermarks and delivered bitmaps), the client tracker's watermarks (ClientProgress) and the app's state
 * (RestoreState with the snapshot) and the leader policy's state. Used by crash recovery (own checkpoint from the
 * WAL) and by state transfer (a certified checkpoint fetched from peers). Data that does not decode is refused
 * before anything changes.
 * <p>
 * <b>Threading:</b> protocol module thread only.
 */
final class CheckpointInstaller
{
    private final MessageHeaderDecoder header = new MessageHeaderDecoder();
    private final CheckpointDataDecoder decoder = new CheckpointDataDecoder();
    private final UnsafeBuffer view = new UnsafeBuffer(0, 0);
    private final UnsafeBuffer bitmap = new UnsafeBuffer(0, 0);
    private final RequestPool pool;
    private final IssPublisher publisher;
    private final LeaderPolicy policy;
    private final long[] changed;
    private final int clientCount;
    private long epoch = -1;
    private long seqNo = -1;

    CheckpointInstaller(final IssConfig config, final RequestPool pool, final IssPublisher publisher,
        final LeaderPolicy policy)
    {
        this.policy = policy;
        this.pool = pool;
        this.publisher = publisher;
        this.clientCount = config.clientCount();
        this.changed = new long[2 * clientCount];
    }

    /**
     * @return epoch of the last installed data.
     */
    long epoch()
    {
        return epoch;
    }

    /**
     * @return last sequence number covered by the last installed data.
     */
    long seqNo()
    {
        return seqNo;
    }

    /**
     * Check that the bytes are a CheckpointData message whose clients are valid, and read its epoch and seqNo.
     *
     * @return true when well formed.
     */
    boolean check(final DirectBuffer data, final int offset, final int length)
    {
        return decode(data, offset, length, false);
    }

    /**
     * Install the data.
     *
     * @return false (and nothing changed) when it does not decode.
     */
    boolean restore(final DirectBuffer data, final int offset, final int length)
    {
        if (!decode(data, offset, length, false))
        {
            return false;
        }
        decode(data, offset, length, true);
        return true;
    }

    private boolean decode(final DirectBuffer data, final int offset, final int length, final boolean apply)
    {
        if (length < MessageHeaderDecoder.ENCODED_LENGTH + CheckpointDataDecoder.BLOCK_LENGTH)
        {
            return false;
        }
        view.wrap(data, offset, length);
        header.wrap(view, 0);
        if (header.schemaId() != MessageHeaderDecoder.SCHEMA_ID ||
            header.templateId() != CheckpointDataDecoder.TEMPLATE_ID ||
            header.blockLength() < CheckpointDataDecoder.BLOCK_LENGTH)
        {
            return false;
        }
        try
        {
            decoder.wrap(view, MessageHeaderDecoder.ENCODED_LENGTH, header.blockLength(), header.version());
            final long dataEpoch = decoder.epoch();
            final long dataSeqNo = decoder.seqNo();
            long previous = -1;
            int moved = 0;
            for (final CheckpointDataDecoder.ClientsDecoder client : decoder.clients())
            {
                final long clientId = client.clientId();
                final long low = client.lowWatermark();
                final int bitmapAt = decoder.limit() + 4;
                final int bitmapLength = client.deliveredAboveLength();
                if (clientId <= previous || clientId >= clientCount || low < 0 || low > RequestPool.MAX_REQUEST_NO ||
                    bitmapAt + bitmapLength > length)
                {
                    return false;
                }
                previous = clientId;
                if (apply)
                {
                    bitmap.wrap(view, bitmapAt, bitmapLength);
                    pool.restoreClient((int)clientId, low, bitmap, 0, bitmapLength);
                    changed[2 * moved] = clientId;
                    changed[2 * moved + 1] = low;
                    moved++;
                }
                client.skipDeliveredAbove();
            }
            final int snapshotAt = decoder.limit() + 4;
            final int snapshotLength = decoder.snapshotLength();
            if (dataEpoch < 0 || snapshotLength < 0 || snapshotAt + snapshotLength > length)
            {
                return false;
            }
            decoder.skipSnapshot();
            final int policyLength = decoder.leaderPolicyLength();
            final int policyAt = policyLength == 0 ? decoder.limit() : decoder.limit() + 4;
            if (policyLength < 0 || policyAt + policyLength > length ||
                !policy.checkState(view, policyAt, policyLength))
            {
                return false;
            }
            if (apply)
            {
                pool.finishRestore();
                publisher.clientProgress(dataEpoch + 1, changed, moved);
                publisher.restoreApp(dataSeqNo, view, snapshotAt, snapshotLength);
                policy.restoreState(view, policyAt, policyLength);
            }
            epoch = dataEpoch;
            seqNo = dataSeqNo;
            return true;
        }
        catch (final IndexOutOfBoundsException ex)
        {
            return false;
        }
    }
}
