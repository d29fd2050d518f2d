package io.jmir.engine.sim;

import io.jmir.codecs.EngineEvents;
import io.jmir.codecs.engine.MessageHeaderEncoder;
import io.jmir.codecs.engine.TimerFiredDecoder;
import io.jmir.codecs.engine.TimerSetEncoder;
import io.jmir.engine.Emitter;
import io.jmir.engine.Event;
import io.jmir.engine.EventBuilder;
import io.jmir.engine.EventInterceptor;
import io.jmir.engine.Module;
import io.jmir.engine.ModuleContext;
import io.jmir.engine.NodeDefinition;
import org.agrona.DirectBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

@Timeout(60)
class SimulationTimeTest
{
    private static final long MS = 1_000_000L;

    /** Sets a periodic timer at Init and records the virtual time of each firing. */
    private static final class Ticker implements Module
    {
        final List<Long> firedAt = new ArrayList<>();
        final List<Long> interceptedAt = new ArrayList<>();
        private final TimerSetEncoder timerSet = new TimerSetEncoder();
        private final TimerFiredDecoder timerFired = new TimerFiredDecoder();
        private final MessageHeaderEncoder header = new MessageHeaderEncoder();
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
                final EventBuilder builder = emitter.event(timerId);
                timerSet.wrapAndApplyHeader(builder.buffer(), builder.payloadOffset(), header)
                    .timerId(9).delayNs(10 * MS).periodNs(10 * MS);
                builder.payload(timerSet).commit();
            }
            else if (event.templateId() == EngineEvents.TIMER_FIRED)
            {
                firedAt.add(event.decode(timerFired).nowNs());
            }
        }
    }

    @Test
    void shouldDriveTimersWithVirtualTime()
    {
        final Ticker ticker = new Ticker();
        try (Simulation sim = new Simulation(new Simulation.Context().seed(51).nodeCount(1),
            (nodeId, env) -> new NodeDefinition(nodeId, 1)
                .module("timer", new TestTimer())
                .module("ticker", ticker)
                .interceptor((node, module, buffer, offset, length, timestampNs) ->
                {
                    if (module == 1)
                    {
                        ticker.interceptedAt.add(timestampNs);
                    }
                })))
        {
            sim.runUntil(105 * MS);

            assertThat(sim.nowNs()).isEqualTo(105 * MS);
            assertThat(ticker.firedAt).hasSize(10);
            for (int i = 1; i < ticker.firedAt.size(); i++)
            {
                assertThat(ticker.firedAt.get(i) - ticker.firedAt.get(i - 1)).isEqualTo(10 * MS);
            }
            assertThat(ticker.firedAt.get(0)).isBetween(10 * MS, 11 * MS);
            // Init, then each TimerFired, intercepted with the virtual time it was dispatched at
            assertThat(ticker.interceptedAt).hasSize(11).isSorted();
            assertThat(ticker.interceptedAt.get(1)).isGreaterThanOrEqualTo(ticker.firedAt.get(0));
            assertThat(sim.isIdle()).isFalse();
            assertThat(sim.failures()).isEmpty();
        }
    }

    @Test
    void shouldEndABatchAfterEveryEventAndCloseTheInterceptorOnCrash()
    {
        final long[] counts = new long[3];
        final EventInterceptor interceptor = new EventInterceptor()
        {
            @Override
            public void onDispatch(
                final int nodeId, final int moduleId, final DirectBuffer buffer, final int offset, final int length,
                final long timestampNs)
            {
                counts[0]++;
            }

            @Override
            public void onEndOfBatch()
            {
                counts[1]++;
            }

            @Override
            public void close()
            {
                counts[2]++;
            }
        };
        try (Simulation sim = new Simulation(new Simulation.Context().seed(54).nodeCount(1),
            (nodeId, env) -> new NodeDefinition(nodeId, 1)
                .module("timer", new TestTimer())
                .module("ticker", new Ticker())
                .interceptor(interceptor)))
        {
            sim.runUntil(55 * MS);
            assertThat(counts[0]).isEqualTo(2 + 1 + 5);
            assertThat(counts[1]).isEqualTo(counts[0]);
            assertThat(counts[2]).isZero();

            sim.crash(0);
            assertThat(counts[2]).isEqualTo(1);
        }
    }

    @Test
    void shouldPollAModuleThatIsAlwaysDueOncePerPollInterval()
    {
        final int[] polls = {0};
        final Module poller = new Module()
        {
            @Override
            public void onEvent(final Event event, final Emitter emitter)
            {
            }

            @Override
            public int doWork(final long nowNs, final Emitter emitter)
            {
                polls[0]++;
                return 0;
            }

            @Override
            public long nextDeadlineNs()
            {
                return 0;
            }
        };
        try (Simulation sim = new Simulation(new Simulation.Context().seed(52).nodeCount(1).pollIntervalNs(MS),
            (nodeId, env) -> new NodeDefinition(nodeId, 1).module("poller", poller)))
        {
            sim.runUntil(10 * MS);

            assertThat(polls[0]).isBetween(10, 11);
            assertThat(sim.nowNs()).isEqualTo(10 * MS);
        }
    }

    @Test
    void shouldStopSteppingWhenNothingIsLeftToHappen()
    {
        final List<String> log = new ArrayList<>();
        try (Simulation sim = new Simulation(new Simulation.Context().seed(53).nodeCount(2),
            (nodeId, env) -> new NodeDefinition(nodeId, 2).module("only", new ScriptedModule(nodeId + "", log, false))))
        {
            assertThat(sim.isIdle()).isFalse();
            assertThat(sim.step()).isTrue();
            assertThat(sim.step()).isTrue();
            assertThat(sim.step()).isFalse();
            assertThat(sim.isIdle()).isTrue();
            assertThat(log).containsExactlyInAnyOrder("0:Init", "1:Init");
            assertThat(sim.stepCount()).isEqualTo(2);
            assertThat(sim.nowNs()).isBetween(0L, 2 * Simulation.Context.DEFAULT_MAX_STEP_NS);

            assertThat(sim.runUntil(() -> false, 7 * MS)).isFalse();
            assertThat(sim.nowNs()).isEqualTo(7 * MS);
        }
    }
}
