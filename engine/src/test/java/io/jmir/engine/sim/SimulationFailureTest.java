package io.jmir.engine.sim;

import io.jmir.engine.Emitter;
import io.jmir.engine.Event;
import io.jmir.engine.EventBuilder;
import io.jmir.engine.EventTooLargeException;
import io.jmir.engine.FaultPolicy;
import io.jmir.engine.Module;
import io.jmir.engine.ModuleFailure;
import io.jmir.engine.NodeCounters;
import io.jmir.engine.NodeDefinition;
import io.jmir.engine.SubmitResult;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

@Timeout(60)
class SimulationFailureTest
{
    private static final long POISON = 666;

    private final List<String> log = new ArrayList<>();

    private Simulation twoNodes(final FaultPolicy policy, final int slotCapacity)
    {
        return new Simulation(new Simulation.Context().seed(31).nodeCount(2).faultPolicy(policy)
            .slotCapacity(slotCapacity), (nodeId, env) ->
        {
            final ScriptedModule good = new ScriptedModule(nodeId + ".good", log, false);
            final ScriptedModule bad = new ScriptedModule(nodeId + ".bad", log, false)
                .on(POISON, (self, emitter) ->
                {
                    throw new IllegalStateException("poisoned");
                })
                .on(7, (self, emitter) ->
                {
                    final EventBuilder builder = emitter.event(self.id("good"));
                    builder.buffer().setMemory(builder.payloadOffset(), builder.remaining(), (byte)0);
                    builder.payload(builder.remaining() + 1).commit();
                })
                .on(8, (self, emitter) -> self.tick(emitter.event(99), 80).commit());
            return new NodeDefinition(nodeId, 2).module("good", good).module("bad", bad);
        });
    }

    private static void submit(final Simulation sim, final int node, final String module, final long tag)
    {
        final UnsafeBuffer tick = SimEvents.tick(tag);
        assertThat(sim.submit(node, module, tick, 0, tick.capacity())).isEqualTo(SubmitResult.ACCEPTED);
    }

    @Test
    void shouldStopOnlyTheFailedNodeAndRecordTheFailure()
    {
        try (Simulation sim = twoNodes(FaultPolicy.STOP_NODE, Simulation.Context.DEFAULT_SLOT_CAPACITY))
        {
            submit(sim, 0, "bad", POISON);
            sim.runUntil(sim::isIdle, 100_000_000L);

            assertThat(sim.failures()).hasSize(1);
            final ModuleFailure failure = sim.failures().get(0);
            assertThat(failure.nodeId()).isZero();
            assertThat(failure.moduleName()).isEqualTo("bad");
            assertThat(failure.eventName()).isEqualTo("Tick");
            assertThat(failure.cause()).hasMessage("poisoned");
            assertThat(failure.toString()).contains("node 0", "'bad'", "Tick");
            assertThat(sim.isRunning(0)).isFalse();
            assertThat(sim.isRunning(1)).isTrue();
            assertThat(sim.counters(0).get(NodeCounters.Counter.MODULE_FAILURES)).isEqualTo(1);

            final UnsafeBuffer tick = SimEvents.tick(1);
            assertThat(sim.submit(0, "good", tick, 0, tick.capacity())).isEqualTo(SubmitResult.REJECTED);
            submit(sim, 1, "good", 2);
            submit(sim, 1, "bad", 3);
            sim.runUntil(sim::isIdle, 200_000_000L);
            assertThat(log).contains("1.good:2", "1.bad:3").doesNotContain("0.good:1");
        }
    }

    @Test
    void shouldIsolateTheFailedModuleAndKeepTheNodeRunning()
    {
        try (Simulation sim = twoNodes(FaultPolicy.ISOLATE_MODULE, Simulation.Context.DEFAULT_SLOT_CAPACITY))
        {
            submit(sim, 0, "bad", POISON);
            submit(sim, 0, "bad", 4);
            submit(sim, 0, "bad", 5);
            sim.runUntil(sim::isIdle, 100_000_000L);
            submit(sim, 0, "good", 6);
            sim.runUntil(sim::isIdle, 200_000_000L);

            assertThat(sim.failures()).singleElement().satisfies((failure) ->
                assertThat(failure.moduleName()).isEqualTo("bad"));
            assertThat(sim.isRunning(0)).isTrue();
            assertThat(log).contains("0.good:6").doesNotContain("0.bad:4", "0.bad:5");
            assertThat(sim.counters(0).get(NodeCounters.Counter.EVENTS_TO_FAILED_MODULE)).isEqualTo(2);
        }
    }

    @Test
    void shouldReportAnEventLargerThanTheSlotCapacityAsAFailureNamingBothModules()
    {
        try (Simulation sim = twoNodes(FaultPolicy.STOP_NODE, 1024))
        {
            submit(sim, 1, "bad", 7);
            sim.runUntil(sim::isIdle, 100_000_000L);

            assertThat(sim.failures()).singleElement().satisfies((failure) ->
            {
                assertThat(failure.nodeId()).isEqualTo(1);
                assertThat(failure.cause()).isInstanceOf(EventTooLargeException.class)
                    .hasMessageContaining("'bad'").hasMessageContaining("'good'");
            });
            assertThat(sim.isRunning(1)).isFalse();
            assertThat(sim.isRunning(0)).isTrue();
        }
    }

    @Test
    void shouldFailAModuleThatEmitsToAnUnknownModule()
    {
        try (Simulation sim = twoNodes(FaultPolicy.ISOLATE_MODULE, Simulation.Context.DEFAULT_SLOT_CAPACITY))
        {
            submit(sim, 1, "bad", 8);
            submit(sim, 1, "good", 9);
            sim.runUntil(sim::isIdle, 100_000_000L);

            assertThat(sim.failures()).singleElement().satisfies((failure) ->
            {
                assertThat(failure.moduleName()).isEqualTo("bad");
                assertThat(failure.cause()).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("unknown destination module id 99");
            });
            assertThat(log).contains("1.good:9");
        }
    }

    @Test
    void shouldReportAFailingDutyCycle()
    {
        final Module failingTimer = new Module()
        {
            @Override
            public void onEvent(final Event event, final Emitter emitter)
            {
            }

            @Override
            public int doWork(final long nowNs, final Emitter emitter)
            {
                throw new IllegalStateException("clock broke at " + nowNs);
            }

            @Override
            public long nextDeadlineNs()
            {
                return 5_000_000L;
            }
        };
        try (Simulation sim = new Simulation(new Simulation.Context().seed(32).nodeCount(1),
            (nodeId, env) -> new NodeDefinition(nodeId, 1).module("timer", failingTimer)))
        {
            sim.runUntil(sim::isIdle, 100_000_000L);

            assertThat(sim.failures()).singleElement().satisfies((failure) ->
            {
                assertThat(failure.moduleName()).isEqualTo("timer");
                assertThat(failure.eventName()).isEqualTo("doWork");
                assertThat(failure.cause()).hasMessage("clock broke at 5000000");
            });
            assertThat(sim.isRunning(0)).isFalse();
        }
    }
}
