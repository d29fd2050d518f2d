package io.jmir.engine;

/**
 * How a stage thread waits when it has no work. On small machines keep {@link #BLOCKING}: the other modes
 * burn a core each.
 */
public enum IdleMode
{
    /** Park until an event is published to one of the thread's rings or a module deadline is due. Default. */
    BLOCKING,
    /** Spin briefly, yield, then park with exponential back-off up to 1 ms. */
    SLEEPING,
    /** {@link Thread#yield()} between polls. */
    YIELDING,
    /** Busy spin. Only with a dedicated (ideally pinned) core per thread. */
    BUSY_SPIN
}
