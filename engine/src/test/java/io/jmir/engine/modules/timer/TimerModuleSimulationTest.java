package io.jmir.engine.modules.timer;

import io.jmir.codecs.EngineEvents;
import io.jmir.codecs.engine.MessageHeaderEncoder;
import io.jmir.codecs.engine.TickDecoder;
import io.jmir.codecs.engine.TimerFiredDecoder;
import io.jmir.codecs.engine.TimerSetEncoder;
import io.jmir.engine.Emitter;
import io.jmir.engine.Event;
import io.jmir.engine.EventBuilder;
import io.jmir.engine.Module;
import io.jmir.engine.ModuleContext;
import io.jmir.engine.NodeDefinition;
import io.jmir.engine.sim.Simulation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The timer module in the simulation runtime: virtual time, deadlines served by the simulation's scheduler.
 */
@Timeout(60)
class TimerModuleSimulationTest
{
    private static final long MS = 1_000_000L;

    /** Sets two timers on Init and records what fires. */
    private static final class Client implements Module
    {
        final List<long[]> fired = new ArrayList<>();
        final List<long[]> ticks = new ArrayList<>();
        private final TimerSetEncoder set = new TimerSetEncoder();
        private final MessageHeaderEncoder header = new MessageHeaderEncoder();
        private final TimerFiredDecoder firedDecoder = new TimerFiredDecoder();
        private final TickDecoder tickDecoder = new TickDecoder();
        private int timerId;

        @Override
        public void onAttach(final ModuleContext context)
        {
            timerId = context.moduleId("timer");
        }

        @Override
        public void onEvent(final Event event, final Emitter emitter)
        {
            if (event.templateId() == EngineEvents.INIT)
            {
                setTimer(emitter, 1, 5 * MS, 10 * MS);
                setTimer(emitter, 2, 3 * MS, 0);
            }
            else if (event.templateId() == EngineEvents.TIMER_FIRED)
            {
                event.decode(firedDecoder);
                fired.add(new long[] {firedDecoder.timerId(), firedDecoder.nowNs(), firedDecoder.fireCount()});
            }
            else if (event.templateId() == EngineEvents.TICK)
            {
                event.decode(tickDecoder);
                ticks.add(new long[] {tickDecoder.nowNs(), tickDecoder.tickCount()});
            }
        }

        private void setTimer(final Emitter emitter, final long id, final long delayNs, final long periodNs)
        {
            final EventBuilder b = emitter.event(timerId);
            b.payload(set.wrapAndApplyHeader(b.buffer(), b.payloadOffset(), header)
                .timerId(id).delayNs(delayNs).periodNs(periodNs)).commit();
        }
    }

    private static List<long[]> run(final long seed, final List<long[]> ticks)
    {
        final Client[] client = new Client[1];
        try (Simulation sim = new Simulation(new Simulation.Context().seed(seed).nodeCount(1), (nodeId, env) ->
        {
            client[0] = new Client();
            return new NodeDefinition(nodeId, 1)
                .module("net", env.net())
                .module("timer", new TimerModule(
                    new TimerModule.Context().tickPeriodNs(20 * MS).tickDestinations("client")))
                .module("client", client[0]);
        }))
        {
            sim.runUntil(100 * MS);
            assertThat(sim.failures()).isEmpty();
        }
        ticks.addAll(client[0].ticks);
        return client[0].fired;
    }

    @Test
    void shouldFireOnVirtualTimeDeterministically()
    {
        final List<long[]> ticks = new ArrayList<>();
        final List<long[]> fired = run(7, ticks);

        final List<long[]> oneShot = fired.stream().filter((f) -> f[0] == 2).toList();
        final List<long[]> periodic = fired.stream().filter((f) -> f[0] == 1).toList();
        assertThat(oneShot).hasSize(1);
        assertThat(oneShot.get(0)[2]).isEqualTo(1);
        assertThat(periodic).hasSizeBetween(9, 10);
        for (int i = 0; i < periodic.size(); i++)
        {
            assertThat(periodic.get(i)[2]).isEqualTo(i + 1);
        }
        for (int i = 1; i < periodic.size(); i++)
        {
            assertThat(periodic.get(i)[1] - periodic.get(i - 1)[1]).isBetween(9 * MS, 11 * MS);
        }
        assertThat(oneShot.get(0)[1]).isLessThan(periodic.get(0)[1]);
        assertThat(ticks).hasSizeBetween(4, 5);
        for (int i = 0; i < ticks.size(); i++)
        {
            assertThat(ticks.get(i)[1]).isEqualTo(i + 1);
        }

        final List<long[]> again = run(7, new ArrayList<>());
        assertThat(again).hasSameSizeAs(fired);
        for (int i = 0; i < fired.size(); i++)
        {
            assertThat(again.get(i)).containsExactly(fired.get(i));
        }
    }
}
