package io.jmir.journal.wal;

import io.jmir.engine.NodeDefinition;
import io.jmir.journal.ChildJvm;
import io.jmir.journal.MiniRuntime;
import io.jmir.journal.TestProtocol;
import io.jmir.journal.TickSink;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Durability against {@code kill -9}: a child JVM runs a pipeline node (protocol, WAL, sink) that appends through
 * the WAL module and prints every entry whose follow-up the engine released; the test kills it with
 * {@code destroyForcibly} (SIGKILL) after a random number of acknowledgements, restarts it (it recovers and
 * continues numbering after the last recovered entry). Every restart must recover at least up to the highest value
 * acknowledged by any earlier run (so no acknowledged entry was ever lost); finally the recovered WAL must hold
 * contiguous values (none duplicated, in order) and every acknowledged entry at or above the truncation point.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class ChronicleWalKillTest
{
    private static final int KILLS = 22;
    private static final long BUDGET_NS = TimeUnit.SECONDS.toNanos(150);

    @TempDir
    Path tmp;

    @Test
    void shouldKeepEveryAcknowledgedEntryAcrossRepeatedKillMinus9() throws Exception
    {
        final Path dir = tmp.resolve("wal");
        final long seed = System.nanoTime();
        final Random random = new Random(seed);
        final List<Long> acknowledged = new ArrayList<>();
        final List<String> recoveries = new ArrayList<>();
        final long start = System.nanoTime();
        int kills = 0;
        long maxAcknowledged = 0;
        while (kills < KILLS && System.nanoTime() - start < BUDGET_NS)
        {
            final int killAfterAcks = random.nextInt(3) == 0 ? random.nextInt(5) : random.nextInt(3_000);
            final ChildRun child = new ChildRun(dir, random.nextLong(), killAfterAcks, tmp.resolve("child.err"));
            child.awaitKillPoint();
            child.process.destroyForcibly();
            assertThat(child.process.waitFor(30, TimeUnit.SECONDS)).isTrue();
            child.reader.join(10_000);
            assertThat(child.recovery.get()).as("child %d recovery line (seed %d)", kills, seed).isNotNull();
            recoveries.add(child.recovery.get());
            assertThat(child.lastRecovered.get())
                .as("child %d recovered every entry acknowledged before it started (seed %d)", kills, seed)
                .isGreaterThanOrEqualTo(maxAcknowledged);
            for (final long value : child.acks)
            {
                maxAcknowledged = Math.max(maxAcknowledged, value);
            }
            acknowledged.addAll(child.acks);
            kills++;
        }
        assertThat(kills).as("kills within the time budget (seed %d)", seed).isGreaterThanOrEqualTo(20);
        assertThat(recoveries).as("no recovery stopped at a damaged entry").allMatch((r) -> r.startsWith("R false"));

        final TestProtocol protocol = new TestProtocol("wal", "sink", 0);
        final ChronicleWal wal = new ChronicleWal(new ChronicleWal.Context().directory(dir));
        try (MiniRuntime runtime = new MiniRuntime(new NodeDefinition(0, 1)
            .module("protocol", protocol).module("wal", wal).module("sink", new TickSink((v) -> { })), 16))
        {
            runtime.start();
            runtime.runUntilIdle(Long.MAX_VALUE);
            final WalRecoveryReport report = wal.lastRecovery();
            assertThat(report.stoppedAtCorruption()).isFalse();
            final List<long[]> recovered = protocol.recovered();
            assertThat(recovered).isNotEmpty();
            final long first = recovered.get(0)[2];
            final long last = recovered.get(recovered.size() - 1)[2];
            for (int i = 0; i < recovered.size(); i++)
            {
                assertThat(recovered.get(i)[2]).as("value at %d (seed %d)", i, seed).isEqualTo(first + i);
                if (i > 0)
                {
                    assertThat(recovered.get(i)[1]).isGreaterThan(recovered.get(i - 1)[1]);
                }
            }
            final long truncatedBelow = report.truncatedBelow();
            assertThat(first == 1 || (first - 1) / WalCrashChild.RETENTION_DIVISOR < truncatedBelow)
                .as("only entries below the truncation point %d are gone (first %d)", truncatedBelow, first).isTrue();
            long checked = 0;
            for (final long value : acknowledged)
            {
                if (value / WalCrashChild.RETENTION_DIVISOR >= truncatedBelow)
                {
                    assertThat(value).as("acknowledged value (seed %d)", seed).isBetween(first, last);
                    checked++;
                }
            }
            assertThat(acknowledged).as("acknowledged entries").hasSizeGreaterThan(KILLS);
            assertThat(checked).isPositive();
            System.out.printf("kill -9 test: %d kills in %d ms (seed %d), %d acknowledged entries, %d checked, " +
                "WAL holds values %d..%d, truncated below retention index %d, " +
                "%d entries below it still in undeleted cycles%n",
                kills, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start), seed, acknowledged.size(), checked,
                first, last, truncatedBelow, report.entriesBelowTruncation());
        }
    }

    private static final class ChildRun
    {
        final Process process;
        final Thread reader;
        final ConcurrentLinkedQueue<Long> acks = new ConcurrentLinkedQueue<>();
        final AtomicReference<String> recovery = new AtomicReference<>();
        final AtomicLong lastRecovered = new AtomicLong(-1);
        final CountDownLatch killPoint = new CountDownLatch(1);
        final AtomicLong ackCount = new AtomicLong();

        final Path stderr;

        ChildRun(final Path dir, final long seed, final int killAfterAcks, final Path stderr) throws Exception
        {
            this.stderr = stderr;
            process = ChildJvm.command(WalCrashChild.class, dir.toString(), Long.toString(seed))
                .redirectError(stderr.toFile())
                .start();
            reader = new Thread(() ->
            {
                try (BufferedReader in = new BufferedReader(
                    new InputStreamReader(process.getInputStream(), StandardCharsets.US_ASCII)))
                {
                    String line;
                    while ((line = in.readLine()) != null)
                    {
                        if (line.startsWith("A "))
                        {
                            acks.add(Long.parseLong(line.substring(2)));
                            if (ackCount.incrementAndGet() >= killAfterAcks)
                            {
                                killPoint.countDown();
                            }
                        }
                        else if (line.startsWith("R "))
                        {
                            recovery.set(line);
                        }
                        else if (line.startsWith("L "))
                        {
                            lastRecovered.set(Long.parseLong(line.substring(2)));
                            if (killAfterAcks == 0)
                            {
                                killPoint.countDown();
                            }
                        }
                    }
                }
                catch (final java.io.IOException ignore)
                {
                    // the process was killed: the stream ends
                }
                killPoint.countDown();
            }, "wal-child-reader");
            reader.setDaemon(true);
            reader.start();
        }

        void awaitKillPoint() throws InterruptedException, java.io.IOException
        {
            if (!killPoint.await(60, TimeUnit.SECONDS))
            {
                process.destroyForcibly();
                throw new AssertionError("child made no progress within 60 s; its stderr:\n" +
                    java.nio.file.Files.readString(stderr));
            }
        }
    }
}
