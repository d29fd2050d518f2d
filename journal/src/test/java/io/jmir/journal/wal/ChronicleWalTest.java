package io.jmir.journal.wal;

import io.jmir.engine.ConfigurationException;
import io.jmir.engine.NodeDefinition;
import io.jmir.journal.JournalFields;
import io.jmir.journal.JournalHeader;
import io.jmir.journal.JournalKind;
import io.jmir.journal.JournalMismatchException;
import io.jmir.journal.MiniRuntime;
import io.jmir.journal.SyncPolicy;
import io.jmir.journal.TestJournals;
import io.jmir.journal.TestProtocol;
import io.jmir.journal.TickSink;
import io.jmir.journal.internal.JournalQueue;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ChronicleWalTest
{
    private static final long PADDING = 0x5A5A_5A5A_5A5A_5A5AL;

    @TempDir
    Path tmp;

    private final UnsafeBuffer scratch = new UnsafeBuffer(new byte[256]);

    private final class Run implements AutoCloseable
    {
        final TestProtocol protocol = new TestProtocol("wal", "sink", PADDING);
        final ChronicleWal wal;
        final TickSink sink;
        final MiniRuntime runtime;

        Run(final Path dir, final int nodeId, final int nodeCount, final ChronicleWal.Context context,
            final java.util.function.LongConsumer onFollowUp)
        {
            wal = new ChronicleWal(context.directory(dir));
            sink = new TickSink(onFollowUp);
            final NodeDefinition definition = new NodeDefinition(nodeId, nodeCount)
                .module("protocol", protocol).module("wal", wal).module("sink", sink);
            runtime = new MiniRuntime(definition, 64);
            runtime.start();
            runtime.runUntilIdle(1_000_000);
        }

        void tick(final long retention, final long count)
        {
            runtime.inject(0, scratch, 0, TestJournals.tick(scratch, retention, count));
            runtime.runUntilIdle(1_000_000);
        }

        void truncate(final long retention)
        {
            runtime.inject(1, scratch, 0, TestJournals.walTruncate(scratch, retention));
            runtime.runUntilIdle(1_000_000);
        }

        List<Long> recoveredValues()
        {
            return protocol.recovered().stream().map((r) -> r[2]).collect(Collectors.toList());
        }

        @Override
        public void close()
        {
            runtime.close();
        }
    }

    private Run run(final Path dir)
    {
        return new Run(dir, 0, 1, new ChronicleWal.Context(), (v) -> { });
    }

    @Test
    void shouldReplayEveryAppendedEntryInOrderAfterRestart()
    {
        final Path dir = tmp.resolve("wal");
        try (Run run = run(dir))
        {
            assertThat(run.protocol.recovered()).isEmpty();
            run.tick(7, 5);
            run.tick(8, 3);
            assertThat(run.sink.values()).containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L);
            assertThat(run.wal.appended()).isEqualTo(8);
        }
        try (Run run = run(dir))
        {
            assertThat(run.recoveredValues()).containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L);
            assertThat(run.protocol.recovered().stream().map((r) -> r[0]).collect(Collectors.toList()))
                .containsExactly(7L, 7L, 7L, 7L, 7L, 8L, 8L, 8L);
            final List<Long> walIndexes = run.protocol.recovered().stream().map((r) -> r[1])
                .collect(Collectors.toList());
            assertThat(walIndexes).isSorted().doesNotHaveDuplicates();
            assertThat(run.wal.lastRecovery().entriesRecovered()).isEqualTo(8);
            assertThat(run.wal.lastRecovery().stoppedAtCorruption()).isFalse();
            run.tick(9, 2);
            assertThat(run.sink.values()).containsExactly(9L, 10L);
        }
        try (Run run = run(dir))
        {
            assertThat(run.recoveredValues()).containsExactlyElementsOf(
                LongStream.rangeClosed(1, 10).boxed().collect(Collectors.toList()));
        }
    }

    @Test
    void shouldReleaseFollowUpsOnlyAfterTheWholeBatchIsWritten()
    {
        final Path dir = tmp.resolve("wal");
        final List<Long> entriesVisibleAtFollowUp = new ArrayList<>();
        final long[] appendedAtFollowUp = new long[1];
        final Run[] holder = new Run[1];
        try (Run run = new Run(dir, 0, 1, new ChronicleWal.Context(), (value) ->
        {
            entriesVisibleAtFollowUp.add(countEntries(dir));
            appendedAtFollowUp[0] = Math.max(appendedAtFollowUp[0], holder[0].wal.appended());
        }))
        {
            holder[0] = run;
            assertThat(run.wal.holdsFollowUpsUntilEndOfBatch()).isTrue();
            run.tick(1, 10);
            assertThat(run.sink.values()).hasSize(10);
            assertThat(entriesVisibleAtFollowUp).containsOnly(10L);
            assertThat(appendedAtFollowUp[0]).isEqualTo(10);
        }
    }

    @Test
    void shouldTruncateWholeCyclesBelowTheRetentionIndexAndNeverReplayOlderEntries() throws Exception
    {
        final Path dir = tmp.resolve("wal");
        try (Run run = run(dir))
        {
            run.tick(1, 5);
            final int firstCycle = run.wal.currentCycle();
            run.truncate(1);
            assertThat(run.wal.currentCycle()).isEqualTo(firstCycle + 1);
            run.tick(2, 5);
            assertThat(TestJournals.cycleFiles(dir)).hasSize(2);
            run.truncate(2);
            assertThat(TestJournals.cycleFiles(dir)).hasSize(2)
                .doesNotContain(new JournalQueueView(dir).file(firstCycle));
            run.tick(2, 1);
            run.tick(3, 5);
            assertThat(run.wal.truncatedBelow()).isEqualTo(2);
        }
        try (Run run = run(dir))
        {
            assertThat(run.recoveredValues()).containsExactlyElementsOf(
                LongStream.rangeClosed(6, 16).boxed().collect(Collectors.toList()));
            run.truncate(3);
        }
        try (Run run = run(dir))
        {
            assertThat(run.recoveredValues()).containsExactlyElementsOf(
                LongStream.rangeClosed(12, 16).boxed().collect(Collectors.toList()));
            assertThat(run.wal.lastRecovery().truncatedBelow()).isEqualTo(3);
            assertThat(run.wal.lastRecovery().entriesBelowTruncation()).isEqualTo(1);
        }
    }

    @Test
    void shouldRollAfterTheConfiguredNumberOfEntries() throws Exception
    {
        final Path dir = tmp.resolve("wal");
        try (Run run = new Run(dir, 0, 1, new ChronicleWal.Context().entriesPerCycle(4), (v) -> { }))
        {
            final int first = run.wal.currentCycle();
            run.tick(1, 10);
            assertThat(run.wal.currentCycle()).isEqualTo(first + 2);
            assertThat(TestJournals.cycleFiles(dir)).hasSize(3);
        }
        try (Run run = run(dir))
        {
            assertThat(run.recoveredValues()).hasSize(10);
        }
    }

    @Test
    void shouldRefuseTheWalOfAnotherNode()
    {
        final Path dir = tmp.resolve("wal");
        try (Run run = new Run(dir, 0, 2, new ChronicleWal.Context(), (v) -> { }))
        {
            run.tick(1, 1);
        }
        assertThatThrownBy(() -> new Run(dir, 1, 2, new ChronicleWal.Context(), (v) -> { }))
            .isInstanceOf(JournalMismatchException.class)
            .hasMessageContaining("belongs to node 0")
            .hasMessageContaining("node 1");
    }

    @Test
    void shouldRefuseAJournalWrittenWithANewerSchemaVersion()
    {
        final Path dir = tmp.resolve("wal");
        TestJournals.appendRaw(dir, 1, (wire) -> new JournalHeader(JournalKind.WAL, 0, JournalFields.FORMAT_VERSION,
            1, 99, true, -1, Long.MIN_VALUE, 0, new String[0]).write(wire));
        assertThatThrownBy(() -> run(dir))
            .isInstanceOf(JournalMismatchException.class)
            .hasMessageContaining("engine schema version 99");
    }

    @Test
    void shouldRefuseAnotherKindOfJournal()
    {
        final Path dir = tmp.resolve("events");
        TestJournals.appendRaw(dir, 1, (wire) -> JournalHeader.current(JournalKind.EVENTS, 0, true, -1,
            Long.MIN_VALUE, 1, new String[]{ "a" }).write(wire));
        assertThatThrownBy(() -> run(dir))
            .isInstanceOf(JournalMismatchException.class)
            .hasMessageContaining("'events' journal");
    }

    @Test
    void shouldRefuseAQueueThatIsNotAJmirJournal()
    {
        final Path dir = tmp.resolve("foreign");
        TestJournals.appendRaw(dir, 1, (wire) -> wire.write("hello").text("world"));
        assertThatThrownBy(() -> run(dir))
            .isInstanceOf(JournalMismatchException.class)
            .hasMessageContaining("does not start with a jmir journal header");
    }

    @Test
    void shouldStopRecoveryAtACorruptedEntryAndResumeAfterItOnTheNextStart() throws Exception
    {
        final Path dir = tmp.resolve("wal");
        try (Run run = run(dir))
        {
            run.tick(1, 10);
        }
        assertThat(TestJournals.flipAfterPattern(dir, PADDING, 7L, 8)).isTrue();
        final long corruptIndex;
        try (Run run = run(dir))
        {
            final WalRecoveryReport report = run.wal.lastRecovery();
            assertThat(run.recoveredValues()).containsExactly(1L, 2L, 3L, 4L, 5L, 6L);
            assertThat(report.stoppedAtCorruption()).isTrue();
            assertThat(report.corruptionReason()).contains("checksum mismatch");
            assertThat(report.corruptionIndex()).isEqualTo(report.lastGoodIndex() + 1);
            assertThat(report.lastGoodIndex()).isEqualTo(run.protocol.recovered().get(5)[1]);
            assertThat(report.entriesDiscarded()).isEqualTo(3);
            assertThat(report.toString()).contains("STOPPED at index").contains("checksum mismatch");
            corruptIndex = report.corruptionIndex();
            assertThat(run.protocol.nextValue()).isEqualTo(7);
            run.tick(2, 3);
        }
        try (Run run = run(dir))
        {
            assertThat(run.recoveredValues()).containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L);
            assertThat(run.wal.lastRecovery().stoppedAtCorruption()).isFalse();
            assertThat(run.protocol.recovered().stream().map((r) -> r[1])).doesNotContain(corruptIndex);
        }
    }

    @Test
    void shouldStopRecoveryAtATornEntry()
    {
        final Path dir = tmp.resolve("wal");
        final int cycle;
        try (Run run = run(dir))
        {
            run.tick(1, 4);
            cycle = run.wal.currentCycle();
        }
        TestJournals.appendRaw(dir, cycle, (wire) -> wire.write(JournalFields.TYPE).text(JournalFields.TYPE_WAL_ENTRY)
            .write(JournalFields.NODE).int32(0).write(JournalFields.RETENTION_INDEX).int64(1));
        try (Run run = run(dir))
        {
            assertThat(run.recoveredValues()).containsExactly(1L, 2L, 3L, 4L);
            final WalRecoveryReport report = run.wal.lastRecovery();
            assertThat(report.stoppedAtCorruption()).isTrue();
            assertThat(report.corruptionReason()).contains("'entryType' missing");
            assertThat(report.corruptionIndex()).isEqualTo(report.lastGoodIndex() + 1);
        }
    }

    @ParameterizedTest
    @EnumSource(SyncPolicy.class)
    void shouldRecoverUnderEverySyncPolicy(final SyncPolicy policy)
    {
        final Path dir = tmp.resolve("wal-" + policy);
        try (Run run = new Run(dir, 0, 1, new ChronicleWal.Context().syncPolicy(policy).entriesPerCycle(3),
            (v) -> { }))
        {
            run.tick(1, 5);
            run.truncate(1);
            run.tick(2, 2);
        }
        try (Run run = run(dir))
        {
            assertThat(run.recoveredValues()).containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L);
        }
    }

    @Test
    void shouldDropMalformedAndUnexpectedEventsWithoutFailing()
    {
        final Path dir = tmp.resolve("wal");
        try (Run run = run(dir))
        {
            run.runtime.inject(1, scratch, 0, TestJournals.tick(scratch, 1, 1));
            final io.jmir.codecs.engine.WalAppendEncoder append = new io.jmir.codecs.engine.WalAppendEncoder();
            append.wrapAndApplyHeader(scratch, 0, new io.jmir.codecs.engine.MessageHeaderEncoder())
                .retentionIndex(1).putEntry(new byte[8], 0, 8);
            final int length = append.limit();
            scratch.putInt(length - 12, 1_000_000, java.nio.ByteOrder.LITTLE_ENDIAN);
            run.runtime.inject(1, scratch, 0, length);
            run.runtime.runUntilIdle(100);
            assertThat(run.wal.ignoredEvents()).isEqualTo(1);
            assertThat(run.wal.malformedEvents()).isEqualTo(1);
            assertThat(run.wal.appended()).isZero();
        }
    }

    @Test
    void shouldRejectInvalidConfigurationNamingTheKey()
    {
        assertThatThrownBy(() -> new ChronicleWal(new ChronicleWal.Context()))
            .isInstanceOf(ConfigurationException.class).hasMessageContaining("wal.directory");
        assertThatThrownBy(() -> new ChronicleWal(new ChronicleWal.Context().directory(tmp).entriesPerCycle(-1)))
            .isInstanceOf(ConfigurationException.class).hasMessageContaining("wal.entriesPerCycle");
    }

    private static long countEntries(final Path dir)
    {
        long count = 0;
        try (var queue = net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder.binary(dir.toFile())
            .rollCycle(JournalQueue.ROLL_CYCLE).readOnly(true).build();
            var tailer = queue.createTailer())
        {
            while (true)
            {
                try (var dc = tailer.readingDocument())
                {
                    if (!dc.isPresent())
                    {
                        break;
                    }
                    if (JournalFields.TYPE_WAL_ENTRY.equals(dc.wire().read(JournalFields.TYPE).text()))
                    {
                        count++;
                    }
                }
            }
        }
        return count;
    }

    private record JournalQueueView(Path dir)
    {
        Path file(final int cycle)
        {
            try (JournalQueue queue = new JournalQueue(dir, JournalKind.WAL, SyncPolicy.NONE, 1000))
            {
                return queue.cycleFile(cycle).toPath();
            }
        }
    }
}
