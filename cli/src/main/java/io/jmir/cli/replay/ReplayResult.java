package io.jmir.cli.replay;

/**
 * Outcome of a replay. Immutable.
 *
 * @param sessions           node sessions (starts) replayed.
 * @param inputs             input events fed to the fresh module instances.
 * @param recordedOutputs    outputs of the module found in the log (top-level emissions, follow-ups excluded).
 * @param matched            replayed outputs identical, byte for byte, to the recorded ones.
 * @param unconfirmed        replayed outputs beyond the end of the recording for their destination (the run
 *                           stopped before they were dispatched); not a divergence.
 * @param divergence         description of the first divergence (both versions decoded), null when none.
 */
public record ReplayResult(
    int sessions,
    long inputs,
    long recordedOutputs,
    long matched,
    long unconfirmed,
    String divergence)
{
    /**
     * @return true when the module reproduced every recorded output.
     */
    public boolean matches()
    {
        return divergence == null;
    }
}
