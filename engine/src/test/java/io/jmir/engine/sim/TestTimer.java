package io.jmir.engine.sim;

import io.jmir.codecs.EngineEvents;
import io.jmir.codecs.EnvelopeLayout;
import io.jmir.codecs.engine.MessageHeaderEncoder;
import io.jmir.codecs.engine.TimerCancelDecoder;
import io.jmir.codecs.engine.TimerFiredEncoder;
import io.jmir.codecs.engine.TimerSetDecoder;
import io.jmir.engine.Emitter;
import io.jmir.engine.Event;
import io.jmir.engine.EventBuilder;
import io.jmir.engine.Module;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A tiny timer module for tests: TimerSet / TimerCancel in, TimerFired out to the setter, driven by
 * doWork(now) and nextDeadlineNs(). A timer set by an event is armed at the next duty cycle (the module learns
 * the time only there), which the simulation runs at once because the deadline is then 0.
 */
final class TestTimer implements Module
{
    private static final class Timer
    {
        int owner;
        long timerId;
        long delayNs;
        long periodNs;
        long deadlineNs;
        long fireCount;
        boolean armPending;
    }

    private final TreeMap<Long, Timer> timers = new TreeMap<>();
    private final TimerSetDecoder setDecoder = new TimerSetDecoder();
    private final TimerCancelDecoder cancelDecoder = new TimerCancelDecoder();
    private final TimerFiredEncoder firedEncoder = new TimerFiredEncoder();
    private final MessageHeaderEncoder headerEncoder = new MessageHeaderEncoder();
    private final List<Timer> expired = new ArrayList<>();

    @Override
    public void onEvent(final Event event, final Emitter emitter)
    {
        if (event.schemaId() != EnvelopeLayout.ENGINE_SCHEMA_ID)
        {
            return;
        }
        if (event.templateId() == EngineEvents.TIMER_SET)
        {
            event.decode(setDecoder);
            final Timer timer = new Timer();
            timer.owner = event.source();
            timer.timerId = setDecoder.timerId();
            timer.delayNs = Math.max(0, setDecoder.delayNs());
            timer.periodNs = Math.max(0, setDecoder.periodNs());
            timer.armPending = true;
            timers.put(key(timer.owner, timer.timerId), timer);
        }
        else if (event.templateId() == EngineEvents.TIMER_CANCEL)
        {
            event.decode(cancelDecoder);
            timers.remove(key(event.source(), cancelDecoder.timerId()));
        }
    }

    @Override
    public int doWork(final long nowNs, final Emitter emitter)
    {
        int fired = 0;
        for (final Map.Entry<Long, Timer> entry : timers.entrySet())
        {
            final Timer timer = entry.getValue();
            if (timer.armPending)
            {
                timer.armPending = false;
                timer.deadlineNs = nowNs + timer.delayNs;
            }
            if (timer.deadlineNs <= nowNs)
            {
                final EventBuilder builder = emitter.event(timer.owner);
                firedEncoder.wrapAndApplyHeader(builder.buffer(), builder.payloadOffset(), headerEncoder)
                    .timerId(timer.timerId).nowNs(nowNs).fireCount(++timer.fireCount);
                builder.payload(firedEncoder).commit();
                fired++;
                if (timer.periodNs > 0)
                {
                    timer.deadlineNs = Math.max(timer.deadlineNs + timer.periodNs, nowNs + 1);
                }
                else
                {
                    expired.add(timer);
                }
            }
        }
        for (final Timer timer : expired)
        {
            timers.remove(key(timer.owner, timer.timerId));
        }
        expired.clear();
        return fired;
    }

    @Override
    public long nextDeadlineNs()
    {
        long next = Long.MAX_VALUE;
        for (final Timer timer : timers.values())
        {
            next = Math.min(next, timer.armPending ? 0 : timer.deadlineNs);
        }
        return next;
    }

    private static long key(final int owner, final long timerId)
    {
        return ((long)owner << 48) | (timerId & 0xFFFF_FFFF_FFFFL);
    }
}
