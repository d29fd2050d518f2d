package io.jmir.journal.wal;

import io.jmir.engine.IdleMode;
import io.jmir.engine.Node;
import io.jmir.engine.NodeDefinition;
import io.jmir.engine.SubmitResult;
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
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Child process of {@link ChronicleWalKillTest}: runs a pipeline {@link Node} (protocol, WAL, sink on their own
 * stage threads) which recovers the WAL at launch; prints {@code R <recovery report>} and {@code L <last recovered
 * value>} once the protocol processed the recovered entries, then submits Ticks forever
 * (each appends 1..24 entries, retention index = value / 50, each with a follow-up to the sink; a truncation now
 * and then) and the sink prints {@code A value} for every follow-up released by the engine, until it is killed.
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
        final AtomicLong maxAcked = new AtomicLong();
        final TestProtocol protocol = new TestProtocol("wal", "sink", 0);
        final ChronicleWal wal = new ChronicleWal(new ChronicleWal.Context().directory(dir).timeoutMs(500)
            .entriesPerCycle(2_000));
        final TickSink sink = new TickSink((value) ->
        {
            write(out, "A " + value);
            maxAcked.set(value);
        }, () -> flush(out));
        final Node node = Node.launch(new NodeDefinition(0, 1)
            .module("protocol", protocol).module("wal", wal).module("sink", sink),
            new Node.Context().defaultIdleMode(IdleMode.BLOCKING).ringSize(256));
        synchronized (System.out)
        {
            System.out.println("R " + wal.lastRecovery().stoppedAtCorruption() + " " + wal.lastRecovery());
            System.out.flush();
        }
        // The pipeline runtime does not yet keep submissions behind recovery output that overflowed the
        // destination ring (see the journal report): wait until the protocol has processed every recovered entry.
        final long deadline = System.nanoTime() + 30_000_000_000L;
        while (protocol.recoveredCount() < wal.lastRecovery().entriesRecovered())
        {
            if (System.nanoTime() > deadline)
            {
                System.exit(4);
            }
            LockSupport.parkNanos(1_000_000);
        }
        synchronized (System.out)
        {
            System.out.println("L " + (protocol.recoveredCount() == 0 ? 0 : protocol.nextValue() - 1));
            System.out.flush();
        }
        final UnsafeBuffer scratch = new UnsafeBuffer(new byte[64]);
        final int protocolId = node.moduleId("protocol");
        final int walId = node.moduleId("wal");
        while (node.isRunning())
        {
            submit(node, protocolId, scratch, TestJournals.tick(scratch, -RETENTION_DIVISOR, 1 + random.nextInt(24)));
            if (random.nextInt(40) == 0)
            {
                final long below = maxAcked.get() / RETENTION_DIVISOR - 40;
                submit(node, walId, scratch, TestJournals.walTruncate(scratch, below));
            }
        }
        System.exit(3);
    }

    private static void submit(final Node node, final int moduleId, final UnsafeBuffer buffer, final int length)
    {
        while (node.submit(moduleId, buffer, 0, length) == SubmitResult.BACK_PRESSURED)
        {
            LockSupport.parkNanos(20_000);
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
            synchronized (System.out)
            {
                out.flush();
            }
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }
}
