package io.jmir.engine.pipeline;

import io.jmir.engine.IdleMode;
import io.jmir.engine.Node;
import io.jmir.engine.NodeCounters;
import io.jmir.engine.NodeDefinition;
import io.jmir.engine.SubmitResult;
import io.jmir.engine.TestEvents;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Timeout;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A cyclic module graph on 8-slot rings under a saturating producer must never deadlock:
 * <pre>
 *   producer --submit--> protocol --x2--> hasher --reply--> protocol
 *                         |                  ^
 *                         +--x1--> net ------+ (and a reply to protocol)
 * </pre>
 * Every input yields 4 replies at the protocol; all must arrive within the time bound.
 */
@Timeout(120)
class SaturationTest
{
    private static final int INPUTS = 20_000;
    private static final int REPLIES_PER_INPUT = 4;
    private static final long INPUT = 0;
    private static final long TO_HASHER = 1;
    private static final long TO_NET = 2;
    private static final long REPLY = 3;
    private static final long NET_TO_HASHER = 5;

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void shouldNotDeadlockOnCyclicGraphWithEightSlotRings(final boolean sharedThread) throws Exception
    {
        final AtomicLong replies = new AtomicLong();
        final CountDownLatch done = new CountDownLatch(1);
        final int[] ids = new int[3];
        final ScriptedModule protocol = new ScriptedModule((value, tag, event, emitter) ->
        {
            final TestEvents ev = new TestEvents();
            if (tag == INPUT)
            {
                ev.emitTick(emitter, ids[1], value, TO_HASHER).commit();
                ev.emitTick(emitter, ids[1], value, TO_HASHER).commit();
                ev.emitTick(emitter, ids[2], value, TO_NET).commit();
            }
            else if (tag == REPLY && replies.incrementAndGet() == (long)INPUTS * REPLIES_PER_INPUT)
            {
                done.countDown();
            }
        });
        final ScriptedModule hasher = new ScriptedModule((value, tag, event, emitter) ->
            new TestEvents().emitTick(emitter, ids[0], value, REPLY).commit());
        final ScriptedModule net = new ScriptedModule((value, tag, event, emitter) ->
        {
            final TestEvents ev = new TestEvents();
            ev.emitTick(emitter, ids[0], value, REPLY).commit();
            ev.emitTick(emitter, ids[1], value, NET_TO_HASHER).commit();
        });
        final NodeDefinition definition = new NodeDefinition(0, 1)
            .module("protocol", protocol).module("hasher", hasher).module("net", net);
        final Node.Context context = new Node.Context().ringSize(8).overflowLimitBytes(64 * 1024);
        if (sharedThread)
        {
            context.sharedThread(IdleMode.BLOCKING);
        }
        try (Node node = Node.launch(definition, context))
        {
            ids[0] = node.moduleId("protocol");
            ids[1] = node.moduleId("hasher");
            ids[2] = node.moduleId("net");
            final TestEvents events = new TestEvents();
            int accepted = 0;
            while (accepted < INPUTS)
            {
                final int length = events.tick(accepted, INPUT);
                final SubmitResult result = node.submit(ids[0], events.buffer(), 0, length);
                assertThat(result).isNotEqualTo(SubmitResult.REJECTED);
                if (result == SubmitResult.ACCEPTED)
                {
                    accepted++;
                }
                else
                {
                    Thread.yield();
                }
                assertThat(node.failure()).isNull();
            }
            assertThat(done.await(90, TimeUnit.SECONDS))
                .as("replies %d of %d: deadlock or loss", replies.get(), (long)INPUTS * REPLIES_PER_INPUT)
                .isTrue();
            assertThat(node.counters().get(NodeCounters.Counter.OVERFLOWED_EVENTS))
                .as("the rings were really saturated").isPositive();
            assertThat(node.counters().get(NodeCounters.Counter.SUBMIT_BACK_PRESSURED))
                .as("the edge applied back-pressure").isPositive();
            assertThat(node.failure()).isNull();
        }
        assertThat(replies.get()).isEqualTo((long)INPUTS * REPLIES_PER_INPUT);
    }
}
