package io.jmir.protocols.pbft;

import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * State of one sequence number in a PBFT orderer (as Mir's pbftslot.go): the pre-prepared batch (request
 * references, 48 bytes each: client id, request number, request digest), its digest, the prepare and commit votes
 * of every node (first vote per node counts), and the phase flags. Slots are pooled and reset for reuse.
 * <p>
 * <b>Threading:</b> protocol module thread only.
 */
public final class PbftSlot
{
    /** Bytes of one request reference in a batch. */
    public static final int REF_LENGTH = 48;
    /** Bytes of a digest. */
    public static final int DIGEST_LENGTH = 32;
    /** Bytes before the first reference in {@link #batch()}: the sequence number, hashed with the batch. */
    public static final int BATCH_PREFIX = 8;
    /** Bit set in the batch prefix of an empty batch filled in by a view change (ADR 0013): agreed by digest. */
    public static final long FILL_FLAG = 1L << 62;
    /** {@link #installMode}: none. */
    static final int INSTALL_NONE = 0;
    /** {@link #installMode}: a NewView re-proposal, to be prepared and committed in the new view. */
    static final int INSTALL_REPROPOSAL = 1;
    /** {@link #installMode}: a batch f+1 peers reported committed (catch-up). */
    static final int INSTALL_FETCHED = 2;

    private final int nodeCount;
    private final ExpandableArrayBuffer batch = new ExpandableArrayBuffer(BATCH_PREFIX + 64 * REF_LENGTH);
    private final byte[] digest = new byte[DIGEST_LENGTH];
    private final byte[] prepareVotes;
    private final boolean[] prepared;
    private final byte[] commitVotes;
    private final boolean[] committed;
    private final ExpandableArrayBuffer preparedRefs = new ExpandableArrayBuffer(64 * REF_LENGTH);
    private final byte[] preparedDigest = new byte[DIGEST_LENGTH];
    private final byte[] expectedDigest = new byte[DIGEST_LENGTH];
    long seqNo;
    long preprepareView;
    long qView;
    private final byte[] qDigest = new byte[DIGEST_LENGTH];
    boolean hasPrepared;
    long preparedView;
    int preparedCount;
    boolean preparedFill;
    int installMode;
    boolean marked;
    int hashGeneration;
    int requestCount;
    boolean hasBatch;
    boolean waitingForRequests;
    boolean hasDigest;
    boolean sentCommit;
    boolean isCommitted;
    boolean isDelivered;

    /**
     * @param nodeCount number of nodes voting.
     */
    public PbftSlot(final int nodeCount)
    {
        this.nodeCount = nodeCount;
        prepareVotes = new byte[nodeCount * DIGEST_LENGTH];
        prepared = new boolean[nodeCount];
        commitVotes = new byte[nodeCount * DIGEST_LENGTH];
        committed = new boolean[nodeCount];
    }

    /**
     * Forget everything and take a new sequence number.
     *
     * @param seqNo the slot's sequence number.
     */
    public void reset(final long seqNo)
    {
        this.seqNo = seqNo;
        requestCount = 0;
        hasBatch = false;
        waitingForRequests = false;
        hasDigest = false;
        sentCommit = false;
        isCommitted = false;
        isDelivered = false;
        preprepareView = 0;
        qView = -1;
        hasPrepared = false;
        installMode = INSTALL_NONE;
        marked = false;
        java.util.Arrays.fill(prepared, false);
        java.util.Arrays.fill(committed, false);
        batch.putLong(0, seqNo);
    }

    /**
     * @return sequence number.
     */
    public long seqNo()
    {
        return seqNo;
    }

    /**
     * @return buffer holding the sequence number then {@link #requestCount()} references.
     */
    public MutableDirectBuffer batch()
    {
        return batch;
    }

    /**
     * @return length of the hashed batch bytes (prefix and references).
     */
    public int batchLength()
    {
        return BATCH_PREFIX + requestCount * REF_LENGTH;
    }

    /**
     * @return number of requests in the batch.
     */
    public int requestCount()
    {
        return requestCount;
    }

    /**
     * @param index reference index.
     * @return client id of that reference.
     */
    public long clientId(final int index)
    {
        return batch.getLong(BATCH_PREFIX + index * REF_LENGTH);
    }

    /**
     * @param index reference index.
     * @return request number of that reference.
     */
    public long requestNo(final int index)
    {
        return batch.getLong(BATCH_PREFIX + index * REF_LENGTH + 8);
    }

    /**
     * @param index reference index.
     * @return offset of that reference's request digest in {@link #batch()}.
     */
    public int requestDigestOffset(final int index)
    {
        return BATCH_PREFIX + index * REF_LENGTH + 16;
    }

    /**
     * @return true once the batch is pre-prepared (digest known).
     */
    public boolean hasDigest()
    {
        return hasDigest;
    }

    /**
     * @return the batch digest (valid when {@link #hasDigest()}).
     */
    public byte[] digest()
    {
        return digest;
    }

    /**
     * @return true while the accepted batch waits for requests this node has not received.
     */
    public boolean isWaitingForRequests()
    {
        return waitingForRequests;
    }

    /**
     * @return true once this node prepared the slot (and voted Commit).
     */
    public boolean isPrepared()
    {
        return sentCommit;
    }

    /**
     * @return true once committed.
     */
    public boolean isCommitted()
    {
        return isCommitted;
    }

    /**
     * @return true once delivered.
     */
    public boolean isDelivered()
    {
        return isDelivered;
    }

    /**
     * Set the number of references written into {@link #batch()} after the prefix (batch cutting).
     *
     * @param count number of references.
     */
    public void setRequestCount(final int count)
    {
        requestCount = count;
    }

    /**
     * @return true when the batch is an empty batch filled in by a view change.
     */
    public boolean isFill()
    {
        return (batch.getLong(0) & FILL_FLAG) != 0;
    }

    /**
     * @return true once this node saw 2f+1 matching prepares for some batch of the slot (in some view).
     */
    public boolean hasPrepared()
    {
        return hasPrepared;
    }

    /**
     * @return view in which the current batch was pre-prepared here (-1 when fetched from peers).
     */
    public long preprepareView()
    {
        return preprepareView;
    }

    void setFill(final boolean fill)
    {
        batch.putLong(0, fill ? seqNo | FILL_FLAG : seqNo);
    }

    /**
     * Remember the current batch as prepared in a view (the P set entry of view changes).
     */
    void recordPrepared(final long view)
    {
        hasPrepared = true;
        preparedView = view;
        preparedCount = requestCount;
        preparedFill = isFill();
        System.arraycopy(digest, 0, preparedDigest, 0, DIGEST_LENGTH);
        preparedRefs.putBytes(0, batch, BATCH_PREFIX, requestCount * REF_LENGTH);
    }

    /**
     * Remember the current batch as pre-prepared in a view (the Q set entry of view changes; kept when a later
     * view installs another batch until that one is pre-prepared).
     */
    void recordPreprepared(final long view)
    {
        qView = view;
        System.arraycopy(digest, 0, qDigest, 0, DIGEST_LENGTH);
    }

    byte[] qDigest()
    {
        return qDigest;
    }

    DirectBuffer preparedRefs()
    {
        return preparedRefs;
    }

    byte[] preparedDigest()
    {
        return preparedDigest;
    }

    byte[] expectedDigest()
    {
        return expectedDigest;
    }

    /**
     * Forget the votes of the previous view (the batch, its digest and the committed flag stay).
     */
    void clearVotes()
    {
        java.util.Arrays.fill(prepared, false);
        java.util.Arrays.fill(committed, false);
        sentCommit = false;
    }

    /**
     * Replace the batch by one to be checked against an expected digest (re-proposal or fetched).
     */
    void install(final DirectBuffer refs, final int offset, final int count, final boolean fill,
        final DirectBuffer expected, final int expectedOffset, final int mode)
    {
        setFill(fill);
        if (count > 0)
        {
            batch.putBytes(BATCH_PREFIX, refs, offset, count * REF_LENGTH);
        }
        requestCount = count;
        hasBatch = true;
        hasDigest = false;
        waitingForRequests = false;
        installMode = mode;
        if (expected != null)
        {
            expected.getBytes(expectedOffset, expectedDigest, 0, DIGEST_LENGTH);
        }
    }

    /**
     * @return a new generation for a hash request of the batch: an answer for an older generation is ignored.
     */
    public int nextHashGeneration()
    {
        hashGeneration = (hashGeneration + 1) & 0xFFFF;
        return hashGeneration;
    }

    /**
     * @return generation of the latest hash request.
     */
    public int hashGeneration()
    {
        return hashGeneration;
    }

    boolean digestEquals(final byte[] other)
    {
        return java.util.Arrays.equals(digest, other);
    }

    void setBatch(final DirectBuffer refs, final int offset, final int count)
    {
        batch.putBytes(BATCH_PREFIX, refs, offset, count * REF_LENGTH);
        requestCount = count;
        hasBatch = true;
    }

    void setDigest(final DirectBuffer source, final int offset)
    {
        source.getBytes(offset, digest, 0, DIGEST_LENGTH);
        hasDigest = true;
    }

    boolean votePrepare(final int node, final DirectBuffer source, final int offset)
    {
        return vote(prepared, prepareVotes, node, source, offset);
    }

    boolean voteCommit(final int node, final DirectBuffer source, final int offset)
    {
        return vote(committed, commitVotes, node, source, offset);
    }

    int matchingPrepares()
    {
        return matching(prepared, prepareVotes);
    }

    int matchingCommits()
    {
        return matching(committed, commitVotes);
    }

    private boolean vote(
        final boolean[] voted, final byte[] votes, final int node, final DirectBuffer source, final int offset)
    {
        if (node < 0 || node >= nodeCount || voted[node])
        {
            return false;
        }
        voted[node] = true;
        source.getBytes(offset, votes, node * DIGEST_LENGTH, DIGEST_LENGTH);
        return true;
    }

    private int matching(final boolean[] voted, final byte[] votes)
    {
        if (!hasDigest)
        {
            return 0;
        }
        int count = 0;
        for (int node = 0; node < nodeCount; node++)
        {
            if (voted[node] && java.util.Arrays.equals(
                votes, node * DIGEST_LENGTH, (node + 1) * DIGEST_LENGTH, digest, 0, DIGEST_LENGTH))
            {
                count++;
            }
        }
        return count;
    }
}
