package io.jmir.benchmarks.pipeline;

import io.jmir.engine.IdleMode;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import java.util.concurrent.TimeUnit;

/**
 * Stage hop throughput: events through a four-stage pipeline on jmir's pipeline runtime ({@link #jmir}) and
 * the same topology hand-written on raw LMAX Disruptor rings ({@link #raw}), in one run.
 * <pre>
 *                 submit            emit              emit                emit
 *   producer ---------------> hasher -----> crypto -----> protocol -----> app (count)
 *   (benchmark thread)        ring 0        ring 1        ring 2          ring 3
 * </pre>
 * Each stage does trivial work: hasher, crypto and protocol copy the event (a 24-byte Tick SBE message) into
 * the next stage's ring — claim, write, publish; for jmir that is {@code Emitter.emit} (envelope written around
 * the copied payload, validated and dispatched at the next stage); for raw Disruptor the bytes are copied into
 * the next ring's slot. The app stage decodes the Tick and counts it, checking order.
 * <p>
 * <b>Measurement:</b> one invocation publishes {@link #BATCH} events at the head (jmir: {@code Node.submit},
 * retried while back-pressured; raw: claim, copy, publish) and waits until the app counted them, so the score
 * is end-to-end events per second ({@link OperationsPerInvocation}). The benchmark thread waits the way the
 * stage threads idle (yield or spin).
 * <p>
 * <b>Parameters</b> (identical on both sides): {@link Threading} — a thread per stage (4 stage threads + the
 * producer: oversubscribes a 2-core machine) or all four stages on one shared thread (1 + producer: fits 2
 * cores); {@link IdleMode} YIELDING or BUSY_SPIN; {@code stageWork} — {@link StageWork} iterations every stage
 * runs per event (default 0, the trivial case; raise it to see how the fixed per-hop cost of jmir weighs
 * against real work). Rings: {@link #RING_SIZE} slots of {@link #SLOT_CAPACITY}
 * bytes, at most {@link #MAX_BATCH} events per stage per duty cycle.
 * <p>
 * <b>Allocation:</b> run with {@code -prof gc}; {@code gc.alloc.rate.norm} counts every thread (stage threads
 * included) per event and must be ~0 B/op on the jmir side.
 * <p>
 * <b>Threading:</b> JMH runs each benchmark method on one thread (the producer); the pipelines own their stage
 * threads, started at trial set-up and stopped at tear-down.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class FourStagePipelineThroughputBenchmark
{
    /** Events published per benchmark invocation. */
    public static final int BATCH = 10_000;
    /** Slots per ring, both sides. */
    public static final int RING_SIZE = 1024;
    /** Bytes per slot, both sides. */
    public static final int SLOT_CAPACITY = 256;
    /** Most events a stage takes from its ring per duty cycle, both sides (jmir's default). */
    public static final int MAX_BATCH = 256;

    /**
     * Parameters shared by both sides.
     */
    @State(Scope.Benchmark)
    public static class Config
    {
        /** Thread per stage or one shared thread. */
        @Param({"THREAD_PER_STAGE", "ONE_SHARED_THREAD"})
        public Threading threading;

        /** How stage threads (and the producer) wait. */
        @Param({"YIELDING", "BUSY_SPIN"})
        public IdleMode idleMode;

        /** {@link StageWork} iterations every stage runs per event; 0 is the trivial-work case. */
        @Param({"0"})
        public int stageWork;
    }

    /**
     * The jmir node, started for the trial.
     */
    @State(Scope.Benchmark)
    public static class JmirSide
    {
        JmirFourStagePipeline pipeline;

        /**
         * @param config the parameters.
         */
        @Setup(Level.Trial)
        public void setUp(final Config config)
        {
            pipeline = new JmirFourStagePipeline(config.threading, config.idleMode, RING_SIZE, SLOT_CAPACITY,
                MAX_BATCH, config.stageWork);
        }

        /**
         * Stop the node; fails the trial when a module failed or events arrived out of order.
         */
        @TearDown(Level.Trial)
        public void tearDown()
        {
            pipeline.close();
        }
    }

    /**
     * The raw Disruptor pipeline, started for the trial.
     */
    @State(Scope.Benchmark)
    public static class RawSide
    {
        RawFourStagePipeline pipeline;

        /**
         * @param config the parameters.
         */
        @Setup(Level.Trial)
        public void setUp(final Config config)
        {
            pipeline = new RawFourStagePipeline(config.threading, config.idleMode, RING_SIZE, SLOT_CAPACITY,
                MAX_BATCH, config.stageWork);
        }

        /**
         * Stop the threads; fails the trial when a thread failed or events arrived out of order.
         */
        @TearDown(Level.Trial)
        public void tearDown()
        {
            pipeline.close();
        }
    }

    /**
     * jmir pipeline runtime: {@link #BATCH} events submitted and counted at the app.
     *
     * @param side the running node.
     * @return events counted (consumed by JMH).
     */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long jmir(final JmirSide side)
    {
        return side.pipeline.publishAndAwait(BATCH);
    }

    /**
     * Raw Disruptor baseline: {@link #BATCH} events published and counted at the app.
     *
     * @param side the running rings.
     * @return events counted (consumed by JMH).
     */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long raw(final RawSide side)
    {
        return side.pipeline.publishAndAwait(BATCH);
    }
}
