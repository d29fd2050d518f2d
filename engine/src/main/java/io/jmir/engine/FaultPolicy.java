package io.jmir.engine;

/**
 * What a node does when a module throws from a callback. In both cases the failure is reported once with
 * the node id, module name and event type ({@link ModuleFailure}), the failed event's follow-ups are not
 * released, and the failed module never receives another event. The engine never continues with a module
 * whose state may be corrupt.
 */
public enum FaultPolicy
{
    /**
     * Default. The node stops cleanly: every stage finishes its current event, modules get
     * {@link Module#onClose()}, threads exit; {@link Node#failure()} holds the cause and submissions are
     * rejected. Right for protocols, where a half-updated state machine must not go on.
     */
    STOP_NODE,

    /**
     * The failed module is isolated: events addressed to it are dropped and counted
     * ({@link NodeCounters.Counter#EVENTS_TO_FAILED_MODULE}); the other modules keep running. Right for
     * optional modules (metrics, debugging taps) whose loss the node tolerates.
     */
    ISOLATE_MODULE
}
