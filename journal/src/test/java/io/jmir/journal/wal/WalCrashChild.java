package io.jmir.journal.wal;

import io.jmir.engine.NodeDefinition;
import io.jmir.journal.MiniRuntime;
import io.jmir.journal.TestJournals;
import io.jmir.journal.TestProtocol;
import io.jmir.journal.TickSink;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Random;

/**
 * Child process of {@link ChronicleWalKillTest}: recovers the WAL, prints {@code R count first last stopped},
 * then appends forever (batches of random size, retention index = value / 50, a truncation now and then) and
 * prints {@code A value} for every entry whose follow-up was released, until it is killed.
 */
public final class WalCrashChild
{
    static final long RETENTION_DIVISOR = 50;

    private WalCrashChild()
    {
    }

    public static void main(final String[] args)
    {
        final Path dir = Path.of(args[0]);
        final Random random = new Random(Long.parseLong(args[1]));
        final BufferedWriter out = new BufferedWriter(new OutputStreamWriter(System.out, StandardCharsets.US_ASCII));
        final TestProtocol protocol = new TestProtocol("wal", "sink", 0);
        final ChronicleWal wal = new ChronicleWal(new ChronicleWal.Context().directory(dir).timeoutMs(500)
            .entriesPerCycle(2_000));
        final TickSink sink = new TickSink((value) -> write(out, "A " + value));
        final MiniRuntime runtime = new MiniRuntime(new NodeDefinition(0, 1)
            .module("protocol", protocol).module("wal", wal).module("sink", sink), 16);
        runtime.start();
        runtime.runUntilIdle(Long.MAX_VALUE);
        final var recovered = protocol.recovered();
        final WalRecoveryReport report = wal.lastRecovery();
        write(out, "R " + recovered.size() + " " + (recovered.isEmpty() ? 0 : recovered.get(0)[2]) + " " +
            (recovered.isEmpty() ? 0 : recovered.get(recovered.size() - 1)[2]) + " " + report.stoppedAtCorruption());
        flush(out);
        final UnsafeBuffer scratch = new UnsafeBuffer(new byte[64]);
        while (true)
        {
            runtime.inject(0, scratch, 0, TestJournals.tick(scratch, -RETENTION_DIVISOR, 1 + random.nextInt(24)));
            if (random.nextInt(40) == 0)
            {
                final long below = protocol.nextValue() / RETENTION_DIVISOR - 3;
                runtime.inject(1, scratch, 0, TestJournals.walTruncate(scratch, below));
            }
            runtime.runUntilIdle(Long.MAX_VALUE);
            flush(out);
        }
    }

    private static void write(final BufferedWriter out, final String line)
    {
        try
        {
            out.write(line);
            out.newLine();
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    private static void flush(final BufferedWriter out)
    {
        try
        {
            out.flush();
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }
}
