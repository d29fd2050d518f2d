package io.jmir.engine.pipeline;

import io.jmir.engine.EventTooLargeException;
import io.jmir.engine.FaultPolicy;
import io.jmir.engine.ModuleFailure;
import io.jmir.engine.Node;
import io.jmir.engine.NodeCounters;
import io.jmir.engine.NodeDefinition;
import io.jmir.engine.SubmitResult;
import io.jmir.engine.TestEvents;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

@Timeout(60)
class ModuleFailureTest
{
    private final CopyOnWriteArrayList<ModuleFailure> reported = new CopyOnWriteArrayList<>();

    @Test
    void shouldStopNodeCleanlyNamingModuleAndEventWhenModuleThrows() throws Exception
    {
        final CountDownLatch closed = new CountDownLatch(2);
        final ScriptedModule boom = new ScriptedModule((value, tag, event, emitter) ->
        {
            throw new IllegalStateException("corrupt state " + value);
        })
        {
            @Override
            public void onClose()
            {
                closed.countDown();
            }
        };
        final ScriptedModule other = new ScriptedModule((value, tag, event, emitter) -> { })
        {
            @Override
            public void onClose()
            {
                closed.countDown();
            }
        };
        final Node node = Node.launch(new NodeDefinition(3, 4).module("other", other).module("boom", boom),
            new Node.Context().failureHandler(reported::add));
        final TestEvents events = new TestEvents();
        assertThat(node.submit(node.moduleId("boom"), events.buffer(), 0, events.tick(5, 0)))
            .isEqualTo(SubmitResult.ACCEPTED);
        assertThat(node.awaitTermination(10, TimeUnit.SECONDS)).as("node stops by itself").isTrue();
        assertThat(closed.await(1, TimeUnit.SECONDS)).as("every module closed").isTrue();
        final ModuleFailure failure = node.failure();
        assertThat(failure).isNotNull();
        assertThat(failure.nodeId()).isEqualTo(3);
        assertThat(failure.moduleName()).isEqualTo("boom");
        assertThat(failure.eventName()).isEqualTo("Tick");
        assertThat(failure.cause()).hasMessage("corrupt state 5");
        assertThat(failure.toString()).contains("node 3", "'boom'", "Tick");
        assertThat(reported).containsExactly(failure);
        assertThat(node.isRunning()).isFalse();
        assertThat(node.submit(node.moduleId("other"), events.buffer(), 0, events.tick(1, 0)))
            .isEqualTo(SubmitResult.REJECTED);
        node.close();
    }

    @Test
    void shouldIsolateFailedModuleAndKeepOthersRunning() throws Exception
    {
        final CountDownLatch otherSaw = new CountDownLatch(3);
        final CountDownLatch failed = new CountDownLatch(1);
        final ScriptedModule boom = new ScriptedModule((value, tag, event, emitter) ->
        {
            throw new IllegalStateException("bad");
        });
        final ScriptedModule other = new ScriptedModule((value, tag, event, emitter) -> otherSaw.countDown());
        try (Node node = Node.launch(new NodeDefinition(0, 1).module("boom", boom).module("other", other),
            new Node.Context().faultPolicy(FaultPolicy.ISOLATE_MODULE).failureHandler(failure ->
            {
                reported.add(failure);
                failed.countDown();
            })))
        {
            final TestEvents events = new TestEvents();
            final int length = events.tick(1, 0);
            assertThat(node.submit(node.moduleId("boom"), events.buffer(), 0, length)).isEqualTo(SubmitResult.ACCEPTED);
            for (int i = 0; i < 3; i++)
            {
                assertThat(node.submit(node.moduleId("other"), events.buffer(), 0, length))
                    .isEqualTo(SubmitResult.ACCEPTED);
            }
            assertThat(otherSaw.await(10, TimeUnit.SECONDS)).isTrue();
            assertThat(failed.await(10, TimeUnit.SECONDS)).isTrue();
            assertThat(node.failure().moduleName()).isEqualTo("boom");
            assertThat(node.isRunning()).isTrue();
            assertThat(node.submit(node.moduleId("boom"), events.buffer(), 0, length))
                .as("a failed module accepts no more submissions").isEqualTo(SubmitResult.REJECTED);
        }
    }

    @Test
    void shouldFailAtEmissionWhenEventExceedsDestinationSlotNeverTruncating() throws Exception
    {
        final CountDownLatch smallSaw = new CountDownLatch(1);
        final int[] smallId = new int[1];
        final ScriptedModule big = new ScriptedModule((value, tag, event, emitter) ->
        {
            final UnsafeBuffer payload = new UnsafeBuffer(new byte[2048]);
            final TestEvents ev = new TestEvents();
            payload.putBytes(0, ev.buffer(), 0, ev.tick(1, 0));
            emitter.emit(smallId[0], payload, 0, 2048);
        });
        final ScriptedModule small = new ScriptedModule((value, tag, event, emitter) -> smallSaw.countDown());
        final Node node = Node.launch(new NodeDefinition(0, 1).module("big", big).module("small", small),
            new Node.Context().slotCapacity("small", 1024).failureHandler(reported::add));
        smallId[0] = node.moduleId("small");
        final TestEvents events = new TestEvents();
        assertThat(node.submit(node.moduleId("big"), events.buffer(), 0, events.tick(1, 0)))
            .isEqualTo(SubmitResult.ACCEPTED);
        assertThat(node.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        assertThat(node.failure().cause()).isInstanceOf(EventTooLargeException.class)
            .hasMessageContaining("module 'big' emitted an event to 'small'")
            .hasMessageContaining("slot capacity");
        assertThat(smallSaw.getCount()).as("nothing truncated was delivered").isEqualTo(1);
        assertThat(node.counters().get(NodeCounters.Counter.MODULE_FAILURES)).isEqualTo(1);
        node.close();
    }
}
