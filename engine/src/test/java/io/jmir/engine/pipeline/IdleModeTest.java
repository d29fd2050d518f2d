package io.jmir.engine.pipeline;

import io.jmir.engine.IdleMode;
import io.jmir.engine.Node;
import io.jmir.engine.NodeDefinition;
import io.jmir.engine.SubmitResult;
import io.jmir.engine.TestEvents;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Ping-pong between two stages on separate threads in each idle mode (busy spin is exercised by the benchmarks,
 * not by tests, which never spin), and with a pinned thread.
 */
@Timeout(60)
class IdleModeTest
{
    private static final int ROUND_TRIPS = 2_000;

    @ParameterizedTest
    @EnumSource(value = IdleMode.class, names = {"BLOCKING", "SLEEPING", "YIELDING"})
    void shouldCompletePingPongInEachIdleMode(final IdleMode mode) throws Exception
    {
        pingPong(new Node.Context().defaultIdleMode(mode));
    }

    @Test
    void shouldRunPinnedThreadAndSharedThread() throws Exception
    {
        final int cpu = Runtime.getRuntime().availableProcessors() - 1;
        pingPong(new Node.Context().thread("pinned", IdleMode.BLOCKING, cpu, "ping"));
        pingPong(new Node.Context().sharedThread(IdleMode.BLOCKING));
    }

    private static void pingPong(final Node.Context context) throws Exception
    {
        final CountDownLatch done = new CountDownLatch(1);
        final int[] ids = new int[2];
        final ScriptedModule ping = new ScriptedModule((value, tag, event, emitter) ->
        {
            if (value == ROUND_TRIPS)
            {
                done.countDown();
            }
            else
            {
                new TestEvents().emitTick(emitter, ids[1], value + 1, 0).commit();
            }
        });
        final ScriptedModule pong = new ScriptedModule((value, tag, event, emitter) ->
            new TestEvents().emitTick(emitter, ids[0], value, 0).commit());
        try (Node node = Node.launch(new NodeDefinition(0, 1).module("ping", ping).module("pong", pong), context))
        {
            ids[0] = node.moduleId("ping");
            ids[1] = node.moduleId("pong");
            final TestEvents events = new TestEvents();
            assertThat(node.submit(ids[0], events.buffer(), 0, events.tick(0, 0))).isEqualTo(SubmitResult.ACCEPTED);
            assertThat(done.await(30, TimeUnit.SECONDS)).isTrue();
        }
    }
}
