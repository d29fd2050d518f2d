package io.jmir.engine.modules.timer;

import io.jmir.codecs.EngineEvents;
import io.jmir.codecs.EnvelopeLayout;
import io.jmir.codecs.engine.MessageHeaderEncoder;
import io.jmir.codecs.engine.TickEncoder;
import io.jmir.codecs.engine.TimerCancelDecoder;
import io.jmir.codecs.engine.TimerFiredEncoder;
import io.jmir.codecs.engine.TimerSetDecoder;
import io.jmir.engine.ConfigurationException;
import io.jmir.engine.Emitter;
import io.jmir.engine.Event;
import io.jmir.engine.EventBuilder;
import io.jmir.engine.Module;
import io.jmir.engine.ModuleContext;

import java.util.Arrays;

/**
 * The {@code timer} module: one-shot and periodic timers for the modules of a node, and optional periodic
 * Tick events.
 * <ul>
 *   <li>TimerSet{timerId, delayNs, periodNs} arms a timer owned by the emitting module; timer ids are per
 *   owner. Setting an existing timer again re-arms it (new delay and period, fire count back to 0). A
 *   periodic timer ({@code periodNs > 0}) fires every period after its first firing; when a duty cycle comes
 *   late, missed periods are skipped rather than fired in a burst. Negative delays or periods are malformed
 *   and dropped.</li>
 *   <li>TimerCancel{timerId} disarms it; unknown ids are ignored.</li>
 *   <li>Due timers fire in {@link #doWork} as TimerFired{timerId, nowNs, fireCount} to their owner, in deadline
 *   order (ties in the order they were set).</li>
 *   <li>With a tick period configured ({@link Context#tickPeriodNs}), Tick{nowNs, tickCount} goes to each
 *   configured module every period, counted from 1, the first one period after the first duty cycle.</li>
 * </ul>
 * <b>Time base.</b> Whatever {@link #doWork(long, Emitter)} is called with: {@code System.nanoTime()} in the
 * pipeline runtime, virtual time in simulation. Events carry no time, so a timer set by an event is armed at
 * the next duty cycle — its delay counts from there — and {@link #nextDeadlineNs()} returns 0 until then. After
 * that it returns the earliest deadline (of a timer or the next tick) so a simulation can jump straight to it.
 * <p>
 * Nothing is allocated in steady state (primitive arrays and maps, codecs as fields). At most
 * {@link Context#maxTimers} timers exist at once; further TimerSets are counted ({@link #rejectedTimers()}) and
 * dropped.
 * <p>
 * <b>Threading:</b> callbacks on the module's thread; counters are plain fields, read them there or after the
 * node stopped.
 */
public final class TimerModule implements Module
{
    /** Most timers fired in one duty cycle; the rest fire in the next (the deadline stays due). */
    public static final int MAX_FIRES_PER_DUTY_CYCLE = 1024;

    /**
     * Configuration of a {@link TimerModule}. Fluent setters; {@link #conclude()} validates.
     */
    public static final class Context
    {
        /** Default bound on timers existing at once. */
        public static final int DEFAULT_MAX_TIMERS = 65536;

        private long tickPeriodNs;
        private String[] tickDestinations = new String[0];
        private int maxTimers = DEFAULT_MAX_TIMERS;

        /**
         * @param tickPeriodNs period of Tick events, 0 (default) for none.
         * @return this.
         */
        public Context tickPeriodNs(final long tickPeriodNs)
        {
            this.tickPeriodNs = tickPeriodNs;
            return this;
        }

        /**
         * @return period of Tick events, 0 for none.
         */
        public long tickPeriodNs()
        {
            return tickPeriodNs;
        }

        /**
         * @param moduleNames modules that receive every Tick.
         * @return this.
         */
        public Context tickDestinations(final String... moduleNames)
        {
            this.tickDestinations = moduleNames.clone();
            return this;
        }

        /**
         * @return modules that receive every Tick (a copy).
         */
        public String[] tickDestinations()
        {
            return tickDestinations.clone();
        }

        /**
         * @param maxTimers most timers existing at once.
         * @return this.
         */
        public Context maxTimers(final int maxTimers)
        {
            this.maxTimers = maxTimers;
            return this;
        }

        /**
         * @return most timers existing at once.
         */
        public int maxTimers()
        {
            return maxTimers;
        }

        /**
         * Validate.
         *
         * @return this.
         * @throws ConfigurationException naming {@code timer.tickPeriodNs}, {@code timer.tickDestinations} or
         * {@code timer.maxTimers} when invalid.
         */
        public Context conclude()
        {
            if (tickPeriodNs < 0)
            {
                throw new ConfigurationException("timer.tickPeriodNs", "must be >= 0, was " + tickPeriodNs);
            }
            if (tickPeriodNs > 0 && tickDestinations.length == 0)
            {
                throw new ConfigurationException("timer.tickDestinations", "a tick period needs destinations");
            }
            if (tickPeriodNs == 0 && tickDestinations.length > 0)
            {
                throw new ConfigurationException("timer.tickPeriodNs",
                    "tick destinations " + Arrays.toString(tickDestinations) + " need a tick period > 0");
            }
            if (maxTimers < 1)
            {
                throw new ConfigurationException("timer.maxTimers", "must be >= 1, was " + maxTimers);
            }
            return this;
        }
    }

    private static final long UNSET = Long.MIN_VALUE;

    private final TimerSetDecoder setDecoder = new TimerSetDecoder();
    private final TimerCancelDecoder cancelDecoder = new TimerCancelDecoder();
    private final TimerFiredEncoder firedEncoder = new TimerFiredEncoder();
    private final TickEncoder tickEncoder = new TickEncoder();
    private final MessageHeaderEncoder headerEncoder = new MessageHeaderEncoder();
    private final Context context;
    private final TimerTable timers;
    private int[] tickDestinationIds = new int[0];
    private long nextTickNs = UNSET;
    private long tickCount;
    private long timersSet;
    private long timersCancelled;
    private long timersFired;
    private long rejectedTimers;
    private long malformedEvents;
    private long ignoredEvents;

    /**
     * A timer without ticks.
     */
    public TimerModule()
    {
        this(new Context());
    }

    /**
     * @param context configuration (validated here).
     */
    public TimerModule(final Context context)
    {
        this.context = context.conclude();
        this.timers = new TimerTable(context.maxTimers());
    }

    /**
     * Resolve the tick destinations.
     *
     * @param moduleContext of the node.
     */
    @Override
    public void onAttach(final ModuleContext moduleContext)
    {
        final String[] names = context.tickDestinations();
        tickDestinationIds = new int[names.length];
        for (int i = 0; i < names.length; i++)
        {
            tickDestinationIds[i] = moduleContext.moduleId(names[i]);
        }
    }

    /**
     * {@inheritDoc}
     */
    @Override
    public void onEvent(final Event event, final Emitter emitter)
    {
        if (event.schemaId() != EnvelopeLayout.ENGINE_SCHEMA_ID)
        {
            ignoredEvents++;
            return;
        }
        final int templateId = event.templateId();
        if (templateId == EngineEvents.TIMER_SET)
        {
            onTimerSet(event);
        }
        else if (templateId == EngineEvents.TIMER_CANCEL)
        {
            onTimerCancel(event);
        }
        else if (templateId != EngineEvents.INIT)
        {
            ignoredEvents++;
        }
    }

    /**
     * Arm timers set since the last call, fire due timers, emit a due tick.
     *
     * @param nowNs   current time.
     * @param emitter to emit with.
     * @return events emitted plus timers armed.
     */
    @Override
    public int doWork(final long nowNs, final Emitter emitter)
    {
        int work = 0;
        if (timers.hasPending())
        {
            timers.armPending(nowNs);
            work++;
        }
        while (timers.earliestDeadline() <= nowNs && work < MAX_FIRES_PER_DUTY_CYCLE)
        {
            final int slot = timers.fireEarliest(nowNs);
            final EventBuilder builder = emitter.event(timers.owner(slot));
            builder.payload(firedEncoder.wrapAndApplyHeader(builder.buffer(), builder.payloadOffset(), headerEncoder)
                .timerId(timers.timerId(slot))
                .nowNs(nowNs)
                .fireCount(timers.fireCount(slot)))
                .commit();
            timersFired++;
            work++;
        }
        return work + tick(nowNs, emitter);
    }

    /**
     * @return 0 while timers wait to be armed (or ticks to start), else the earliest deadline of a timer or tick.
     */
    @Override
    public long nextDeadlineNs()
    {
        if (timers.hasPending())
        {
            return 0;
        }
        if (tickDestinationIds.length > 0)
        {
            if (nextTickNs == UNSET)
            {
                return 0;
            }
            return Math.min(nextTickNs, timers.earliestDeadline());
        }
        return timers.earliestDeadline();
    }

    /**
     * @return timers existing (pending or armed).
     */
    public int activeTimers()
    {
        return timers.active();
    }

    /**
     * @return slots allocated for timers so far (grows to the most timers that existed at once).
     */
    public int timerSlotCapacity()
    {
        return timers.slotCapacity();
    }

    /**
     * @return TimerSets accepted.
     */
    public long timersSet()
    {
        return timersSet;
    }

    /**
     * @return TimerCancels that cancelled a timer.
     */
    public long timersCancelled()
    {
        return timersCancelled;
    }

    /**
     * @return TimerFired events emitted.
     */
    public long timersFired()
    {
        return timersFired;
    }

    /**
     * @return Tick rounds emitted (one round reaches every destination).
     */
    public long ticks()
    {
        return tickCount;
    }

    /**
     * @return TimerSets dropped because {@link Context#maxTimers} timers existed.
     */
    public long rejectedTimers()
    {
        return rejectedTimers;
    }

    /**
     * @return TimerSets/TimerCancels that were too short or had negative times, dropped.
     */
    public long malformedEvents()
    {
        return malformedEvents;
    }

    /**
     * @return other events, and timer events from outside the node, ignored.
     */
    public long ignoredEvents()
    {
        return ignoredEvents;
    }

    private void onTimerSet(final Event event)
    {
        if (event.source() == EventBuilder.EXTERNAL_SOURCE)
        {
            ignoredEvents++;
            return;
        }
        if (event.blockLength() < TimerSetDecoder.BLOCK_LENGTH)
        {
            malformedEvents++;
            return;
        }
        final TimerSetDecoder set = event.decode(setDecoder);
        final long delayNs = set.delayNs();
        final long periodNs = set.periodNs();
        if (delayNs < 0 || periodNs < 0)
        {
            malformedEvents++;
            return;
        }
        if (timers.set(event.source(), set.timerId(), delayNs, periodNs) < 0)
        {
            rejectedTimers++;
            return;
        }
        timersSet++;
    }

    private void onTimerCancel(final Event event)
    {
        if (event.blockLength() < TimerCancelDecoder.BLOCK_LENGTH)
        {
            malformedEvents++;
            return;
        }
        if (timers.cancel(event.source(), event.decode(cancelDecoder).timerId()))
        {
            timersCancelled++;
        }
    }

    private int tick(final long nowNs, final Emitter emitter)
    {
        if (tickDestinationIds.length == 0)
        {
            return 0;
        }
        final long periodNs = context.tickPeriodNs();
        if (nextTickNs == UNSET)
        {
            nextTickNs = TimerTable.saturatedAdd(nowNs, periodNs);
            return 1;
        }
        if (nowNs < nextTickNs)
        {
            return 0;
        }
        tickCount++;
        for (final int destination : tickDestinationIds)
        {
            final EventBuilder builder = emitter.event(destination);
            builder.payload(tickEncoder.wrapAndApplyHeader(builder.buffer(), builder.payloadOffset(), headerEncoder)
                .nowNs(nowNs)
                .tickCount(tickCount))
                .commit();
        }
        nextTickNs = TimerTable.saturatedAdd(nextTickNs, periodNs);
        if (nextTickNs <= nowNs)
        {
            nextTickNs = TimerTable.saturatedAdd(nowNs, periodNs);
        }
        return tickDestinationIds.length;
    }
}
