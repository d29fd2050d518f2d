package io.jmir.engine.modules.timer;

import io.jmir.codecs.EngineEvents;
import io.jmir.codecs.engine.MessageHeaderEncoder;
import io.jmir.codecs.engine.TickDecoder;
import io.jmir.codecs.engine.TimerCancelEncoder;
import io.jmir.codecs.engine.TimerFiredDecoder;
import io.jmir.codecs.engine.TimerSetEncoder;
import io.jmir.engine.ConfigurationException;
import io.jmir.engine.Module;
import io.jmir.engine.NodeDefinition;
import io.jmir.engine.internal.DefaultModuleContext;
import io.jmir.engine.modules.AllocationMeter;
import io.jmir.engine.modules.RecordedEvent;
import io.jmir.engine.modules.RecordingEmitter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

@Timeout(30)
class TimerModuleTest
{
    private static final int TIMER = 0;
    private static final int PROTOCOL = 1;
    private static final int APP = 2;

    private final RecordingEmitter emitter = new RecordingEmitter(TIMER);
    private TimerModule timer = attach(new TimerModule());

    /** A decoded TimerFired with its destination. */
    record Fired(int destination, long timerId, long nowNs, long fireCount)
    {
    }

    static TimerModule attach(final TimerModule timer)
    {
        final Module idle = (event, emitter) ->
        {
        };
        final NodeDefinition definition = new NodeDefinition(0, 1)
            .module("timer", timer)
            .module("protocol", idle)
            .module("app", idle);
        timer.onAttach(new DefaultModuleContext(definition, TIMER));
        return timer;
    }

    static RecordedEvent timerSet(final int owner, final long timerId, final long delayNs, final long periodNs)
    {
        return RecordingEmitter.envelope(TIMER, owner, (b) -> b.payload(new TimerSetEncoder()
            .wrapAndApplyHeader(b.buffer(), b.payloadOffset(), new MessageHeaderEncoder())
            .timerId(timerId).delayNs(delayNs).periodNs(periodNs)));
    }

    static RecordedEvent timerCancel(final int owner, final long timerId)
    {
        return RecordingEmitter.envelope(TIMER, owner, (b) -> b.payload(new TimerCancelEncoder()
            .wrapAndApplyHeader(b.buffer(), b.payloadOffset(), new MessageHeaderEncoder()).timerId(timerId)));
    }

    private void send(final RecordedEvent event)
    {
        timer.onEvent(event.event(), emitter);
    }

    private List<Fired> work(final long nowNs)
    {
        timer.doWork(nowNs, emitter);
        final List<Fired> fired = new ArrayList<>();
        for (final RecordedEvent event : emitter.take())
        {
            assertThat(event.templateId()).isEqualTo(EngineEvents.TIMER_FIRED);
            final TimerFiredDecoder decoder = event.decode(new TimerFiredDecoder());
            fired.add(new Fired(event.destination(), decoder.timerId(), decoder.nowNs(), decoder.fireCount()));
        }
        return fired;
    }

    @Test
    void shouldFireAOneShotTimerToItsOwnerOnceItsDelayFromTheNextDutyCyclePassed()
    {
        assertThat(timer.nextDeadlineNs()).isEqualTo(Long.MAX_VALUE);
        send(timerSet(PROTOCOL, 7, 100, 0));
        assertThat(timer.nextDeadlineNs()).isZero();

        assertThat(work(1_000)).isEmpty();
        assertThat(timer.nextDeadlineNs()).isEqualTo(1_100);
        assertThat(work(1_099)).isEmpty();
        assertThat(work(1_100)).containsExactly(new Fired(PROTOCOL, 7, 1_100, 1));
        assertThat(timer.nextDeadlineNs()).isEqualTo(Long.MAX_VALUE);
        assertThat(timer.activeTimers()).isZero();
        assertThat(work(5_000)).isEmpty();
    }

    @Test
    void shouldFirePeriodicTimersEveryPeriodSkippingMissedOnes()
    {
        send(timerSet(APP, 1, 10, 5));
        work(0);

        assertThat(work(10)).containsExactly(new Fired(APP, 1, 10, 1));
        assertThat(timer.nextDeadlineNs()).isEqualTo(15);
        assertThat(work(15)).containsExactly(new Fired(APP, 1, 15, 2));
        assertThat(work(20)).containsExactly(new Fired(APP, 1, 20, 3));
        assertThat(work(41)).containsExactly(new Fired(APP, 1, 41, 4));
        assertThat(timer.nextDeadlineNs()).isEqualTo(46);
        assertThat(timer.activeTimers()).isEqualTo(1);
    }

    @Test
    void shouldReArmATimerThatIsSetAgain()
    {
        send(timerSet(PROTOCOL, 3, 100, 10));
        work(0);
        assertThat(work(100)).containsExactly(new Fired(PROTOCOL, 3, 100, 1));

        send(timerSet(PROTOCOL, 3, 50, 0));
        work(105);

        assertThat(timer.nextDeadlineNs()).isEqualTo(155);
        assertThat(work(154)).isEmpty();
        assertThat(work(155)).containsExactly(new Fired(PROTOCOL, 3, 155, 1));
        assertThat(work(1_000)).isEmpty();
    }

    @Test
    void shouldNotFireCancelledTimersArmedOrNot()
    {
        send(timerSet(PROTOCOL, 1, 10, 0));
        work(0);
        send(timerSet(PROTOCOL, 2, 10, 0));
        send(timerCancel(PROTOCOL, 1));
        send(timerCancel(PROTOCOL, 2));
        send(timerCancel(PROTOCOL, 99));

        assertThat(work(0)).isEmpty();
        assertThat(work(1_000)).isEmpty();
        assertThat(timer.timersCancelled()).isEqualTo(2);
        assertThat(timer.activeTimers()).isZero();
        assertThat(timer.nextDeadlineNs()).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void shouldKeepTimerIdsApartPerOwner()
    {
        send(timerSet(PROTOCOL, 1, 10, 0));
        send(timerSet(APP, 1, 20, 0));
        work(0);
        send(timerCancel(PROTOCOL, 1));

        assertThat(work(100)).containsExactly(new Fired(APP, 1, 100, 1));
    }

    @Test
    void shouldFireDueTimersInDeadlineOrderThenInTheOrderTheyWereSet()
    {
        send(timerSet(PROTOCOL, 30, 30, 0));
        send(timerSet(PROTOCOL, 10, 10, 0));
        send(timerSet(APP, 20, 20, 0));
        send(timerSet(APP, 21, 20, 0));
        send(timerSet(PROTOCOL, 22, 20, 0));
        work(0);

        assertThat(work(100)).extracting(Fired::timerId).containsExactly(10L, 20L, 21L, 22L, 30L);
    }

    @Test
    void shouldBoundTheTimersFiredInOneDutyCycle()
    {
        for (int i = 0; i < TimerModule.MAX_FIRES_PER_DUTY_CYCLE + 10; i++)
        {
            send(timerSet(PROTOCOL, i, 1, 0));
        }
        work(0);

        assertThat(work(1).size()).isLessThanOrEqualTo(TimerModule.MAX_FIRES_PER_DUTY_CYCLE);
        assertThat(timer.nextDeadlineNs()).isLessThanOrEqualTo(1);
        assertThat(work(1)).isNotEmpty();
        assertThat(timer.timersFired()).isEqualTo(TimerModule.MAX_FIRES_PER_DUTY_CYCLE + 10);
    }

    @Test
    void shouldSendTicksToTheConfiguredModules()
    {
        timer = attach(new TimerModule(
            new TimerModule.Context().tickPeriodNs(100).tickDestinations("protocol", "app")));
        assertThat(timer.nextDeadlineNs()).isZero();
        timer.doWork(1_000, emitter);
        assertThat(emitter.take()).isEmpty();
        assertThat(timer.nextDeadlineNs()).isEqualTo(1_100);

        timer.doWork(1_100, emitter);
        final List<RecordedEvent> first = emitter.take();
        timer.doWork(1_450, emitter);
        final List<RecordedEvent> second = emitter.take();

        assertThat(first).extracting(RecordedEvent::destination).containsExactly(PROTOCOL, APP);
        assertThat(first).extracting(RecordedEvent::templateId).containsOnly(EngineEvents.TICK);
        final TickDecoder tick = first.get(1).decode(new TickDecoder());
        assertThat(tick.nowNs()).isEqualTo(1_100);
        assertThat(tick.tickCount()).isEqualTo(1);
        assertThat(second).hasSize(2);
        assertThat(second.get(0).decode(new TickDecoder()).tickCount()).isEqualTo(2);
        assertThat(timer.nextDeadlineNs()).isEqualTo(1_550);
    }

    @Test
    void shouldDropMalformedAndExcessTimers()
    {
        timer = attach(new TimerModule(new TimerModule.Context().maxTimers(2)));
        send(timerSet(PROTOCOL, 1, -1, 0));
        send(timerSet(PROTOCOL, 2, 1, -5));
        send(timerSet(PROTOCOL, 3, 1, 0));
        send(timerSet(PROTOCOL, 4, 1, 0));
        send(timerSet(PROTOCOL, 5, 1, 0));

        assertThat(timer.malformedEvents()).isEqualTo(2);
        assertThat(timer.rejectedTimers()).isEqualTo(1);
        work(0);
        assertThat(work(1)).extracting(Fired::timerId).containsExactly(3L, 4L);
        send(timerSet(PROTOCOL, 5, 1, 0));
        assertThat(timer.rejectedTimers()).isEqualTo(1);
    }

    @Test
    void shouldRejectInvalidConfigurationNamingTheKey()
    {
        assertThatThrownBy(() -> new TimerModule(new TimerModule.Context().tickPeriodNs(-1)))
            .isInstanceOfSatisfying(ConfigurationException.class,
                (ex) -> assertThat(ex.key()).isEqualTo("timer.tickPeriodNs"));
        assertThatThrownBy(() -> new TimerModule(new TimerModule.Context().tickPeriodNs(10)))
            .isInstanceOfSatisfying(ConfigurationException.class,
                (ex) -> assertThat(ex.key()).isEqualTo("timer.tickDestinations"));
        assertThatThrownBy(() -> new TimerModule(new TimerModule.Context().maxTimers(0)))
            .isInstanceOfSatisfying(ConfigurationException.class,
                (ex) -> assertThat(ex.key()).isEqualTo("timer.maxTimers"));
        assertThatThrownBy(() -> attach(new TimerModule(
            new TimerModule.Context().tickPeriodNs(10).tickDestinations("nope"))))
            .isInstanceOfSatisfying(ConfigurationException.class,
                (ex) -> assertThat(ex.key()).isEqualTo("modules[nope]"));
    }

    @Test
    void shouldNotAllocateInSteadyState()
    {
        assumeThat(AllocationMeter.supported()).isTrue();
        final RecordedEvent[] sets = new RecordedEvent[64];
        final RecordedEvent[] cancels = new RecordedEvent[64];
        for (int i = 0; i < sets.length; i++)
        {
            sets[i] = timerSet(i % 2 == 0 ? PROTOCOL : APP, i, 1 + i % 7, i % 3 == 0 ? 2 : 0);
            cancels[i] = timerCancel(i % 2 == 0 ? PROTOCOL : APP, i);
        }
        emitter.recording(false);
        final long[] now = {0};

        final long allocated = AllocationMeter.measure(200, () ->
        {
            for (int round = 0; round < 20; round++)
            {
                for (final RecordedEvent set : sets)
                {
                    timer.onEvent(set.event(), emitter);
                }
                for (int t = 0; t < 8; t++)
                {
                    timer.doWork(now[0]++, emitter);
                }
                for (int i = 0; i < cancels.length; i += 3)
                {
                    timer.onEvent(cancels[i].event(), emitter);
                }
            }
        });

        assertThat(timer.timersFired()).isPositive();
        assertThat(allocated).as("bytes allocated by 20 rounds of 64 sets, 8 duty cycles, 22 cancels")
            .isLessThan(AllocationMeter.NOISE_BYTES);
    }
}
