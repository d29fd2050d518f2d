package io.jmir.engine.sim;

import io.jmir.engine.EventBuilder;
import io.jmir.engine.NodeDefinition;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

@Timeout(60)
class SimulationFollowUpTest
{
    private static Simulation single(final long seed, final ScriptedModule... modules)
    {
        return new Simulation(new Simulation.Context().seed(seed).nodeCount(1), (nodeId, env) ->
        {
            final NodeDefinition definition = new NodeDefinition(nodeId, 1);
            final String[] names = {"a", "b", "c", "d"};
            for (int i = 0; i < modules.length; i++)
            {
                definition.module(names[i], modules[i]);
            }
            return definition;
        });
    }

    private static void submitTick(final Simulation sim, final String module, final long tag)
    {
        final UnsafeBuffer tick = SimEvents.tick(tag);
        sim.submit(0, module, tick, 0, tick.capacity());
    }

    @Test
    void shouldReleaseNestedFollowUpsOnlyAfterTheParentWasProcessedAndInOrder()
    {
        SimulationRunner.run(20, (seed) ->
        {
            final List<String> log = new ArrayList<>();
            final ScriptedModule a = new ScriptedModule("a", log, false);
            final ScriptedModule b = new ScriptedModule("b", log, false);
            final ScriptedModule c = new ScriptedModule("c", log, false);
            final ScriptedModule d = new ScriptedModule("d", log, false);
            // a emits 10 -> b with follow-ups [11 -> c with follow-up [12 -> d]], [13 -> c]
            a.on(1, (self, emitter) ->
            {
                final EventBuilder builder = emitter.event(self.id("b"));
                self.tick(builder, 10).followUp(self.id("c"));
                self.tick(builder, 11).followUp(self.id("d"));
                self.tick(builder, 12).end().end().followUp(self.id("c"));
                self.tick(builder, 13).end().commit();
            });
            // while processing 11, c emits 20 to d: it must reach d before the follow-up 12
            c.on(11, (self, emitter) -> self.tick(emitter.event(self.id("d")), 20).commit());
            try (Simulation sim = single(seed, a, b, c, d))
            {
                submitTick(sim, "a", 1);
                sim.runUntil(sim::isIdle, 1_000_000_000L);

                assertThat(sim.failures()).isEmpty();
                assertThat(log).containsOnlyOnce("b:10", "c:11", "c:13", "d:12", "d:20");
                assertThat(log).doesNotContain("b:11", "b:12", "b:13", "c:12");
                assertThat(log.indexOf("a:1")).isLessThan(log.indexOf("b:10"));
                assertThat(log.indexOf("b:10")).isLessThan(log.indexOf("c:11"));
                assertThat(log.indexOf("c:11")).isLessThan(log.indexOf("c:13"));
                assertThat(log.indexOf("c:11")).isLessThan(log.indexOf("d:12"));
                assertThat(log.indexOf("d:20")).isLessThan(log.indexOf("d:12"));
            }
        });
    }

    @Test
    void shouldReleaseHeldFollowUpsOnlyAfterEndOfBatch()
    {
        SimulationRunner.run(10, (seed) ->
        {
            final List<String> log = runHoldScenario(seed, true);
            // the event emitted in onEndOfBatch (32) overtakes the held follow-up (31)
            final int processed = log.indexOf("b:30");
            assertThat(log.get(processed + 1)).as("end of batch right after the event").isEqualTo("b:end");
            assertThat(processed + 1).isLessThan(log.indexOf("c:32"));
            assertThat(log.indexOf("c:32")).isLessThan(log.indexOf("c:31"));
        });
    }

    @Test
    void shouldReleaseFollowUpsRightAfterTheEventWhenNotHeld()
    {
        SimulationRunner.run(10, (seed) ->
        {
            final List<String> log = runHoldScenario(seed, false);
            assertThat(log.indexOf("c:31")).isLessThan(log.indexOf("c:32"));
        });
    }

    private static List<String> runHoldScenario(final long seed, final boolean holds)
    {
        final List<String> log = new ArrayList<>();
        final ScriptedModule a = new ScriptedModule("a", log, false);
        final ScriptedModule b = new ScriptedModule("b", log, holds);
        final ScriptedModule c = new ScriptedModule("c", log, false);
        a.on(3, (self, emitter) ->
        {
            final EventBuilder builder = emitter.event(self.id("b"));
            self.tick(builder, 30).followUp(self.id("c"));
            self.tick(builder, 31).end().commit();
        });
        final boolean[] emitted = {false};
        b.onEndOfBatch((emitter) ->
        {
            if (log.contains("b:30") && !emitted[0])
            {
                emitted[0] = true;
                b.tick(emitter.event(b.id("c")), 32).commit();
            }
        });
        try (Simulation sim = single(seed, a, b, c))
        {
            submitTick(sim, "a", 3);
            sim.runUntil(sim::isIdle, 1_000_000_000L);
            assertThat(sim.failures()).isEmpty();
        }
        assertThat(log).containsOnlyOnce("b:30", "c:31", "c:32");
        return log;
    }
}
