package io.jmir.protocols.iss;

/**
 * A point-in-time copy of an {@link IssModule}'s progress and state sizes: what tests and monitoring check to see
 * that memory stays bounded over many epochs.
 * <p>
 * <b>Threading:</b> immutable. Taken on the module's thread (or when the node is stopped).
 *
 * @param currentEpoch     epoch the node is in (-1 before start).
 * @param stableEpoch      last epoch whose checkpoint is stable (-1 when none).
 * @param nextDeliver      next sequence number to deliver.
 * @param delivered        requests delivered.
 * @param liveEpochs       epoch states held.
 * @param heldRequests     requests held in client windows.
 * @param queuedEntries    entries in bucket queues.
 * @param bufferedBytes    bytes of future-epoch messages buffered.
 * @param liveCheckpoints  checkpoint trackers above the stable checkpoint.
 * @param rejectedMessages protocol messages rejected or ignored.
 * @param droppedRequests  ready requests not admitted (duplicate or outside the watermarks).
 * @param recoveredEntries WAL entries replayed at start (ADR 0014; details in {@link IssRecoveryStats}).
 * @param timerFirings     TimerFired events received.
 * @param proposals        batches this node proposed as a leader.
 * @param viewChanges      view changes this node started (ADR 0013).
 * @param droppedFuture    protocol messages dropped because their epoch lies beyond the next one.
 * @param droppedOverLimit next-epoch messages dropped because their sender's buffer share was full.
 * @param maxBufferedByPeer most bytes of next-epoch messages buffered for one sender.
 * @param catchUpRequests  SlotRequests sent (catch-up of missed slots).
 * @param catchUpInstalls  batches installed from f+1 matching SlotReplies.
 */
public record IssStats(
    long currentEpoch,
    long stableEpoch,
    long nextDeliver,
    long delivered,
    int liveEpochs,
    long heldRequests,
    long queuedEntries,
    long bufferedBytes,
    int liveCheckpoints,
    long rejectedMessages,
    long droppedRequests,
    long recoveredEntries,
    long timerFirings,
    long proposals,
    long viewChanges,
    long droppedFuture,
    long droppedOverLimit,
    int maxBufferedByPeer,
    long catchUpRequests,
    long catchUpInstalls)
{
}
