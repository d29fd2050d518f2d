package io.jmir.engine.pipeline;

import io.jmir.codecs.EnvelopeValidator;
import io.jmir.codecs.engine.MessageHeaderEncoder;
import io.jmir.engine.EventBuilder;
import io.jmir.engine.Node;
import io.jmir.engine.NodeCounters;
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

@Timeout(60)
class BadInputTest
{
    @Test
    void shouldRejectAndCountMalformedSubmissions() throws Exception
    {
        final List<Long> seen = Collections.synchronizedList(new ArrayList<>());
        final CountDownLatch done = new CountDownLatch(1);
        final ScriptedModule sink = new ScriptedModule((value, tag, event, emitter) ->
        {
            seen.add(value);
            done.countDown();
        });
        try (Node node = Node.launch(new NodeDefinition(0, 1).module("sink", sink),
            new Node.Context().slotCapacity(256)))
        {
            final int id = node.moduleId("sink");
            final TestEvents events = new TestEvents();
            final int length = events.tick(7, 0);
            final UnsafeBuffer garbage = new UnsafeBuffer(new byte[1024]);
            garbage.putBytes(0, events.buffer(), 0, length);
            garbage.putShort(4, (short)77, java.nio.ByteOrder.LITTLE_ENDIAN);

            assertThat(node.submit(id, garbage, 0, length)).as("unknown schema").isEqualTo(SubmitResult.REJECTED);
            assertThat(node.submit(id, events.buffer(), 0, 3)).as("truncated").isEqualTo(SubmitResult.REJECTED);
            assertThat(node.submit(id, garbage, 0, 600)).as("oversize").isEqualTo(SubmitResult.REJECTED);
            assertThat(node.submit(99, events.buffer(), 0, length)).as("unknown module")
                .isEqualTo(SubmitResult.REJECTED);
            assertThat(node.submit(id, garbage, 1000, 100)).as("out of bounds").isEqualTo(SubmitResult.REJECTED);
            assertThat(node.counters().get(NodeCounters.Counter.SUBMIT_REJECTED)).isEqualTo(5);

            assertThat(node.submit(id, events.buffer(), 0, length)).isEqualTo(SubmitResult.ACCEPTED);
            assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
            assertThat(seen).containsExactly(7L);
        }
    }

    @Test
    void shouldRejectAndCountMalformedEventsReachingAStageAndKeepRunning() throws Exception
    {
        final List<Long> seen = Collections.synchronizedList(new ArrayList<>());
        final CountDownLatch done = new CountDownLatch(1);
        final int[] sinkId = new int[1];
        final ScriptedModule evil = new ScriptedModule((value, tag, event, emitter) ->
        {
            final MessageHeaderEncoder header = new MessageHeaderEncoder();
            EventBuilder b = emitter.event(sinkId[0]);
            header.wrap(b.buffer(), b.payloadOffset()).blockLength(16).templateId(3).schemaId(77).version(1);
            b.payload(24).commit();

            b = emitter.event(sinkId[0]);
            header.wrap(b.buffer(), b.payloadOffset()).blockLength(500).templateId(3).schemaId(1).version(1);
            b.payload(24).commit();

            b = emitter.event(sinkId[0]);
            header.wrap(b.buffer(), b.payloadOffset()).blockLength(16).templateId(999).schemaId(1).version(1);
            b.payload(24).commit();

            new TestEvents().emitTick(emitter, sinkId[0], 42, 0).commit();
        });
        final ScriptedModule sink = new ScriptedModule((value, tag, event, emitter) ->
        {
            seen.add(value);
            done.countDown();
        });
        try (Node node = Node.launch(new NodeDefinition(0, 1).module("evil", evil).module("sink", sink),
            new Node.Context()))
        {
            sinkId[0] = node.moduleId("sink");
            final TestEvents events = new TestEvents();
            assertThat(node.submit(node.moduleId("evil"), events.buffer(), 0, events.tick(1, 0)))
                .isEqualTo(SubmitResult.ACCEPTED);
            assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
            assertThat(seen).containsExactly(42L);
            final NodeCounters counters = node.counters();
            assertThat(counters.get(NodeCounters.Counter.MALFORMED_EVENTS)).isEqualTo(3);
            assertThat(counters.malformedCount(EnvelopeValidator.Result.UNKNOWN_SCHEMA)).isEqualTo(1);
            assertThat(counters.malformedCount(EnvelopeValidator.Result.BAD_PAYLOAD_HEADER)).isEqualTo(1);
            assertThat(counters.malformedCount(EnvelopeValidator.Result.UNKNOWN_TEMPLATE)).isEqualTo(1);
            assertThat(node.isRunning()).isTrue();
            assertThat(node.failure()).isNull();
        }
    }
}
