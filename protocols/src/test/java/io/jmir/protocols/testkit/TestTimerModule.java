package io.jmir.protocols.testkit;

import io.jmir.codecs.EngineEvents;
import io.jmir.codecs.engine.MessageHeaderDecoder;
import io.jmir.codecs.engine.MessageHeaderEncoder;
import io.jmir.codecs.engine.TimerCancelDecoder;
import io.jmir.codecs.engine.TimerFiredEncoder;
import io.jmir.codecs.engine.TimerSetDecoder;
import io.jmir.engine.Emitter;
import io.jmir.engine.Event;
import io.jmir.engine.EventBuilder;
import io.jmir.engine.Module;

import java.util.function.LongSupplier;

/**
 * Stand-in "timer" until io.jmir.engine.modules.timer lands: TimerSet/TimerCancel in, TimerFired to the module
 * that set the timer when due. Active module: the runtime calls doWork at {@link #nextDeadlineNs()}. The clock
 * (System::nanoTime in the pipeline runtime, virtual time in the simulation) is used only to date TimerSet.
 * Holds at most {@link #MAX_TIMERS} timers.
 */
public final class TestTimerModule implements Module
{
    public static final int MAX_TIMERS = 64;
    private final LongSupplier clock;
    private final TimerSetDecoder set = new TimerSetDecoder();
    private final TimerCancelDecoder cancel = new TimerCancelDecoder();
    private final TimerFiredEncoder fired = new TimerFiredEncoder();
    private final MessageHeaderEncoder header = new MessageHeaderEncoder();
    private final long[] ids = new long[MAX_TIMERS];
    private final int[] owners = new int[MAX_TIMERS];
    private final long[] deadlines = new long[MAX_TIMERS];
    private final long[] periods = new long[MAX_TIMERS];
    private final long[] counts = new long[MAX_TIMERS];
    private int size;

    public TestTimerModule(final LongSupplier clock)
    {
        this.clock = clock;
    }

    @Override
    public void onEvent(final Event event, final Emitter emitter)
    {
        if (event.schemaId() != MessageHeaderDecoder.SCHEMA_ID)
        {
            return;
        }
        if (event.templateId() == EngineEvents.TIMER_SET)
        {
            event.decode(set);
            int index = find(event.source(), set.timerId());
            if (index < 0)
            {
                if (size == MAX_TIMERS)
                {
                    return;
                }
                index = size++;
            }
            ids[index] = set.timerId();
            owners[index] = event.source();
            deadlines[index] = clock.getAsLong() + Math.max(0, set.delayNs());
            periods[index] = Math.max(0, set.periodNs());
            counts[index] = 0;
        }
        else if (event.templateId() == EngineEvents.TIMER_CANCEL)
        {
            event.decode(cancel);
            final int index = find(event.source(), cancel.timerId());
            if (index >= 0)
            {
                remove(index);
            }
        }
    }

    @Override
    public int doWork(final long nowNs, final Emitter emitter)
    {
        int work = 0;
        for (int i = 0; i < size; i++)
        {
            if (deadlines[i] <= nowNs)
            {
                counts[i]++;
                final EventBuilder b = emitter.event(owners[i]);
                fired.wrapAndApplyHeader(b.buffer(), b.payloadOffset(), header).timerId(ids[i]).nowNs(nowNs)
                    .fireCount(counts[i]);
                b.payload(fired).commit();
                work++;
                if (periods[i] > 0)
                {
                    deadlines[i] = Math.max(deadlines[i] + periods[i], nowNs + 1);
                }
                else
                {
                    remove(i--);
                }
            }
        }
        return work;
    }

    @Override
    public long nextDeadlineNs()
    {
        long min = Long.MAX_VALUE;
        for (int i = 0; i < size; i++)
        {
            min = Math.min(min, deadlines[i]);
        }
        return min;
    }

    private int find(final int owner, final long id)
    {
        for (int i = 0; i < size; i++)
        {
            if (owners[i] == owner && ids[i] == id)
            {
                return i;
            }
        }
        return -1;
    }

    private void remove(final int index)
    {
        size--;
        ids[index] = ids[size];
        owners[index] = owners[size];
        deadlines[index] = deadlines[size];
        periods[index] = periods[size];
        counts[index] = counts[size];
    }
}
