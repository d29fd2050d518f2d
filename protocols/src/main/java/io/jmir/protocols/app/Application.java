package io.jmir.protocols.app;

/**
 * A replicated state machine: what the ordering protocol drives.
 * <p>
 * <b>Threading:</b> every method is called by one thread at a time — the thread of the {@link ApplicationModule}'s
 * stage (pipeline runtime) or the simulation thread — never concurrently, in protocol order: batches in
 * sequence-number order, a {@link #snapshot()} exactly after the batch it covers, {@link #restore} instead of the
 * batches a snapshot covers. An application must be deterministic (no clocks, randomness, I/O, iteration over
 * unordered hash structures whose order depends on identity hashes) and must not block; it needs no
 * synchronisation for its own state but must not share it with other threads without publication.
 */
public interface Application
{
    /**
     * Apply one ordered batch.
     *
     * @param seqNo   sequence number of the batch.
     * @param batch   the requests, valid only during the call.
     * @param results where to write one result per request (index aligned with the batch); a request without a
     *                result written gets an empty result.
     */
    void apply(long seqNo, Batch batch, Results results);

    /**
     * @return the state after the last applied batch, as bytes that {@link #restore} accepts. Called at every
     * epoch end; keep it compact (it must fit in one event to the protocol module).
     */
    byte[] snapshot();

    /**
     * Replace the state by a snapshot (state transfer).
     *
     * @param snapshot bytes from {@link #snapshot()} of some replica.
     * @throws IllegalArgumentException when the bytes are not a valid snapshot.
     */
    void restore(byte[] snapshot);
}
