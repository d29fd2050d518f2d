package io.jmir.benchmarks.pipeline;

import com.lmax.disruptor.BusySpinWaitStrategy;
import com.lmax.disruptor.EventFactory;
import com.lmax.disruptor.EventPoller;
import com.lmax.disruptor.RingBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;

/**
 * The ring part of one stage hop, on one thread so scheduling noise stays out: claim a slot, copy an
 * envelope-sized event (48 bytes) into it, publish, and poll it back — through a multi-producer ring (what every
 * jmir stage ring is, since any module or thread may emit to any module) and through a single-producer ring
 * (what a hand-written Disruptor pipeline uses when each ring has one producer).
 * <pre>
 *   benchmark thread --claim/copy/publish--> ring --poll--> benchmark thread    (x {@link #BATCH} per invocation)
 * </pre>
 * Both rings are built like the pipeline runtime's: pre-allocated slots over one direct buffer, a poller, a wait
 * strategy that signals nothing. The score is hops per microsecond.
 * <p>
 * <b>Threading:</b> JMH thread only.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@State(Scope.Thread)
public class OneToOneRingHopBenchmark implements EventPoller.Handler<RawSlot>
{
    /** Events per invocation (a duty cycle's batch). */
    public static final int BATCH = 256;
    /** Bytes copied per event: a Tick in its envelope. */
    public static final int EVENT_LENGTH = 48;
    private static final int RING_SIZE = 1024;
    private static final int SLOT_CAPACITY = 256;

    private final UnsafeBuffer source = new UnsafeBuffer(ByteBuffer.allocateDirect(EVENT_LENGTH));
    private RingBuffer<RawSlot> multiProducerRing;
    private EventPoller<RawSlot> multiProducerPoller;
    private RingBuffer<RawSlot> singleProducerRing;
    private EventPoller<RawSlot> singleProducerPoller;
    private long sum;

    /**
     * Build both rings.
     */
    @Setup(Level.Trial)
    public void setUp()
    {
        multiProducerRing = RingBuffer.createMultiProducer(slots(), RING_SIZE, new BusySpinWaitStrategy());
        multiProducerPoller = multiProducerRing.newPoller();
        multiProducerRing.addGatingSequences(multiProducerPoller.getSequence());
        singleProducerRing = RingBuffer.createSingleProducer(slots(), RING_SIZE, new BusySpinWaitStrategy());
        singleProducerPoller = singleProducerRing.newPoller();
        singleProducerRing.addGatingSequences(singleProducerPoller.getSequence());
        for (int i = 0; i < EVENT_LENGTH; i++)
        {
            source.putByte(i, (byte)i);
        }
    }

    /**
     * Multi-producer ring (jmir's stage rings).
     *
     * @return a digest of what was polled.
     * @throws Exception from the poller.
     */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long multiProducer() throws Exception
    {
        return hop(multiProducerRing, multiProducerPoller);
    }

    /**
     * Single-producer ring (the raw baseline's rings).
     *
     * @return a digest of what was polled.
     * @throws Exception from the poller.
     */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long singleProducer() throws Exception
    {
        return hop(singleProducerRing, singleProducerPoller);
    }

    @Override
    public boolean onEvent(final RawSlot slot, final long sequence, final boolean endOfBatch)
    {
        sum += slot.length + slot.buffer.getLong(0);
        return true;
    }

    private long hop(final RingBuffer<RawSlot> ring, final EventPoller<RawSlot> poller) throws Exception
    {
        for (int i = 0; i < BATCH; i++)
        {
            final long sequence = ring.tryNext();
            final RawSlot slot = ring.get(sequence);
            slot.buffer.putBytes(0, source, 0, EVENT_LENGTH);
            slot.length = EVENT_LENGTH;
            ring.publish(sequence);
        }
        poller.poll(this);
        return sum;
    }

    private static EventFactory<RawSlot> slots()
    {
        final ByteBuffer memory = ByteBuffer.allocateDirect(RING_SIZE * SLOT_CAPACITY);
        final int[] offset = {0};
        return () ->
        {
            final RawSlot slot = new RawSlot(memory, offset[0], SLOT_CAPACITY);
            offset[0] += SLOT_CAPACITY;
            return slot;
        };
    }
}
