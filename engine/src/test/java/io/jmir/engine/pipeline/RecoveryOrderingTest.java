package io.jmir.engine.pipeline;

import io.jmir.engine.Emitter;
import io.jmir.engine.Event;
import io.jmir.engine.Module;
import io.jmir.engine.ModuleContext;
import io.jmir.engine.Node;
import io.jmir.engine.NodeDefinition;
import io.jmir.engine.RecoverySource;
import io.jmir.engine.SubmitResult;
import io.jmir.engine.Submissions;
import io.jmir.engine.TestEvents;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Recovered events that do not fit the destination ring wait in overflow; no submission may overtake them.
 */
@Timeout(60)
class RecoveryOrderingTest
{
    private static final int RECOVERED = 1_000;
    private static final long MARKER = -1;

    private static final class Replayer implements Module, RecoverySource
    {
        private final TestEvents events = new TestEvents();
        private int protocolId;

        @Override
        public void onAttach(final ModuleContext context)
        {
            protocolId = context.moduleId("protocol");
        }

        @Override
        public void onEvent(final Event event, final Emitter emitter)
        {
        }

        @Override
        public void recover(final Emitter emitter)
        {
            for (int i = 0; i < RECOVERED; i++)
            {
                events.emitTick(emitter, protocolId, i, 0).commit();
            }
        }
    }

    @Test
    void shouldDeliverEveryRecoveredEventBeforeAnySubmission() throws Exception
    {
        final List<Long> seen = Collections.synchronizedList(new ArrayList<>());
        final CountDownLatch markerSeen = new CountDownLatch(1);
        final ScriptedModule protocol = new ScriptedModule((value, tag, event, emitter) ->
        {
            seen.add(value);
            if (value == MARKER)
            {
                markerSeen.countDown();
            }
        });
        try (Node node = Node.launch(new NodeDefinition(0, 1).module("wal", new Replayer())
            .module("protocol", protocol), new Node.Context().ringSize(8)))
        {
            final TestEvents events = new TestEvents();
            final int length = events.tick(MARKER, 0);
            assertThat(Submissions.submit(node, node.moduleId("protocol"), events.buffer(), 0, length))
                .isEqualTo(SubmitResult.ACCEPTED);
            assertThat(markerSeen.await(30, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(seen).hasSize(RECOVERED + 1);
        for (int i = 0; i < RECOVERED; i++)
        {
            assertThat(seen.get(i)).isEqualTo(i);
        }
        assertThat(seen.get(RECOVERED)).isEqualTo(MARKER);
    }
}
