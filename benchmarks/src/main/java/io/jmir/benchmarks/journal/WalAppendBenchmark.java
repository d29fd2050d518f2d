package io.jmir.benchmarks.journal;

import io.jmir.codecs.EnvelopeLayout;
import io.jmir.codecs.engine.MessageHeaderEncoder;
import io.jmir.codecs.engine.WalAppendEncoder;
import io.jmir.engine.Emitter;
import io.jmir.engine.Event;
import io.jmir.engine.EventBuilder;
import io.jmir.engine.NodeDefinition;
import io.jmir.engine.internal.DefaultModuleContext;
import io.jmir.journal.JournalKind;
import io.jmir.journal.SyncPolicy;
import io.jmir.journal.internal.JournalQueue;
import io.jmir.journal.wal.ChronicleWal;
import net.openhft.chronicle.bytes.PointerBytesStore;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.wire.DocumentContext;
import org.agrona.BufferUtil;
import org.agrona.concurrent.UnsafeBuffer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * One WAL append of an entry of 64 B, 512 B or 4 KiB:
 * <pre>
 *   jmirWalAppend:        WalAppend event --&gt; ChronicleWal.onEvent + onEndOfBatch (sync policy NONE)
 *                         (decode, CRC-32C, one Wire document with type/node/retentionIndex/entryType/entry/crc)
 *   rawChronicleAppend:   the same entry bytes --&gt; appender.writingDocument() { bytes().write(entry) }
 * </pre>
 * Same process, same file system, fresh queue directories for every iteration (deleted after it). Both queues
 * are built by the same code ({@link JournalQueue}: same roll cycle, same time provider — the journals' logical
 * clock, no clock read per append on either side — same header timeout and sync mode), and both have their
 * first cycle file created in the iteration's setup (the WAL writes its session header there, the raw queue
 * one excerpt of 8 bytes), so neither side pays the file creation in the measurement. Run with
 * {@code -prof gc}: the jmir path allocates 0 B/op. Default warm-up 6 x 2 s: with 3 x 1 s the jmir method is still
 * being compiled during the measured iterations (its scores rise by half from the first to the last one, the raw
 * method's are flat after one).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@Warmup(iterations = 6, time = 2)
@Measurement(iterations = 5, time = 1)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {
    "--add-opens=java.base/java.lang=ALL-UNNAMED",
    "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
    "--add-exports=java.base/sun.nio.ch=ALL-UNNAMED",
    "--add-exports=java.base/jdk.internal.ref=ALL-UNNAMED",
    "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED",
    "--add-exports=jdk.compiler/com.sun.tools.javac.file=ALL-UNNAMED",
    "-Dchronicle.announcer.disable=true",
    "-Dchronicle.analytics.disable=true" })
public class WalAppendBenchmark
{
    private static final Emitter NO_RECOVERY = new Emitter()
    {
        public EventBuilder event(final int destination)
        {
            throw new IllegalStateException("benchmark WAL starts empty");
        }

        public boolean isBackPressured()
        {
            return false;
        }
    };

    @Param({ "64", "512", "4096" })
    int entryBytes;

    private final Event event = new Event();
    private final PointerBytesStore rawEntry = new PointerBytesStore();
    private UnsafeBuffer envelope;
    private UnsafeBuffer entry;
    private Path directory;
    private ChronicleWal wal;
    private JournalQueue rawQueue;
    private ExcerptAppender rawAppender;

    /**
     * Encode the WalAppend event and the raw entry once.
     */
    @Setup(Level.Trial)
    public void encode()
    {
        entry = new UnsafeBuffer(BufferUtil.allocateDirectAligned(entryBytes, 64));
        for (int i = 0; i < entryBytes; i++)
        {
            entry.putByte(i, (byte)i);
        }
        final UnsafeBuffer payload = new UnsafeBuffer(new byte[entryBytes + 64]);
        final WalAppendEncoder append = new WalAppendEncoder();
        append.wrapAndApplyHeader(payload, 0, new MessageHeaderEncoder()).retentionIndex(7)
            .putEntry(entry, 0, entryBytes);
        envelope = new UnsafeBuffer(BufferUtil.allocateDirectAligned(entryBytes + 128, 64));
        final int length = EnvelopeLayout.write(envelope, 0, 1, 0, payload, 0, append.limit());
        event.wrap(envelope, 0, length);
        rawEntry.set(entry.addressOffset(), entryBytes);
    }

    /**
     * Fresh queues for every iteration, so that the disk use stays bounded.
     *
     * @throws IOException when the temporary directory cannot be created.
     */
    @Setup(Level.Iteration)
    public void open() throws IOException
    {
        final Path base = Path.of(System.getProperty("jmir.bench.dir", System.getProperty("java.io.tmpdir")));
        directory = Files.createTempDirectory(base, "jmir-wal-bench-");
        wal = new ChronicleWal(new ChronicleWal.Context().directory(directory.resolve("wal")));
        final NodeDefinition definition = new NodeDefinition(0, 1).module("protocol", (e, emitter) -> { })
            .module("wal", wal);
        wal.onAttach(new DefaultModuleContext(definition, 1));
        wal.recover(NO_RECOVERY);
        rawQueue = new JournalQueue(directory.resolve("raw"), JournalKind.WAL, SyncPolicy.NONE,
            new ChronicleWal.Context().timeoutMs());
        rawAppender = rawQueue.appender();
        try (DocumentContext dc = rawAppender.writingDocument())
        {
            dc.wire().bytes().writeLong(0L);
        }
    }

    /**
     * Close and delete the iteration's queues.
     *
     * @throws IOException when deleting fails.
     */
    @TearDown(Level.Iteration)
    public void close() throws IOException
    {
        wal.onClose();
        rawQueue.close();
        try (Stream<Path> files = Files.walk(directory))
        {
            files.sorted(Comparator.reverseOrder()).forEach((p) -> p.toFile().delete());
        }
    }

    /**
     * @return entries appended so far (consumed by JMH).
     */
    @Benchmark
    public long jmirWalAppend()
    {
        wal.onEvent(event, NO_RECOVERY);
        wal.onEndOfBatch(NO_RECOVERY);
        return wal.appended();
    }

    /**
     * @return index of the excerpt (consumed by JMH).
     */
    @Benchmark
    public long rawChronicleAppend()
    {
        try (DocumentContext dc = rawAppender.writingDocument())
        {
            dc.wire().bytes().write(rawEntry);
        }
        return rawAppender.lastIndexAppended();
    }
}
