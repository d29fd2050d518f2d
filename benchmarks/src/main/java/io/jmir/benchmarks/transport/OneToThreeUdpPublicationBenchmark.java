package io.jmir.benchmarks.transport;

import io.aeron.Aeron;
import io.aeron.ChannelUriStringBuilder;
import io.aeron.ExclusivePublication;
import io.aeron.Subscription;
import io.aeron.driver.MediaDriver;
import io.aeron.logbuffer.FragmentHandler;
import org.agrona.CloseHelper;
import org.agrona.IoUtil;
import org.agrona.concurrent.UnsafeBuffer;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Group;
import org.openjdk.jmh.annotations.GroupThreads;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import java.io.File;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The measurement behind the transport's publication choice (docs/adr): one sender broadcasting every message to
 * three receivers over UDP loopback, with raw Aeron.
 * <pre>
 *   exclusive: 3 ExclusivePublications (one per peer), each message offered 3 times  --UDP--> 3 Subscriptions
 *   mdc:       1 multi-destination ExclusivePublication (manual control, 3 destinations), offered once
 * </pre>
 * One SHARED driver with the backoff idle strategy; both paced by the same in-flight window. The reported figure
 * is {@code deliveries}: messages received, summed over the three subscriptions, per second.
 */
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
public class OneToThreeUdpPublicationBenchmark
{
    private static final int PEERS = 3;
    private static final int STREAM_ID = 3001;
    private static final int TERM_LENGTH = 1024 * 1024;
    private static final int WINDOW_BYTES = 96 * 1024;

    /**
     * Driver, publications and subscriptions, shared by the sending and receiving thread of a group.
     */
    @State(Scope.Group)
    public static class Topology
    {
        @Param({ "64", "1024" })
        public int size;

        File dir;
        MediaDriver driver;
        Aeron aeron;
        final ExclusivePublication[] perPeer = new ExclusivePublication[PEERS];
        ExclusivePublication multiDestination;
        final Subscription[] subscriptions = new Subscription[PEERS];
        final Subscription[] mdcSubscriptions = new Subscription[PEERS];
        UnsafeBuffer message;
        FragmentHandler counter;
        long receivedLocal;
        long sent;
        long window;
        final AtomicLong received = new AtomicLong();

        @Setup(Level.Trial)
        public void setUp()
        {
            dir = BenchmarkSupport.uniqueDir("jmir-bench-publications");
            driver = BenchmarkSupport.launchSharedDriver(dir.getAbsolutePath());
            aeron = Aeron.connect(new Aeron.Context().aeronDirectoryName(dir.getAbsolutePath()));
            final int[] ports = BenchmarkSupport.freeUdpPorts(2 * PEERS);
            multiDestination = aeron.addExclusivePublication(
                "aeron:udp?control-mode=manual|term-length=" + TERM_LENGTH, STREAM_ID);
            for (int i = 0; i < PEERS; i++)
            {
                final String perPeerChannel = channel(ports[i]);
                final String mdcChannel = channel(ports[PEERS + i]);
                subscriptions[i] = aeron.addSubscription(perPeerChannel, STREAM_ID);
                perPeer[i] = aeron.addExclusivePublication(perPeerChannel, STREAM_ID);
                mdcSubscriptions[i] = aeron.addSubscription(mdcChannel, STREAM_ID);
                multiDestination.addDestination("aeron:udp?endpoint=" + BenchmarkSupport.LOOPBACK + ":" +
                    ports[PEERS + i]);
            }
            message = new UnsafeBuffer(new byte[size]);
            counter = (buffer, offset, length, header) -> receivedLocal++;
            window = PEERS * Math.max(16, WINDOW_BYTES / (size + 96));
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!allConnected())
            {
                if (System.nanoTime() > deadline)
                {
                    throw new IllegalStateException("not connected within 30 s");
                }
                Thread.yield();
            }
        }

        private static String channel(final int port)
        {
            return new ChannelUriStringBuilder().media("udp").endpoint(BenchmarkSupport.LOOPBACK + ":" + port)
                .termLength(TERM_LENGTH).build();
        }

        private boolean allConnected()
        {
            boolean connected = multiDestination.isConnected();
            for (int i = 0; i < PEERS; i++)
            {
                connected &= perPeer[i].isConnected() && subscriptions[i].isConnected() &&
                    mdcSubscriptions[i].isConnected();
            }
            return connected;
        }

        @TearDown(Level.Trial)
        public void tearDown()
        {
            CloseHelper.quietCloseAll(aeron, driver);
            IoUtil.delete(dir, true);
        }
    }

    /**
     * Deliveries, reported per second.
     */
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    @State(Scope.Thread)
    public static class Deliveries
    {
        public long deliveries;

        @Setup(Level.Iteration)
        public void reset()
        {
            deliveries = 0;
        }
    }

    @Benchmark
    @Group("exclusive")
    @GroupThreads(1)
    public void exclusiveSend(final Topology topology)
    {
        if (topology.sent - topology.received.get() >= topology.window)
        {
            Thread.yield();
            return;
        }
        for (final ExclusivePublication publication : topology.perPeer)
        {
            while (publication.offer(topology.message, 0, topology.size) < 0)
            {
                Thread.yield();
            }
        }
        topology.sent += PEERS;
    }

    @Benchmark
    @Group("exclusive")
    @GroupThreads(1)
    public void exclusiveReceive(final Topology topology, final Deliveries deliveries)
    {
        receive(topology, deliveries, topology.subscriptions);
    }

    @Benchmark
    @Group("mdc")
    @GroupThreads(1)
    public void mdcSend(final Topology topology)
    {
        if (topology.sent - topology.received.get() >= topology.window)
        {
            Thread.yield();
            return;
        }
        while (topology.multiDestination.offer(topology.message, 0, topology.size) < 0)
        {
            Thread.yield();
        }
        topology.sent += PEERS;
    }

    @Benchmark
    @Group("mdc")
    @GroupThreads(1)
    public void mdcReceive(final Topology topology, final Deliveries deliveries)
    {
        receive(topology, deliveries, topology.mdcSubscriptions);
    }

    private static void receive(final Topology topology, final Deliveries deliveries, final Subscription[] subs)
    {
        final long before = topology.receivedLocal;
        int fragments = 0;
        for (final Subscription subscription : subs)
        {
            fragments += subscription.poll(topology.counter, 256);
        }
        if (fragments == 0)
        {
            Thread.yield();
        }
        deliveries.deliveries += topology.receivedLocal - before;
        topology.received.lazySet(topology.receivedLocal);
    }
}
