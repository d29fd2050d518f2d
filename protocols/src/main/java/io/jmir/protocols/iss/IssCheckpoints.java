package io.jmir.protocols.iss;

import io.jmir.protocols.codecs.CheckpointDataEncoder;
import io.jmir.protocols.codecs.MessageHeaderEncoder;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;

/**
 * Checkpoints at epoch ends (ADR 0012): when the epoch's last batch is delivered the client watermark state is
 * captured and the app is asked for a snapshot; CheckpointData {epoch, seqNo, client watermarks, snapshot} is
 * hashed by the hasher module, persisted, and its digest sent to all nodes in a Checkpoint message. 2f+1 matching
 * digests (own included) make it stable: the stable checkpoint is persisted and the WAL and request store are
 * truncated below the next epoch; the host then drops the protocol state of the epoch.
 * <p>
 * <b>Threading:</b> protocol module thread only.
 */
final class IssCheckpoints
{
    /**
     * Told when a checkpoint becomes stable.
     */
    interface StableListener
    {
        void onStable(long epoch);
    }

    private final MessageHeaderEncoder header = new MessageHeaderEncoder();
    private final CheckpointDataEncoder dataEncoder = new CheckpointDataEncoder();
    private final ExpandableArrayBuffer bitmap = new ExpandableArrayBuffer(256);
    private final IssPublisher publisher;
    private final StableListener listener;
    private final Tracker[] trackers;
    private final int nodeCount;
    private final int strongQuorum;
    private final int epochWindow;
    private final int[] signers;
    private long stableEpoch = -1;
    private long ignoredMessages;

    IssCheckpoints(final IssConfig config, final IssPublisher publisher, final StableListener listener)
    {
        this.publisher = publisher;
        this.listener = listener;
        this.nodeCount = config.nodeCount();
        this.strongQuorum = config.strongQuorum();
        this.epochWindow = config.epochWindow();
        this.signers = new int[nodeCount];
        trackers = new Tracker[epochWindow + 2];
        for (int i = 0; i < trackers.length; i++)
        {
            trackers[i] = new Tracker(nodeCount);
        }
    }

    long stableEpoch()
    {
        return stableEpoch;
    }

    long ignoredMessages()
    {
        return ignoredMessages;
    }

    /**
     * The epoch's last batch was delivered and client watermarks advanced: capture them.
     */
    void epochDelivered(final long epoch, final long lastSeqNo, final RequestPool pool)
    {
        final Tracker t = tracker(epoch);
        int known = 0;
        for (int c = 0; c < pool.clientCount(); c++)
        {
            known += pool.isKnown(c) ? 1 : 0;
        }
        final CheckpointDataEncoder.ClientsEncoder clients = dataEncoder.wrapAndApplyHeader(t.data, 0, header)
            .epoch(epoch).seqNo(lastSeqNo).clientsCount(known);
        final int bitmapLength = pool.window() / 8;
        for (int c = 0; c < pool.clientCount(); c++)
        {
            if (pool.isKnown(c))
            {
                pool.deliveredBitmap(c, bitmap, 0);
                clients.next().clientId(c).lowWatermark(pool.lowWatermark(c))
                    .putDeliveredAbove(bitmap, 0, bitmapLength);
            }
        }
        t.seqNo = lastSeqNo;
        t.groupLimit = dataEncoder.limit();
        t.awaitingSnapshot = true;
    }

    /**
     * The app's snapshot for the epoch's end arrived: complete the data and have it hashed.
     */
    void onSnapshot(final long epoch, final DirectBuffer snapshot, final int offset, final int length)
    {
        if (epoch <= stableEpoch)
        {
            return;
        }
        final Tracker t = tracker(epoch);
        if (!t.awaitingSnapshot)
        {
            return;
        }
        t.awaitingSnapshot = false;
        dataEncoder.wrap(t.data, MessageHeaderEncoder.ENCODED_LENGTH);
        dataEncoder.limit(t.groupLimit);
        dataEncoder.putSnapshot(snapshot, offset, length);
        t.dataLength = dataEncoder.limit();
        publisher.hash(IssPublisher.KIND_CHECKPOINT | epoch, t.data, 0, t.dataLength);
    }

    /**
     * The hasher's digest of this node's checkpoint data.
     */
    void onDigest(final long epoch, final DirectBuffer digest, final int offset)
    {
        if (epoch <= stableEpoch)
        {
            return;
        }
        final Tracker t = tracker(epoch);
        digest.getBytes(offset, t.own, 0, 32);
        t.ownKnown = true;
        publisher.persistCheckpoint(epoch, t.seqNo, t.own, t.data, t.dataLength);
        checkStable(t);
    }

    /**
     * A Checkpoint message.
     */
    void onCheckpoint(final int from, final long epoch, final DirectBuffer digest, final int offset)
    {
        if (epoch <= stableEpoch || epoch > stableEpoch + epochWindow + 1 || from < 0 || from >= nodeCount)
        {
            ignoredMessages++;
            return;
        }
        final Tracker t = tracker(epoch);
        if (t.voted[from])
        {
            ignoredMessages++;
            return;
        }
        t.voted[from] = true;
        digest.getBytes(offset, t.votes, from * 32, 32);
        checkStable(t);
    }

    /**
     * Retransmission (ADR 0013): re-send this node's Checkpoint for the stable epoch and every epoch above it whose
     * digest is known, so a node that lost them (or lags) can still make them stable.
     */
    void resendOwn()
    {
        for (final Tracker t : trackers)
        {
            if (t.ownKnown && t.epoch >= stableEpoch && t.epoch >= 0)
            {
                publisher.resendCheckpoint(t.epoch, t.seqNo, t.own);
            }
        }
    }

    /**
     * @return checkpoint trackers holding an epoch above the stable one (memory-bound checks).
     */
    int liveTrackers()
    {
        int live = 0;
        for (final Tracker t : trackers)
        {
            live += t.epoch > stableEpoch ? 1 : 0;
        }
        return live;
    }

    private void checkStable(final Tracker t)
    {
        if (!t.ownKnown || t.epoch <= stableEpoch)
        {
            return;
        }
        int matching = 0;
        for (int node = 0; node < nodeCount; node++)
        {
            if (t.voted[node] && java.util.Arrays.equals(t.votes, node * 32, node * 32 + 32, t.own, 0, 32))
            {
                signers[matching++] = node;
            }
        }
        if (matching >= strongQuorum)
        {
            final long epoch = t.epoch;
            publisher.persistStableCheckpoint(epoch, t.seqNo, t.own, signers, matching);
            stableEpoch = epoch;
            listener.onStable(epoch);
        }
    }

    private Tracker tracker(final long epoch)
    {
        final Tracker t = trackers[(int)(epoch % trackers.length)];
        if (t.epoch != epoch)
        {
            t.reset(epoch);
        }
        return t;
    }

    private static final class Tracker
    {
        long epoch = -1;
        long seqNo;
        final ExpandableArrayBuffer data = new ExpandableArrayBuffer(1024);
        int dataLength;
        int groupLimit;
        boolean awaitingSnapshot;
        boolean ownKnown;
        final byte[] own = new byte[32];
        final boolean[] voted;
        final byte[] votes;

        Tracker(final int nodeCount)
        {
            voted = new boolean[nodeCount];
            votes = new byte[nodeCount * 32];
        }

        void reset(final long epoch)
        {
            this.epoch = epoch;
            awaitingSnapshot = false;
            ownKnown = false;
            dataLength = 0;
            java.util.Arrays.fill(voted, false);
        }
    }
}
