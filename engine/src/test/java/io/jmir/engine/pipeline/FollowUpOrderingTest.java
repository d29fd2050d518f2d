package io.jmir.engine.pipeline;

import io.jmir.engine.EventBuilder;
import io.jmir.engine.Node;
import io.jmir.engine.NodeDefinition;
import io.jmir.engine.SubmitResult;
import io.jmir.engine.TestEvents;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

@Timeout(60)
class FollowUpOrderingTest
{
    private static final long NEGATIVE_WAIT_MS = 150;
    private final List<String> log = Collections.synchronizedList(new ArrayList<>());

    @Test
    void shouldReleaseNestedFollowUpsOnlyAfterParentModuleReturnedAcrossStages() throws Exception
    {
        final CountDownLatch bSawAnything = new CountDownLatch(1);
        final CountDownLatch cSaw30 = new CountDownLatch(1);
        final CountDownLatch done = new CountDownLatch(2);
        final AtomicBoolean bEarly = new AtomicBoolean();
        final AtomicBoolean cEarly = new AtomicBoolean();
        final int[] ids = new int[3];

        final ScriptedModule src = new ScriptedModule((value, tag, event, emitter) ->
        {
            final TestEvents ev = new TestEvents();
            final EventBuilder b = ev.emitTick(emitter, ids[0], 10, 0);
            ev.encodeTick(b.followUp(ids[1]), 20, 0);
            ev.encodeTick(b.followUp(ids[2]), 30, 0).end();
            b.end();
            ev.encodeTick(b.followUp(ids[2]), 40, 0).end();
            b.commit();
        });
        final ScriptedModule a = new ScriptedModule((value, tag, event, emitter) ->
        {
            log.add("a:" + value + ":begin");
            bEarly.set(await(bSawAnything));
            log.add("a:" + value + ":end");
        });
        final ScriptedModule b = new ScriptedModule((value, tag, event, emitter) ->
        {
            bSawAnything.countDown();
            log.add("b:" + value + ":begin");
            cEarly.set(await(cSaw30));
            log.add("b:" + value + ":end");
        });
        final ScriptedModule c = new ScriptedModule((value, tag, event, emitter) ->
        {
            if (value == 30)
            {
                cSaw30.countDown();
            }
            log.add("c:" + value);
            done.countDown();
        });
        final NodeDefinition definition = new NodeDefinition(0, 1)
            .module("src", src).module("a", a).module("b", b).module("c", c);
        try (Node node = Node.launch(definition, new Node.Context()))
        {
            ids[0] = node.moduleId("a");
            ids[1] = node.moduleId("b");
            ids[2] = node.moduleId("c");
            final TestEvents events = new TestEvents();
            final int length = events.tick(1, 0);
            assertThat(node.submit(node.moduleId("src"), events.buffer(), 0, length)).isEqualTo(SubmitResult.ACCEPTED);
            assertThat(done.await(30, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(bEarly).as("b received a follow-up while a was still processing the parent").isFalse();
        assertThat(cEarly).as("c received a nested follow-up while b was still processing its parent").isFalse();
        assertThat(log.indexOf("a:10:end")).isLessThan(log.indexOf("b:20:begin"));
        assertThat(log.indexOf("b:20:end")).isLessThan(log.indexOf("c:30"));
        assertThat(log.indexOf("a:10:end")).isLessThan(log.indexOf("c:40"));
        assertThat(log).hasSize(6);
    }

    @Test
    void shouldHoldFollowUpsOfBatchingModuleUntilEndOfBatch() throws Exception
    {
        final CountDownLatch done = new CountDownLatch(3);
        final AtomicBoolean early = new AtomicBoolean();
        final int[] ids = new int[2];
        // Values appended in the current (still open) batch of "wal": b raises the alarm when it receives a
        // follow-up of one of them. Follow-ups of an earlier batch may legitimately reach b while a later batch is
        // open (wal and b run on different threads), so "b saw anything" would not do.
        final Set<Long> openBatch = ConcurrentHashMap.newKeySet();
        final CountDownLatch wrongRelease = new CountDownLatch(1);
        final ScriptedModule src = new ScriptedModule((value, tag, event, emitter) ->
        {
            final TestEvents ev = new TestEvents();
            final EventBuilder b = ev.emitTick(emitter, ids[0], 50 + tag, tag);
            ev.encodeTick(b.followUp(ids[1]), 60 + tag, tag).end();
            b.commit();
        });
        final ScriptedModule wal = new ScriptedModule((value, tag, event, emitter) ->
        {
            openBatch.add(value);
            log.add("w:" + value);
        }, true)
            .onEndOfBatch(emitter ->
            {
                // Give a wrongly released follow-up of this batch time to reach b (b raises the alarm).
                await(wrongRelease);
                openBatch.clear();
                log.add("w:eob");
            });
        final ScriptedModule b = new ScriptedModule((value, tag, event, emitter) ->
        {
            if (openBatch.contains(value - 10))
            {
                early.set(true);
                wrongRelease.countDown();
            }
            log.add("b:" + value);
            done.countDown();
        });
        final NodeDefinition definition = new NodeDefinition(0, 1).module("src", src).module("wal", wal).module("b", b);
        try (Node node = Node.launch(definition, new Node.Context()))
        {
            ids[0] = node.moduleId("wal");
            ids[1] = node.moduleId("b");
            final TestEvents events = new TestEvents();
            for (int i = 0; i < 3; i++)
            {
                final int length = events.tick(1, i);
                assertThat(node.submit(node.moduleId("src"), events.buffer(), 0, length))
                    .isEqualTo(SubmitResult.ACCEPTED);
            }
            assertThat(done.await(30, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(early).as("a held follow-up was released before onEndOfBatch returned").isFalse();
        for (int i = 0; i < 3; i++)
        {
            final int append = log.indexOf("w:" + (50 + i));
            final int eobAfterAppend = log.subList(append, log.size()).indexOf("w:eob") + append;
            assertThat(eobAfterAppend).isGreaterThan(append).isLessThan(log.indexOf("b:" + (60 + i)));
        }
    }

    @Test
    void shouldDeliverDeeplyNestedFollowUpsInOrder() throws Exception
    {
        final int depth = 20;
        final List<Long> seen = Collections.synchronizedList(new ArrayList<>());
        final CountDownLatch done = new CountDownLatch(depth);
        final int[] ids = new int[2];
        final ScriptedModule src = new ScriptedModule((value, tag, event, emitter) ->
        {
            final TestEvents ev = new TestEvents();
            final EventBuilder b = ev.emitTick(emitter, ids[0], 0, 0);
            for (int level = 1; level < depth; level++)
            {
                ev.encodeTick(b.followUp(ids[level % 2]), level, 0);
            }
            for (int level = 1; level < depth; level++)
            {
                b.end();
            }
            b.commit();
        });
        final ScriptedModule.TickHandler record = (value, tag, event, emitter) ->
        {
            seen.add(value);
            done.countDown();
        };
        final NodeDefinition definition = new NodeDefinition(0, 1)
            .module("src", src).module("x", new ScriptedModule(record)).module("y", new ScriptedModule(record));
        try (Node node = Node.launch(definition, new Node.Context()))
        {
            ids[0] = node.moduleId("x");
            ids[1] = node.moduleId("y");
            final TestEvents events = new TestEvents();
            final int length = events.tick(1, 0);
            assertThat(node.submit(node.moduleId("src"), events.buffer(), 0, length)).isEqualTo(SubmitResult.ACCEPTED);
            assertThat(done.await(30, TimeUnit.SECONDS)).isTrue();
        }
        final List<Long> expected = new ArrayList<>();
        for (long level = 0; level < depth; level++)
        {
            expected.add(level);
        }
        assertThat(seen).isEqualTo(expected);
    }

    /** Waits a short while for something that must NOT happen; returns true if it happened. */
    private static boolean await(final CountDownLatch latch)
    {
        try
        {
            return latch.await(NEGATIVE_WAIT_MS, TimeUnit.MILLISECONDS);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            return true;
        }
    }
}
