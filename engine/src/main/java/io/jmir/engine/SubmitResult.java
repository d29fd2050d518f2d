package io.jmir.engine;

/**
 * Outcome of {@link Node#submit}: back-pressure is a return code, never an exception or a blocked caller.
 */
public enum SubmitResult
{
    /** The event is in the destination's ring. */
    ACCEPTED,
    /** The node is saturated (ring above its submit headroom, or overflow above its limit): retry later. */
    BACK_PRESSURED,
    /** Never acceptable as given: node not running, unknown destination, malformed or oversize event. */
    REJECTED
}
