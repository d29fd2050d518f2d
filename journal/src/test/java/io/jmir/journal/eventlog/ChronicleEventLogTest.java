package io.jmir.journal.eventlog;

import io.jmir.codecs.EnvelopeLayout;
import io.jmir.engine.NodeDefinition;
import io.jmir.journal.ChildJvm;
import io.jmir.journal.JournalFields;
import io.jmir.journal.JournalKind;
import io.jmir.journal.JournalMismatchException;
import io.jmir.journal.MiniRuntime;
import io.jmir.journal.TestJournals;
import io.jmir.journal.TestProtocol;
import io.jmir.journal.TickSink;
import io.jmir.journal.read.JournalReader;
import io.jmir.journal.read.JournalRecord;
import io.jmir.journal.wal.ChronicleWal;
import net.openhft.chronicle.queue.ChronicleReaderMain;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ChronicleEventLogTest
{
    @TempDir
    Path tmp;

    private final UnsafeBuffer scratch = new UnsafeBuffer(new byte[256]);

    private NodeDefinition node(final int nodeId, final Path walDir)
    {
        return new NodeDefinition(nodeId, 3)
            .module("protocol", new TestProtocol("wal", "sink", 0))
            .module("wal", new ChronicleWal(new ChronicleWal.Context().directory(walDir)))
            .module("sink", new TickSink((v) -> { }));
    }

    private long runNode(final Path events, final Path wal, final int ticks)
    {
        final NodeDefinition definition = node(0, wal);
        final ChronicleEventLog log = new ChronicleEventLog(events, definition);
        definition.interceptor(log);
        long dispatched;
        try (MiniRuntime runtime = new MiniRuntime(definition, 8))
        {
            runtime.start();
            dispatched = runtime.runUntilIdle(10_000);
            for (int i = 0; i < ticks; i++)
            {
                runtime.inject(0, scratch, 0, TestJournals.tick(scratch, i, 2));
                dispatched += runtime.runUntilIdle(10_000);
            }
        }
        return dispatched;
    }

    private static List<JournalRecord> readAll(final Path dir)
    {
        final List<JournalRecord> records = new ArrayList<>();
        try (JournalReader reader = new JournalReader(dir))
        {
            final JournalRecord record = new JournalRecord();
            while (reader.next(record))
            {
                records.add(record.copy());
            }
        }
        return records;
    }

    @Test
    void shouldRecordEveryDispatchedEventWithNodeModuleTypeSequenceTimeAndEnvelope()
    {
        final Path events = tmp.resolve("events");
        final long dispatched = runNode(events, tmp.resolve("wal"), 3);
        final List<JournalRecord> records = readAll(events);
        assertThat(records.get(0).type()).isEqualTo(JournalFields.TYPE_HEADER);
        assertThat(records.get(0).getText(JournalFields.MODULES)).isEqualTo("protocol,wal,sink");
        assertThat(records.get(0).getLong(JournalFields.NODE_COUNT, 0)).isEqualTo(3);
        final List<JournalRecord> eventRecords = records.stream()
            .filter((r) -> JournalFields.TYPE_EVENT.equals(r.type())).collect(Collectors.toList());
        assertThat((long)eventRecords.size()).isEqualTo(dispatched);
        for (int i = 0; i < eventRecords.size(); i++)
        {
            final JournalRecord record = eventRecords.get(i);
            assertThat(record.getLong(JournalFields.SEQ, -1)).isEqualTo(i);
            assertThat(record.getLong(JournalFields.NODE, -1)).isZero();
            final byte[] envelope = record.getBytes(JournalFields.ENVELOPE);
            final UnsafeBuffer buffer = new UnsafeBuffer(envelope);
            assertThat(EnvelopeLayout.totalLength(buffer, 0)).isEqualTo(envelope.length);
            assertThat(record.getLong(JournalFields.MODULE_ID, -1)).isEqualTo(EnvelopeLayout.destination(buffer, 0));
            assertThat(record.getLong(JournalFields.SOURCE_ID, -1)).isEqualTo(EnvelopeLayout.source(buffer, 0));
        }
        assertThat(eventRecords.stream().map((r) -> r.getText(JournalFields.EVENT)).distinct())
            .contains("Init", "Tick", "WalAppend");
        assertThat(eventRecords.stream().filter((r) -> "WalAppend".equals(r.getText(JournalFields.EVENT))))
            .hasSize(6)
            .allMatch((r) -> "wal".equals(r.getText(JournalFields.MODULE)) &&
                "protocol".equals(r.getText(JournalFields.SOURCE)));
        assertThat(eventRecords.stream().filter((r) -> "Init".equals(r.getText(JournalFields.EVENT))))
            .allMatch((r) -> JournalFields.EXTERNAL.equals(r.getText(JournalFields.SOURCE)));
        final List<Long> times = eventRecords.stream().map((r) -> r.getLong(JournalFields.TIME_NS, -1))
            .collect(Collectors.toList());
        assertThat(times).isSorted();
    }

    @Test
    void shouldContinueTheSequenceInANewSessionAndRefuseAnotherNodesLog()
    {
        final Path events = tmp.resolve("events");
        final long first = runNode(events, tmp.resolve("wal"), 1);
        runNode(events, tmp.resolve("wal"), 1);
        final List<Long> seqs = readAll(events).stream().filter((r) -> JournalFields.TYPE_EVENT.equals(r.type()))
            .map((r) -> r.getLong(JournalFields.SEQ, -1)).collect(Collectors.toList());
        assertThat(seqs.get((int)first)).isEqualTo(first);
        for (int i = 0; i < seqs.size(); i++)
        {
            assertThat(seqs.get(i)).isEqualTo(i);
        }
        assertThatThrownBy(() -> new ChronicleEventLog(events, node(1, tmp.resolve("wal1"))))
            .isInstanceOf(JournalMismatchException.class).hasMessageContaining("belongs to node 0");
        try (JournalReader reader = new JournalReader(events))
        {
            assertThat(reader.kind()).isEqualTo(JournalKind.EVENTS);
        }
    }

    @Test
    void shouldRecordConcurrentDispatchesFromManyThreadsWithAGaplessSequence() throws Exception
    {
        final Path events = tmp.resolve("events");
        final NodeDefinition definition = node(0, tmp.resolve("wal"));
        final ChronicleEventLog log = new ChronicleEventLog(events, definition);
        final int threads = 4;
        final int perThread = 5_000;
        final CountDownLatch startLine = new CountDownLatch(1);
        final List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++)
        {
            final int moduleId = t % 3;
            final Thread worker = new Thread(() ->
            {
                final UnsafeBuffer payload = new UnsafeBuffer(new byte[64]);
                final int length = TestJournals.tick(payload, moduleId, 1);
                final UnsafeBuffer envelope = new UnsafeBuffer(new byte[128]);
                final int total = EnvelopeLayout.write(envelope, 0, moduleId, 0, payload, 0, length);
                try
                {
                    startLine.await();
                }
                catch (final InterruptedException ex)
                {
                    Thread.currentThread().interrupt();
                    return;
                }
                for (int i = 0; i < perThread; i++)
                {
                    log.onDispatch(0, moduleId, envelope, 0, total, i);
                }
            });
            workers.add(worker);
            worker.start();
        }
        startLine.countDown();
        for (final Thread worker : workers)
        {
            worker.join(30_000);
        }
        log.close();
        final List<Long> seqs = readAll(events).stream().filter((r) -> JournalFields.TYPE_EVENT.equals(r.type()))
            .map((r) -> r.getLong(JournalFields.SEQ, -1)).collect(Collectors.toList());
        assertThat(seqs).hasSize(threads * perThread);
        for (int i = 0; i < seqs.size(); i++)
        {
            assertThat(seqs.get(i)).isEqualTo(i);
        }
    }

    @Test
    void shouldBePrintedReadablyByChronicleReaderMainAndFollowedWithDashF() throws Exception
    {
        final Path events = tmp.resolve("events");
        runNode(events, tmp.resolve("wal"), 2);
        final Process dump = ChildJvm.command(ChronicleReaderMain.class, "-d", events.toString())
            .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        final String output = new String(dump.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(dump.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(output)
            .contains("type: JournalHeader", "journal: events", "modules: \"protocol,wal,sink\"")
            .contains("type: Event", "node: 0", "seq: 0", "timeNs: ", "module: protocol", "source: external",
                "event: Init", "event: WalAppend", "source: protocol", "module: wal", "envelope: !!binary");

        final Process follow = ChildJvm.command(ChronicleReaderMain.class, "-d", events.toString(), "-f", "-m", "1")
            .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try
        {
            final CountDownLatch following = new CountDownLatch(1);
            final CountDownLatch sawNewSession = new CountDownLatch(1);
            final StringBuilder seen = new StringBuilder();
            final Thread reader = new Thread(() ->
            {
                try (BufferedReader in = new BufferedReader(
                    new InputStreamReader(follow.getInputStream(), StandardCharsets.UTF_8)))
                {
                    String line;
                    while ((line = in.readLine()) != null)
                    {
                        synchronized (seen)
                        {
                            seen.append(line).append('\n');
                        }
                        if (line.contains("type: Event"))
                        {
                            following.countDown();
                        }
                        if (line.contains("timeNs: 424242"))
                        {
                            sawNewSession.countDown();
                        }
                    }
                }
                catch (final java.io.IOException ignore)
                {
                    // process destroyed
                }
            });
            reader.setDaemon(true);
            reader.start();
            assertThat(following.await(30, TimeUnit.SECONDS)).as("the follower printed the last record").isTrue();
            final NodeDefinition definition = node(0, tmp.resolve("wal"));
            final ChronicleEventLog log = new ChronicleEventLog(events, definition);
            final int length = TestJournals.tick(scratch, 1, 1);
            final UnsafeBuffer envelope = new UnsafeBuffer(new byte[128]);
            final int total = EnvelopeLayout.write(envelope, 0, 0, 1, scratch, 0, length);
            log.onDispatch(0, 0, envelope, 0, total, 424242);
            log.close();
            assertThat(sawNewSession.await(30, TimeUnit.SECONDS)).as("follower output:%n%s", seen).isTrue();
        }
        finally
        {
            follow.destroyForcibly();
            follow.waitFor(10, TimeUnit.SECONDS);
        }
    }
}
