package io.jmir.protocols.pbft;

/**
 * What a PBFT orderer asks of its host (ISS): validation of proposed requests against the host's request pool,
 * batch cutting, hashing through the hasher module, and persisting before sending (WAL append whose follow-ups
 * send the messages). Mir's ISS gives its orderers the same services through events.
 * <p>
 * <b>Threading:</b> called on the protocol module's thread, inside its event handling.
 */
public interface OrdererOutput
{
    /** {@link #checkBatch} result: every request is known, in the leader's buckets, new. */
    int BATCH_VALID = 0;
    /** {@link #checkBatch} result: some request has not arrived here yet (wait for it). */
    int BATCH_MISSING = 1;
    /** {@link #checkBatch} result: the batch breaks a rule (wrong bucket, duplicate, outside watermarks). */
    int BATCH_INVALID = 2;

    /**
     * Check the requests of a batch proposed by the orderer's leader.
     *
     * @param orderer the orderer.
     * @param slot    holding the batch.
     * @return {@link #BATCH_VALID}, {@link #BATCH_MISSING} or {@link #BATCH_INVALID}.
     */
    int checkBatch(PbftOrderer orderer, PbftSlot slot);

    /**
     * The batch of the slot was accepted: its requests are now proposed.
     *
     * @param slot the slot.
     */
    default void acceptBatch(final PbftSlot slot)
    {
    }

    /**
     * Fill the slot with a batch cut from the leader's buckets (leader only).
     *
     * @param orderer the orderer.
     * @param slot    to fill.
     */
    void cutBatch(PbftOrderer orderer, PbftSlot slot);

    /**
     * Ask the hasher for the digest of the slot's batch; the answer comes back as
     * {@link PbftOrderer#onBatchDigest}.
     *
     * @param slot the slot.
     */
    void hashBatch(PbftSlot slot);

    /**
     * Persist the accepted pre-prepare, then send it to the other nodes (leader only) and a Prepare to all; a batch
     * fetched from peers (catch-up, {@link PbftSlot#preprepareView()} -1) is only persisted.
     *
     * @param orderer  the orderer.
     * @param slot     the slot.
     * @param asLeader true when this node proposed the batch.
     */
    void persistPreprepare(PbftOrderer orderer, PbftSlot slot, boolean asLeader);

    /**
     * Persist that the slot prepared, then send a Commit to all.
     *
     * @param orderer the orderer.
     * @param slot    the slot.
     */
    void persistPrepared(PbftOrderer orderer, PbftSlot slot);

    /**
     * The slot committed locally.
     *
     * @param orderer the orderer.
     * @param slot    the slot.
     */
    void committed(PbftOrderer orderer, PbftSlot slot);

    /**
     * Check the requests of a batch installed by a view change (re-proposal) or fetched from peers: every request
     * must be known here and not delivered; bucket rules do not apply (the batch was validated when it was first
     * proposed). On {@link #BATCH_VALID} the requests are marked proposed.
     *
     * @param orderer the orderer.
     * @param slot    holding the batch.
     * @return {@link #BATCH_VALID}, {@link #BATCH_MISSING} or {@link #BATCH_INVALID}.
     */
    int checkInstalled(PbftOrderer orderer, PbftSlot slot);

    /**
     * The slot's accepted batch is replaced (view change or catch-up): its requests become proposable again.
     *
     * @param slot the slot, still holding the old batch.
     */
    void releaseBatch(PbftSlot slot);

    /**
     * Send a protocol message of this schema to the other nodes (and to this node when asked).
     *
     * @param buffer      holding the message, header included.
     * @param offset      of the message.
     * @param length      of the message.
     * @param includeSelf true to deliver it to this node too (through the net module).
     */
    void broadcast(org.agrona.DirectBuffer buffer, int offset, int length, boolean includeSelf);
}
