package io.jmir.journal;

import io.jmir.engine.IdleMode;
import io.jmir.engine.Node;
import io.jmir.engine.NodeDefinition;
import io.jmir.engine.SubmitResult;
import io.jmir.journal.eventlog.ChronicleEventLog;
import io.jmir.journal.read.JournalReader;
import io.jmir.journal.read.JournalRecord;
import io.jmir.journal.wal.ChronicleWal;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The WAL and the event log in a real pipeline {@link Node}: group commit on Disruptor batches, recovery at launch
 * before any submission, and a complete event log of the run.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class JournalNodeTest
{
    @TempDir
    Path tmp;

    private TestProtocol launchAndRun(final Path data, final int ticks, final int perTick) throws Exception
    {
        final TestProtocol protocol = new TestProtocol("wal", "sink", 0);
        final CountDownLatch done = new CountDownLatch(ticks * perTick);
        final NodeDefinition definition = new NodeDefinition(0, 1)
            .module("protocol", protocol)
            .module("wal", new ChronicleWal(new ChronicleWal.Context().directory(data.resolve("wal"))))
            .module("sink", new TickSink((v) -> done.countDown()));
        definition.interceptor(new ChronicleEventLog(data.resolve("events"), definition));
        final UnsafeBuffer scratch = new UnsafeBuffer(new byte[64]);
        try (Node node = Node.launch(definition, new Node.Context().defaultIdleMode(IdleMode.BLOCKING)))
        {
            final long recovered = ((ChronicleWal)definition.module(1)).lastRecovery().entriesRecovered();
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (protocol.recoveredCount() < recovered)
            {
                assertThat(System.nanoTime()).as("protocol processed the recovered entries").isLessThan(deadline);
                LockSupport.parkNanos(1_000_000);
            }
            for (int i = 0; i < ticks; i++)
            {
                final int length = TestJournals.tick(scratch, i, perTick);
                while (node.submit(node.moduleId("protocol"), scratch, 0, length) == SubmitResult.BACK_PRESSURED)
                {
                    LockSupport.parkNanos(100_000);
                }
            }
            assertThat(done.await(30, TimeUnit.SECONDS)).isTrue();
            assertThat(node.failure()).isNull();
        }
        return protocol;
    }

    @Test
    void shouldRecoverThePipelineRunsWalAtLaunchAndLogEveryDispatchedEvent() throws Exception
    {
        final Path data = tmp.resolve("node-0");
        final TestProtocol first = launchAndRun(data, 50, 4);
        assertThat(first.recovered()).isEmpty();
        final TestProtocol second = launchAndRun(data, 1, 1);
        assertThat(second.recovered().stream().map((r) -> r[2]).collect(Collectors.toList()))
            .containsExactlyElementsOf(LongStream.rangeClosed(1, 200).boxed().collect(Collectors.toList()));
        assertThat(second.nextValue()).isEqualTo(202);

        final Map<String, Integer> counts = new HashMap<>();
        try (JournalReader reader = new JournalReader(data.resolve("events")))
        {
            final JournalRecord record = new JournalRecord();
            long expectedSeq = 0;
            while (reader.next(record))
            {
                if ("Event".equals(record.type()))
                {
                    assertThat(record.getLong("seq", -1)).isEqualTo(expectedSeq++);
                    counts.merge(record.getText("module") + "<-" + record.getText("event"), 1, Integer::sum);
                }
            }
        }
        assertThat(counts).containsEntry("wal<-WalAppend", 201).containsEntry("sink<-Tick", 201)
            .containsEntry("protocol<-WalEntryLoaded", 200).containsEntry("protocol<-Tick", 51)
            .containsEntry("protocol<-Init", 2);
        assertThat(counts.keySet()).hasSize(7);
    }
}
