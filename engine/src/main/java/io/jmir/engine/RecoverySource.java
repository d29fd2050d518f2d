package io.jmir.engine;

/**
 * A module that replays persisted state when its node starts (the WAL). After the Init event of every
 * module has been queued and before the node accepts any other input (submissions, network), the engine
 * calls {@link #recover(Emitter)} once; what it emits is queued behind the Init events and ahead of every
 * later input.
 * <p>
 * <b>Threading:</b> called on the thread that starts the node, before the module's stage thread starts.
 */
public interface RecoverySource
{
    /**
     * Emit the recovered entries (e.g. WalEntryLoaded events to the protocol).
     *
     * @param emitter of the module's own stage.
     */
    void recover(Emitter emitter);
}
