package io.jmir.engine.pipeline;

import io.jmir.codecs.EnvelopeValidator;
import io.jmir.codecs.engine.MessageHeaderEncoder;
import io.jmir.codecs.engine.TickEncoder;
import io.jmir.engine.EventBuilder;
import io.jmir.engine.FaultPolicy;
import io.jmir.engine.IdleMode;
import io.jmir.engine.ModuleFailure;
import io.jmir.engine.Node;
import io.jmir.engine.NodeDefinition;
import io.jmir.engine.SubmitResult;
import io.jmir.engine.TestEvents;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The hop's fast paths (Emitter.emit written straight into the slot by address, the stage's drain loop over the
 * slot ring) keep the envelope semantics: follow-ups, nested ones included, are released only after the parent's
 * destination returned, in order with direct emits; a bad emit source range fails the module before any slot is
 * claimed, so the destination ring keeps flowing. Both ring kinds: single-producer (one shared thread) and
 * multi-producer (a thread per module).
 */
@Timeout(60)
class HopFastPathTest
{
    private final List<String> log = Collections.synchronizedList(new ArrayList<>());

    @Test
    void shouldReleaseNestedFollowUpsInOrderWithFastPathEmitsOnOneSharedThread() throws Exception
    {
        final List<String> seen = runFollowUpsAndDirectEmits(new Node.Context().sharedThread(IdleMode.BLOCKING));
        assertThat(seen).containsExactly("a:10", "b:21", "b:20", "c:31", "c:10", "c:30");
    }

    @Test
    void shouldReleaseNestedFollowUpsAfterTheirParentsWithFastPathEmitsOnThreadsPerStage() throws Exception
    {
        final List<String> seen = runFollowUpsAndDirectEmits(new Node.Context());
        assertThat(seen).containsOnlyOnce("a:10", "b:21", "b:20", "c:31", "c:10", "c:30").hasSize(6);
        assertThat(seen.indexOf("b:20")).as("follow-up after its parent's module returned")
            .isGreaterThan(seen.indexOf("a:10"));
        assertThat(seen.indexOf("c:30")).as("nested follow-up after its parent (itself a follow-up) was processed")
            .isGreaterThan(seen.indexOf("b:20"));
        assertThat(seen.indexOf("c:30")).as("a's direct emit reached c before the follow-up a's event released")
            .isGreaterThan(seen.indexOf("c:10"));
    }

    @Test
    void shouldFailTheModuleBeforeClaimingWhenAnEmitSourceRangeIsOutOfBoundsOnThreadsPerStage() throws Exception
    {
        runBadSourceRange(new Node.Context());
    }

    @Test
    void shouldFailTheModuleBeforeClaimingWhenAnEmitSourceRangeIsOutOfBoundsOnOneSharedThread() throws Exception
    {
        runBadSourceRange(new Node.Context().sharedThread(IdleMode.BLOCKING));
    }

    @Test
    void shouldStillValidateAnotherSliceOfTheEventBeingDispatched() throws Exception
    {
        final CountDownLatch sinkSaw = new CountDownLatch(1);
        final int[] sinkId = new int[1];
        // Forwarding the received payload as is skips the re-validation; any other range of the same buffer
        // (here the payload one byte short: its block no longer fits) is checked as usual.
        final ScriptedModule forwarder = new ScriptedModule((value, tag, event, emitter) ->
        {
            emitter.emit(sinkId[0], event.buffer(), event.payloadOffset(), event.payloadLength() - 1);
            emitter.emit(sinkId[0], event.buffer(), event.payloadOffset(), event.payloadLength());
        });
        final ScriptedModule sink = new ScriptedModule((value, tag, event, emitter) ->
        {
            log.add("sink:" + value + ":" + event.payloadLength());
            sinkSaw.countDown();
        });
        try (Node node = Node.launch(new NodeDefinition(0, 1).module("forwarder", forwarder).module("sink", sink),
            new Node.Context().sharedThread(IdleMode.BLOCKING)))
        {
            sinkId[0] = node.moduleId("sink");
            final TestEvents events = new TestEvents();
            final int length = events.tick(7, 0);
            assertThat(node.submit(node.moduleId("forwarder"), events.buffer(), 0, length))
                .isEqualTo(SubmitResult.ACCEPTED);
            assertThat(sinkSaw.await(10, TimeUnit.SECONDS)).isTrue();
            assertThat(node.counters().malformedCount(EnvelopeValidator.Result.BAD_PAYLOAD_HEADER)).isEqualTo(1);
            assertThat(node.failure()).isNull();
            assertThat(log).containsExactly("sink:7:" + length);
        }
    }

    private List<String> runFollowUpsAndDirectEmits(final Node.Context context) throws Exception
    {
        final CountDownLatch done = new CountDownLatch(6);
        final int[] ids = new int[3];
        final TestEvents direct = new TestEvents();
        final ScriptedModule src = new ScriptedModule((value, tag, event, emitter) ->
        {
            final TestEvents ev = new TestEvents();
            // a:10 with follow-up b:20, which carries the nested follow-up c:30 ...
            final EventBuilder b = ev.emitTick(emitter, ids[0], 10, 0);
            ev.encodeTick(b.followUp(ids[1]), 20, 0);
            ev.encodeTick(b.followUp(ids[2]), 30, 0).end();
            b.end();
            b.commit();
            // ... then direct emits (fast path, copied from a heap buffer) to b and c.
            emitter.emit(ids[1], direct.buffer(), 0, direct.tick(21, 0));
            emitter.emit(ids[2], direct.buffer(), 0, direct.tick(31, 0));
        });
        final ScriptedModule a = new ScriptedModule((value, tag, event, emitter) ->
        {
            log.add("a:" + value);
            done.countDown();
            // Forward the received payload as is (fast path, copied from the ring slot).
            emitter.emit(ids[2], event.buffer(), event.payloadOffset(), event.payloadLength());
        });
        final ScriptedModule b = new ScriptedModule((value, tag, event, emitter) ->
        {
            log.add("b:" + value);
            done.countDown();
        });
        final ScriptedModule c = new ScriptedModule((value, tag, event, emitter) ->
        {
            log.add("c:" + value);
            done.countDown();
        });
        final NodeDefinition definition = new NodeDefinition(0, 1)
            .module("src", src).module("a", a).module("b", b).module("c", c);
        try (Node node = Node.launch(definition, context))
        {
            ids[0] = node.moduleId("a");
            ids[1] = node.moduleId("b");
            ids[2] = node.moduleId("c");
            final TestEvents events = new TestEvents();
            final int length = events.tick(1, 0);
            assertThat(node.submit(node.moduleId("src"), events.buffer(), 0, length)).isEqualTo(SubmitResult.ACCEPTED);
            assertThat(done.await(30, TimeUnit.SECONDS)).isTrue();
            assertThat(node.failure()).isNull();
        }
        return new ArrayList<>(log);
    }

    private void runBadSourceRange(final Node.Context context) throws Exception
    {
        final CountDownLatch failed = new CountDownLatch(1);
        final CountDownLatch sinkSaw = new CountDownLatch(3);
        final List<ModuleFailure> failures = Collections.synchronizedList(new ArrayList<>());
        final int[] sinkId = new int[1];
        // A valid Tick header at offset 8 of a 24-byte buffer: the header passes the emission check, but the
        // claimed range (8 + 24 bytes) runs past the buffer's end.
        final UnsafeBuffer shortBuffer = new UnsafeBuffer(new byte[24]);
        new TickEncoder().wrapAndApplyHeader(shortBuffer, 8, new MessageHeaderEncoder());
        final int tickLength = MessageHeaderEncoder.ENCODED_LENGTH + TickEncoder.BLOCK_LENGTH;
        final ScriptedModule bad = new ScriptedModule(
            (value, tag, event, emitter) -> emitter.emit(sinkId[0], shortBuffer, 8, tickLength));
        final ScriptedModule good = new ScriptedModule(
            (value, tag, event, emitter) -> emitter.emit(sinkId[0], event.buffer(), event.payloadOffset(),
            event.payloadLength()));
        final ScriptedModule sink = new ScriptedModule((value, tag, event, emitter) ->
        {
            log.add("sink:" + value);
            sinkSaw.countDown();
        });
        context.faultPolicy(FaultPolicy.ISOLATE_MODULE).failureHandler(failure ->
        {
            failures.add(failure);
            failed.countDown();
        });
        try (Node node = Node.launch(
            new NodeDefinition(0, 1).module("bad", bad).module("good", good).module("sink", sink), context))
        {
            sinkId[0] = node.moduleId("sink");
            final TestEvents events = new TestEvents();
            assertThat(node.submit(node.moduleId("bad"), events.buffer(), 0, events.tick(1, 0)))
                .isEqualTo(SubmitResult.ACCEPTED);
            assertThat(failed.await(10, TimeUnit.SECONDS)).isTrue();
            for (int i = 1; i <= 3; i++)
            {
                assertThat(node.submit(node.moduleId("good"), events.buffer(), 0, events.tick(100 + i, 0)))
                    .isEqualTo(SubmitResult.ACCEPTED);
            }
            assertThat(sinkSaw.await(10, TimeUnit.SECONDS))
                .as("the sink's ring still delivers after the failed emit").isTrue();
            assertThat(node.isRunning()).isTrue();
        }
        assertThat(failures).hasSize(1);
        assertThat(failures.get(0).moduleName()).isEqualTo("bad");
        assertThat(failures.get(0).cause()).isInstanceOf(IndexOutOfBoundsException.class);
        assertThat(log).containsExactly("sink:101", "sink:102", "sink:103");
    }
}
