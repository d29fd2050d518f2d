package io.jmir.protocols.iss;

/**
 * A point-in-time copy of an {@link IssModule}'s crash-recovery and state-transfer counters (ADR 0014).
 * <p>
 * <b>Threading:</b> immutable. Taken on the module's thread (or when the node is stopped).
 *
 * @param recoveredEntries          WAL entries replayed at start.
 * @param malformedEntries          replayed entries that did not decode (skipped).
 * @param stateRequests             StateRequests this node sent (it was behind or silent).
 * @param certificatesRejected      certificates refused: malformed, fewer than 2f+1 signers, bad signature.
 * @param badChunks                 chunks refused (wrong offset, size or total length) and their peer skipped.
 * @param badSnapshots              fetched data whose digest was not the certified one; the peer was skipped.
 * @param installs                  checkpoints installed by state transfer.
 * @param adoptions                 certificates adopted for an epoch this node had delivered itself.
 * @param served                    certificates and chunks this node served to peers.
 * @param installsRefused           fetched data refused: too large to hash in one event, or verified but not
 *                                  decodable / of another epoch at install.
 * @param invalidCheckpointVotes    peers' SignedCheckpoints whose signature did not verify.
 * @param throttledStateRequests    peers' StateRequests dropped because that peer was answered less than half a
 *                                  state-transfer timeout ago.
 * @param fetchesAbandoned          fetches given up because no peer served the certified data any more (they
 *                                  moved past that checkpoint): the node asked for the newest certificate instead.
 */
public record IssRecoveryStats(
    long recoveredEntries,
    long malformedEntries,
    long stateRequests,
    long certificatesRejected,
    long badChunks,
    long badSnapshots,
    long installs,
    long adoptions,
    long served,
    long installsRefused,
    long invalidCheckpointVotes,
    long throttledStateRequests,
    long fetchesAbandoned)
{
}
