package io.jmir.benchmarks.journal;

import io.jmir.codecs.EnvelopeLayout;
import io.jmir.codecs.engine.MessageHeaderEncoder;
import io.jmir.codecs.engine.TickDecoder;
import io.jmir.codecs.engine.TickEncoder;
import io.jmir.engine.Emitter;
import io.jmir.engine.Event;
import io.jmir.engine.IdleMode;
import io.jmir.engine.Module;
import io.jmir.engine.ModuleContext;
import io.jmir.engine.Node;
import io.jmir.engine.NodeDefinition;
import io.jmir.engine.SubmitResult;
import io.jmir.journal.eventlog.ChronicleEventLog;
import org.agrona.concurrent.UnsafeBuffer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * Pipeline throughput with the Chronicle event log off (no interceptor: one null check per dispatch) and on
 * (every dispatch recorded), in the same run:
 * <pre>
 *              submit           emit
 *   producer ----------> relay -------> sink (count)        one shared stage thread, YIELDING
 *                         \______________\____ event log (on): 2 excerpts per event
 * </pre>
 * One invocation submits {@link #BATCH} Ticks (retried while back-pressured) and waits until the sink counted
 * them: the score is end-to-end events per second. The event log directory is fresh for every iteration.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {
    "--add-opens=java.base/java.lang=ALL-UNNAMED",
    "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
    "--add-exports=java.base/sun.nio.ch=ALL-UNNAMED",
    "--add-exports=java.base/jdk.internal.ref=ALL-UNNAMED",
    "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED",
    "--add-exports=jdk.compiler/com.sun.tools.javac.file=ALL-UNNAMED",
    "-Dchronicle.announcer.disable=true",
    "-Dchronicle.analytics.disable=true" })
public class EventLogOverheadBenchmark
{
    /** Events per invocation. */
    public static final int BATCH = 10_000;

    /** Event log off or on. */
    @Param({ "off", "on" })
    public String eventLog;

    private final UnsafeBuffer tick = new UnsafeBuffer(new byte[64]);
    private final AtomicLong counted = new AtomicLong();
    private int tickLength;
    private Path directory;
    private Node node;
    private int relayId;
    private long submitted;

    /** Forwards every Tick to the sink. */
    static final class Relay implements Module
    {
        private int sinkId;

        @Override
        public void onAttach(final ModuleContext context)
        {
            sinkId = context.moduleId("sink");
        }

        @Override
        public void onEvent(final Event event, final Emitter emitter)
        {
            if (event.schemaId() == EnvelopeLayout.ENGINE_SCHEMA_ID && event.templateId() == TickDecoder.TEMPLATE_ID)
            {
                emitter.emit(sinkId, event.buffer(), event.payloadOffset(), event.payloadLength());
            }
        }
    }

    /** Counts Ticks. */
    static final class Sink implements Module
    {
        private final AtomicLong counted;

        Sink(final AtomicLong counted)
        {
            this.counted = counted;
        }

        @Override
        public void onEvent(final Event event, final Emitter emitter)
        {
            if (event.templateId() == TickDecoder.TEMPLATE_ID)
            {
                counted.lazySet(counted.get() + 1);
            }
        }
    }

    /**
     * Start the node (with or without the event log) for one iteration.
     *
     * @throws IOException when the directory cannot be created.
     */
    @Setup(Level.Iteration)
    public void start() throws IOException
    {
        final TickEncoder encoder = new TickEncoder();
        encoder.wrapAndApplyHeader(tick, 0, new MessageHeaderEncoder()).nowNs(1).tickCount(2);
        tickLength = MessageHeaderEncoder.ENCODED_LENGTH + encoder.encodedLength();
        final Path base = Path.of(System.getProperty("jmir.bench.dir", System.getProperty("java.io.tmpdir")));
        directory = Files.createTempDirectory(base, "jmir-eventlog-bench-");
        counted.set(0);
        submitted = 0;
        final NodeDefinition definition = new NodeDefinition(0, 1).module("relay", new Relay())
            .module("sink", new Sink(counted));
        if ("on".equals(eventLog))
        {
            definition.interceptor(new ChronicleEventLog(directory.resolve("events"), definition));
        }
        node = Node.launch(definition, new Node.Context().sharedThread(IdleMode.YIELDING).ringSize(1024));
        relayId = node.moduleId("relay");
    }

    /**
     * Stop the node and delete the log.
     *
     * @throws IOException when deleting fails.
     */
    @TearDown(Level.Iteration)
    public void stop() throws IOException
    {
        node.close();
        if (node.failure() != null)
        {
            throw new IllegalStateException("node failed: " + node.failure());
        }
        try (Stream<Path> files = Files.walk(directory))
        {
            files.sorted(Comparator.reverseOrder()).forEach((p) -> p.toFile().delete());
        }
    }

    /**
     * @return events counted so far.
     */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long relayToSink()
    {
        for (int i = 0; i < BATCH; i++)
        {
            while (node.submit(relayId, tick, 0, tickLength) == SubmitResult.BACK_PRESSURED)
            {
                Thread.yield();
            }
        }
        submitted += BATCH;
        while (counted.get() < submitted)
        {
            Thread.yield();
        }
        return counted.get();
    }
}
