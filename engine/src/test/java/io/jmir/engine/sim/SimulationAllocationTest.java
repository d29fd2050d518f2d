package io.jmir.engine.sim;

import io.jmir.codecs.EngineEvents;
import io.jmir.codecs.engine.MessageHeaderEncoder;
import io.jmir.codecs.engine.SendMessageEncoder;
import io.jmir.engine.Emitter;
import io.jmir.engine.Event;
import io.jmir.engine.EventBuilder;
import io.jmir.engine.Module;
import io.jmir.engine.ModuleContext;
import io.jmir.engine.NodeDefinition;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

@Timeout(120)
class SimulationAllocationTest
{
    /** Forwards a 32-byte message around the ring of nodes: Init starts it, every MessageReceived passes it on. */
    private static final class Relay implements Module
    {
        private final MessageHeaderEncoder header = new MessageHeaderEncoder();
        private final SendMessageEncoder send = new SendMessageEncoder();
        private final UnsafeBuffer message = new UnsafeBuffer(new byte[32]);
        private int netId;
        private int selfId;
        private int next;

        @Override
        public void onAttach(final ModuleContext context)
        {
            netId = context.moduleId("net");
            selfId = context.selfId();
            next = (context.nodeId() + 1) % context.nodeCount();
        }

        @Override
        public void onEvent(final Event event, final Emitter emitter)
        {
            if (event.templateId() == EngineEvents.INIT || event.templateId() == EngineEvents.MESSAGE_RECEIVED)
            {
                final EventBuilder builder = emitter.event(netId);
                send.wrapAndApplyHeader(builder.buffer(), builder.payloadOffset(), header)
                    .destinationModule(selfId).destinationsCount(1).next().nodeId(next);
                send.putMessage(message, 0, message.capacity());
                builder.payload(send).commit();
            }
        }
    }

    @Test
    void shouldNotAllocatePerEventInSteadyState()
    {
        final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        assumeTrue(threads instanceof com.sun.management.ThreadMXBean, "needs per-thread allocation counters");
        final com.sun.management.ThreadMXBean allocation = (com.sun.management.ThreadMXBean)threads;
        assumeTrue(allocation.isThreadAllocatedMemorySupported() && allocation.isThreadAllocatedMemoryEnabled());

        try (Simulation sim = new Simulation(new Simulation.Context().seed(61).nodeCount(4),
            (nodeId, env) -> new NodeDefinition(nodeId, 4).module("net", env.net()).module("relay", new Relay())))
        {
            sim.runUntil(5_000_000_000L);
            final long threadId = Thread.currentThread().getId();
            final long stepsBefore = sim.stepCount();
            final long bytesBefore = allocation.getThreadAllocatedBytes(threadId);
            sim.runUntil(30_000_000_000L);
            final long bytes = allocation.getThreadAllocatedBytes(threadId) - bytesBefore;
            final long steps = sim.stepCount() - stepsBefore;

            assertThat(steps).isGreaterThan(100_000);
            // one object per event would be >= 16 bytes per step; allow a few stray bytes for the JVM itself
            assertThat((double)bytes / steps).as("bytes allocated per step over %d steps", steps).isLessThan(0.5);
            assertThat(sim.failures()).isEmpty();
        }
    }
}
