package io.jmir.engine;

/**
 * One concern of a node (net, hasher, crypto, protocol, app, WAL, ...). A module receives events one at a
 * time and emits events through an {@link Emitter}.
 * <p>
 * <b>Threading.</b> Every method of a module is called by one thread at a time: the thread of the stage the
 * module runs on (pipeline runtime) or the simulation thread. A module needs no synchronisation for its own
 * state. It must not block: anything slow is requested as an event and answered by another module.
 * <p>
 * <b>Events.</b> The {@link Event} passed to {@link #onEvent} is a flyweight over the ring slot; it and the
 * buffer behind it are valid only during the call. Copy what must be kept.
 * <p>
 * <b>Follow-ups.</b> Modules never see follow-up events. The engine releases the follow-ups of an event
 * after {@link #onEvent} returned for it, or — for modules whose {@link #holdsFollowUpsUntilEndOfBatch()} is
 * true (the WAL's group commit) — after {@link #onEndOfBatch} returned for the batch containing it.
 * <p>
 * <b>Failure.</b> A module that throws is reported with its name and the event type; the node's
 * {@link FaultPolicy} then stops the node or isolates the module. Follow-ups of the failed event are never
 * released.
 * <p>
 * <b>Determinism.</b> Protocol and application modules must be deterministic: no clocks, threads, randomness
 * or I/O; time arrives as Tick/TimerFired events.
 */
public interface Module
{
    /**
     * Called once when the node is built, before any event, on the thread that builds the node. Resolve the
     * ids of the modules this one emits to here ({@link ModuleContext#moduleId(String)}); an unknown name fails
     * the build with a {@link ConfigurationException} naming it.
     *
     * @param context of the node the module belongs to.
     */
    default void onAttach(final ModuleContext context)
    {
    }

    /**
     * Process one event. The first event a module receives is Init.
     *
     * @param event   flyweight over the event, valid only during this call.
     * @param emitter to emit events with; each emitted event must be committed before returning.
     */
    void onEvent(Event event, Emitter emitter);

    /**
     * Called after the last event of a batch taken from the module's ring (pipeline runtime) or after each
     * event (simulation runtime). I/O modules flush here.
     *
     * @param emitter to emit events with.
     */
    default void onEndOfBatch(final Emitter emitter)
    {
    }

    /**
     * @return true when the follow-ups of this module's events must wait until {@link #onEndOfBatch}
     * returned (group commit), false to release them right after {@link #onEvent}.
     */
    default boolean holdsFollowUpsUntilEndOfBatch()
    {
        return false;
    }

    /**
     * Duty cycle of an active module (timer, network): called by its stage thread between batches with the
     * current time, or by the simulation with virtual time when {@link #nextDeadlineNs()} is reached. Passive
     * modules keep the default.
     *
     * @param nowNs   current time in nanoseconds (monotonic; virtual in simulation).
     * @param emitter to emit events with.
     * @return amount of work done, 0 when idle.
     */
    default int doWork(final long nowNs, final Emitter emitter)
    {
        return 0;
    }

    /**
     * Earliest time at which {@link #doWork} has something to do. {@link Long#MAX_VALUE} (the default) means
     * never: the module is driven by events only. 0 means "poll me on every duty cycle" (I/O modules); a stage
     * thread hosting such a module backs off with short parks instead of blocking.
     *
     * @return deadline in the time base of {@link #doWork}.
     */
    default long nextDeadlineNs()
    {
        return Long.MAX_VALUE;
    }

    /**
     * Called once when the node stops, on the module's thread, after its last event.
     */
    default void onClose()
    {
    }
}
