package io.jmir.engine.internal;

import io.jmir.codecs.EnvelopeLayout;
import io.jmir.codecs.EnvelopeValidator;
import io.jmir.engine.Emitter;
import io.jmir.engine.Event;
import io.jmir.engine.EventBuilder;
import io.jmir.engine.EventInterceptor;
import io.jmir.engine.EventTooLargeException;
import io.jmir.engine.Module;
import io.jmir.engine.ModuleFailure;
import io.jmir.engine.NodeCounters;
import io.jmir.engine.NodeDefinition;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Delivers events to modules the same way in every runtime: validate (here, or where the runtime's queues are
 * filled), skip failed modules, call the module,
 * turn a throw into a {@link ModuleFailure}, hand follow-ups to the runtime. Internal API.
 * <p>
 * <b>Threading:</b> one instance per thread that dispatches (a stage, or the simulation); not thread safe.
 */
public final class Dispatcher
{
    /**
     * Receives failures; the runtime applies its {@link io.jmir.engine.FaultPolicy}.
     */
    @FunctionalInterface
    public interface FailureListener
    {
        /**
         * @param host    module that failed (already marked failed).
         * @param failure what happened.
         */
        void onFailure(ModuleHost host, ModuleFailure failure);
    }

    /**
     * Takes released follow-up envelopes, each complete with its own nested follow-ups.
     */
    @FunctionalInterface
    public interface FollowUpTarget
    {
        /**
         * @param buffer holding the envelope.
         * @param offset of its message header.
         * @param length of the envelope.
         */
        void forward(DirectBuffer buffer, int offset, int length);
    }

    /**
     * Slots of a ring laid out in one block of memory: slot {@code i} at {@code address() + i * slotCapacity()},
     * the length of its envelope at {@code lengths()[i]}.
     */
    public interface SlotSource
    {
        /**
         * @return envelope length per slot index (0: an abandoned claim).
         */
        int[] lengths();

        /**
         * @return address of slot 0.
         */
        long address();

        /**
         * @return number of slots - 1 (a power of two - 1).
         */
        int mask();

        /**
         * @return bytes per slot.
         */
        int slotCapacity();
    }

    private final Event event = new Event();
    private final EnvelopeValidator validator;
    private final NodeDefinition definition;
    private final NodeCounters counters;
    private final FailureListener failureListener;
    private final int moduleCount;
    private final EventInterceptor interceptor;
    private final boolean validateOnDispatch;

    /**
     * A dispatcher that validates every envelope before delivering it.
     *
     * @param definition      of the node.
     * @param counters        to count anomalies in.
     * @param failureListener told about module failures.
     */
    public Dispatcher(
        final NodeDefinition definition, final NodeCounters counters, final FailureListener failureListener)
    {
        this(definition, counters, failureListener, true);
    }

    /**
     * @param definition         of the node.
     * @param counters           to count anomalies in.
     * @param failureListener    told about module failures.
     * @param validateOnDispatch true to validate every envelope before delivering it; false only for a runtime
     *                           that validates every envelope where it enters its queues (at emission, submission
     *                           and from the network), so that nothing unvalidated can reach a dispatch.
     */
    public Dispatcher(
        final NodeDefinition definition,
        final NodeCounters counters,
        final FailureListener failureListener,
        final boolean validateOnDispatch)
    {
        this.validateOnDispatch = validateOnDispatch;
        this.definition = definition;
        this.validator = new EnvelopeValidator(definition.schemas());
        this.counters = counters;
        this.failureListener = failureListener;
        this.moduleCount = definition.moduleCount();
        this.interceptor = definition.interceptor();
    }

    /**
     * Validate and deliver one envelope to its module.
     *
     * @param host      module the envelope is addressed to.
     * @param buffer    holding the envelope.
     * @param offset    of the envelope.
     * @param length    of the envelope.
     * @param emitter   the module emits through.
     * @param builder   behind the emitter (checked for events left open).
     * @param followUps where released follow-ups go (immediately, or a deferral buffer for batching modules).
     * @param nowNs     timestamp for the interceptor (wall clock epoch ns, or virtual time).
     * @return true when the module processed the event.
     */
    public boolean dispatch(
        final ModuleHost host,
        final DirectBuffer buffer,
        final int offset,
        final int length,
        final Emitter emitter,
        final EventBuilder builder,
        final FollowUpTarget followUps,
        final long nowNs)
    {
        if (validateOnDispatch)
        {
            final EnvelopeValidator.Result result = validator.validate(buffer, offset, length, moduleCount);
            if (result != EnvelopeValidator.Result.OK)
            {
                counters.malformed(result);
                return false;
            }
        }
        if (host.failedOnOwner())
        {
            counters.increment(NodeCounters.Counter.EVENTS_TO_FAILED_MODULE);
            return false;
        }
        if (interceptor != null)
        {
            interceptor.onDispatch(definition.nodeId(), host.id(), buffer, offset, length, nowNs);
        }
        event.wrap(buffer, offset, length);
        try
        {
            host.module().onEvent(event, emitter);
        }
        catch (final Throwable ex)
        {
            fail(host, eventName(buffer, offset), ex, builder);
            return false;
        }
        if (builder.isOpen())
        {
            failOpen(host, buffer, offset, builder);
            return false;
        }
        if (event.followUpsLength() > 0)
        {
            releaseFollowUps(buffer, event.followUpsOffset(), event.followUpsLength(), followUps);
        }
        return true;
    }

    /**
     * Deliver a run of events from consecutive slots of a ring, in order: the pipeline runtime's per-event loop,
     * with {@link #dispatch}'s steps written out in it so that the loop, the envelope decoding and the module
     * call compile as one unit. Only for a runtime that validated every envelope where it entered the ring (this
     * does not validate); slots of length 0 (abandoned claims) are skipped.
     *
     * @param host      module the events are addressed to.
     * @param view      re-wrapped over each slot in turn; the {@link Event}'s buffer during the module's call.
     * @param slots     the ring's slots.
     * @param from      first sequence to deliver.
     * @param to        last sequence to deliver (inclusive).
     * @param emitter   the module emits through.
     * @param builder   behind the emitter (checked for events left open).
     * @param followUps where released follow-ups go (immediately, or a deferral buffer for batching modules).
     * @param nowNs     timestamp for the interceptor (wall clock epoch ns).
     */
    public void dispatchSlots(
        final ModuleHost host,
        final UnsafeBuffer view,
        final SlotSource slots,
        final long from,
        final long to,
        final Emitter emitter,
        final EventBuilder builder,
        final FollowUpTarget followUps,
        final long nowNs)
    {
        final Module module = host.module();
        final Event event = this.event;
        final int[] lengths = slots.lengths();
        final long address = slots.address();
        final int mask = slots.mask();
        final int capacity = slots.slotCapacity();
        for (long sequence = from; sequence <= to; sequence++)
        {
            final int index = (int)sequence & mask;
            final int length = lengths[index];
            if (length <= 0)
            {
                continue;
            }
            if (host.failedOnOwner())
            {
                counters.increment(NodeCounters.Counter.EVENTS_TO_FAILED_MODULE);
                continue;
            }
            view.wrap(address + (long)index * capacity, capacity);
            if (interceptor != null)
            {
                interceptor.onDispatch(definition.nodeId(), host.id(), view, 0, length, nowNs);
            }
            event.wrap(view, 0, length);
            try
            {
                module.onEvent(event, emitter);
            }
            catch (final Throwable ex)
            {
                fail(host, eventName(view, 0), ex, builder);
                continue;
            }
            if (builder.isOpen())
            {
                failOpen(host, view, 0, builder);
                continue;
            }
            if (event.followUpsLength() > 0)
            {
                releaseFollowUps(view, event.followUpsOffset(), event.followUpsLength(), followUps);
            }
        }
    }

    /**
     * Run a module's end-of-batch callback, turning a throw into a failure.
     *
     * @param host    the module.
     * @param emitter it emits through.
     * @param builder behind the emitter.
     * @return true when it completed.
     */
    public boolean endOfBatch(final ModuleHost host, final Emitter emitter, final EventBuilder builder)
    {
        if (host.failed())
        {
            return false;
        }
        try
        {
            host.module().onEndOfBatch(emitter);
        }
        catch (final Throwable ex)
        {
            fail(host, "onEndOfBatch", ex, builder);
            return false;
        }
        return checkClosed(host, "onEndOfBatch", builder);
    }

    /**
     * Run a module's duty cycle, turning a throw into a failure.
     *
     * @param host    the module.
     * @param nowNs   current time.
     * @param emitter it emits through.
     * @param builder behind the emitter.
     * @return work count.
     */
    public int doWork(final ModuleHost host, final long nowNs, final Emitter emitter, final EventBuilder builder)
    {
        if (host.failed())
        {
            return 0;
        }
        final int work;
        try
        {
            work = host.module().doWork(nowNs, emitter);
        }
        catch (final Throwable ex)
        {
            fail(host, "doWork", ex, builder);
            return 0;
        }
        return checkClosed(host, "doWork", builder) ? work : 0;
    }

    /**
     * Walk a follow-up list and hand each envelope to a target. A list that cannot be walked is counted and
     * the rest dropped.
     *
     * @param buffer holding the list.
     * @param offset of the first envelope.
     * @param length of the list.
     * @param target receiving each envelope.
     */
    public void releaseFollowUps(
        final DirectBuffer buffer, final int offset, final int length, final FollowUpTarget target)
    {
        final int end = offset + length;
        int cursor = offset;
        while (cursor < end)
        {
            if (end - cursor < EnvelopeLayout.OVERHEAD)
            {
                counters.increment(NodeCounters.Counter.MALFORMED_FOLLOW_UPS);
                return;
            }
            final int envelopeLength = EnvelopeLayout.totalLength(buffer, cursor);
            if (envelopeLength < EnvelopeLayout.OVERHEAD || envelopeLength > end - cursor)
            {
                counters.increment(NodeCounters.Counter.MALFORMED_FOLLOW_UPS);
                return;
            }
            target.forward(buffer, cursor, envelopeLength);
            cursor += envelopeLength;
        }
    }

    /**
     * @return the flyweight this dispatcher hands to modules (re-wrapped for every event it delivers).
     */
    public Event event()
    {
        return event;
    }

    /**
     * @return the definition of the node dispatched for.
     */
    public NodeDefinition definition()
    {
        return definition;
    }

    private void failOpen(
        final ModuleHost host, final DirectBuffer buffer, final int offset, final EventBuilder builder)
    {
        builder.abort();
        fail(host, eventName(buffer, offset),
            new IllegalStateException("module returned with an uncommitted event open"), builder);
    }

    private boolean checkClosed(final ModuleHost host, final String where, final EventBuilder builder)
    {
        if (builder.isOpen())
        {
            builder.abort();
            fail(host, where, new IllegalStateException("module returned with an uncommitted event open"), builder);
            return false;
        }
        return true;
    }

    private void fail(final ModuleHost host, final String where, final Throwable ex, final EventBuilder builder)
    {
        Throwable cause = ex;
        if (builder.isOpen())
        {
            final int destination = builder.destination();
            builder.abort();
            if (ex instanceof IndexOutOfBoundsException || ex instanceof EventTooLargeException)
            {
                cause = new EventTooLargeException("module '" + host.name() + "' emitted an event to '" +
                    moduleName(destination) + "' that exceeds the destination's slot capacity " +
                    "(raise slotCapacity or split the event)", ex);
            }
        }
        host.markFailed();
        counters.increment(NodeCounters.Counter.MODULE_FAILURES);
        failureListener.onFailure(host, new ModuleFailure(definition.nodeId(), host.name(), where, cause));
    }

    private String eventName(final DirectBuffer buffer, final int offset)
    {
        return definition.schemas().eventName(
            EnvelopeLayout.eventSchemaId(buffer, offset), EnvelopeLayout.eventTemplateId(buffer, offset));
    }

    private String moduleName(final int id)
    {
        return id >= 0 && id < moduleCount ? definition.moduleNames().get(id) : "module-" + id;
    }
}
