package io.jmir.benchmarks.transport;

import io.aeron.Aeron;
import io.aeron.ChannelUriStringBuilder;
import io.aeron.ExclusivePublication;
import io.aeron.Subscription;
import io.aeron.driver.MediaDriver;
import io.aeron.logbuffer.FragmentHandler;
import io.jmir.engine.Event;
import io.jmir.engine.IdleMode;
import io.jmir.transport.AeronNet;
import io.jmir.transport.HmacSha256;
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
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Throughput of one node's net module sending to another node's net module over UDP loopback, in one JVM, against
 * raw Aeron (exclusive publication to subscription, same driver, same sizes) in the same run.
 * <pre>
 *   jmir:     sender thread                         receiver thread
 *             SendMessage -> AeronNet(0) --UDP--> AeronNet(1).doWork -> MessageReceived (counted)
 *                          (frame + HMAC)          (verify HMAC + copy)
 *   baseline: ExclusivePublication.offer --UDP--> Subscription.poll (counted)
 *   aeronHmac: HMAC + offer             --UDP--> poll + copy + verify HMAC (counted)
 * </pre>
 * Both go through one SHARED embedded media driver (backoff idle strategy, the transport's default) and are paced
 * by the same in-flight window (bytes), so neither runs into Aeron back-pressure (where the net module would drop
 * after bounded retries). {@code jmir} ends the batch after every message (one frame, one MAC per message: the
 * worst case); {@code jmirBatch16} ends it after 16 messages, as a pipeline stage draining 16 events from its ring
 * would (one frame, one MAC per 16 messages). {@code aeron} is raw Aeron without authentication; {@code aeronHmac}
 * is raw Aeron doing the authentication work the issue requires of every frame (an HMAC-SHA256 computed at the
 * sender and verified at the receiver per offer, the same JDK digest as the net module), the fair baseline for
 * one-message frames. {@code jmirNode} runs the net module as a user does: inside two pipeline-runtime nodes
 * ({@link NetNodePair}: producer module -> net stage draining its ring in batches -> UDP -> net module -> counting
 * module), same window. The reported figure is {@code messages}: messages delivered per second.
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
public class OneToOneUdpThroughputBenchmark
{
    private static final int WINDOW_BYTES = 96 * 1024;
    private static final int STREAM_ID = 2001;
    private static final int TERM_LENGTH = 1024 * 1024;
    private static final int BATCH = 16;

    /**
     * Both pipelines, set up once per trial and shared by the sending and receiving thread of a group.
     */
    @State(Scope.Group)
    public static class Udp
    {
        @Param({ "64", "1024" })
        public int size;

        File dirBase;
        MediaDriver driver;
        AeronNet sender;
        AeronNet receiver;
        Event send;
        CountingEmitter sendEmitter;
        CountingEmitter receiveEmitter;
        Aeron aeron;
        ExclusivePublication publication;
        Subscription subscription;
        UnsafeBuffer message;
        FragmentHandler counter;
        long rawReceivedLocal;
        long rawSent;
        long window;
        final AtomicLong jmirReceived = new AtomicLong();
        final AtomicLong rawReceived = new AtomicLong();
        ExclusivePublication macPublication;
        Subscription macSubscription;
        HmacSha256 sendMac;
        HmacSha256 receiveMac;
        byte[] macFrame;
        UnsafeBuffer macFrameBuffer;
        byte[] macReceived;
        FragmentHandler macCounter;
        long macReceivedLocal;
        long macSent;
        long macFailures;
        final AtomicLong macReceivedShared = new AtomicLong();

        @Setup(Level.Trial)
        public void setUp()
        {
            dirBase = BenchmarkSupport.uniqueDir("jmir-bench-transport");
            final String driverDir = new File(dirBase, "driver").getAbsolutePath();
            driver = BenchmarkSupport.launchSharedDriver(driverDir);
            final int[] ports = BenchmarkSupport.freeUdpPorts(4);
            final byte[] secret = new byte[32];
            ThreadLocalRandom.current().nextBytes(secret);
            sender = launch(0, ports, secret, driverDir);
            receiver = launch(1, ports, secret, driverDir);
            send = BenchmarkSupport.sendMessage(0, 1, 1, size);
            sendEmitter = new CountingEmitter(64 * 1024);
            receiveEmitter = new CountingEmitter(64 * 1024);

            aeron = Aeron.connect(new Aeron.Context().aeronDirectoryName(driverDir));
            final String channel = new ChannelUriStringBuilder().media("udp")
                .endpoint(BenchmarkSupport.LOOPBACK + ":" + ports[2]).termLength(TERM_LENGTH).build();
            subscription = aeron.addSubscription(channel, STREAM_ID);
            publication = aeron.addExclusivePublication(channel, STREAM_ID);
            message = new UnsafeBuffer(new byte[size]);
            counter = (buffer, offset, length, header) -> rawReceivedLocal++;
            window = Math.max(16, WINDOW_BYTES / (size + 96));

            final String macChannel = new ChannelUriStringBuilder().media("udp")
                .endpoint(BenchmarkSupport.LOOPBACK + ":" + ports[3]).termLength(TERM_LENGTH).build();
            macSubscription = aeron.addSubscription(macChannel, STREAM_ID);
            macPublication = aeron.addExclusivePublication(macChannel, STREAM_ID);
            sendMac = new HmacSha256(secret);
            receiveMac = new HmacSha256(secret);
            macFrame = new byte[size + HmacSha256.MAC_LENGTH];
            macFrameBuffer = new UnsafeBuffer(macFrame);
            macReceived = new byte[size + HmacSha256.MAC_LENGTH];
            macCounter = (buffer, offset, length, header) ->
            {
                final int messageLength = length - HmacSha256.MAC_LENGTH;
                buffer.getBytes(offset, macReceived, 0, length);
                if (messageLength < 0 || !receiveMac.verify(macReceived, 0, messageLength, macReceived, messageLength))
                {
                    macFailures++;
                }
                macReceivedLocal++;
            };

            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!sender.isConnected(1) || !publication.isConnected() || !macPublication.isConnected())
            {
                if (System.nanoTime() > deadline)
                {
                    throw new IllegalStateException("not connected within 30 s");
                }
                receiver.doWork(0, receiveEmitter);
                subscription.poll(counter, 16);
                macSubscription.poll(macCounter, 16);
                Thread.yield();
            }
        }

        private static AeronNet launch(final int nodeId, final int[] ports, final byte[] secret, final String dir)
        {
            final AeronNet net = AeronNet.launch(BenchmarkSupport.netContext(nodeId, ports, secret, dir));
            net.onAttach(BenchmarkSupport.context(nodeId, 2, 2));
            return net;
        }

        @TearDown(Level.Trial)
        public void tearDown()
        {
            System.err.println("jmir sender: " + sender.counters() + "\njmir receiver: " + receiver.counters());
            if (macFailures != 0)
            {
                throw new IllegalStateException(macFailures + " baseline frames failed MAC verification");
            }
            CloseHelper.quietCloseAll(sender, receiver, aeron, driver);
            IoUtil.delete(dirBase, true);
        }
    }

    /**
     * Two pipeline-runtime nodes running the net module ({@link NetNodePair}), set up only for the {@code jmirNode}
     * group: node 0's producer module emits up to {@code burst} SendMessage events per duty cycle within the
     * same in-flight window as the other groups, node 0's net stage drains its ring in batches and coalesces per
     * peer, node 1's net module verifies and emits MessageReceived to node 1's counting module. One stage thread
     * per node ({@code idle} mode, YIELDING by default like the other groups' threads), on its own SHARED driver
     * with the same settings as {@link Udp}'s.
     */
    @State(Scope.Group)
    public static class Nodes
    {
        @Param({ "64", "1024" })
        public int size;

        @Param({ "16" })
        public int burst;

        @Param({ "YIELDING" })
        public String idle;

        File dirBase;
        MediaDriver driver;
        NetNodePair pair;
        long lastDelivered;

        @Setup(Level.Trial)
        public void setUp()
        {
            dirBase = BenchmarkSupport.uniqueDir("jmir-bench-transport-nodes");
            final String driverDir = new File(dirBase, "driver").getAbsolutePath();
            driver = BenchmarkSupport.launchSharedDriver(driverDir);
            final byte[] secret = new byte[32];
            ThreadLocalRandom.current().nextBytes(secret);
            pair = new NetNodePair(driverDir, BenchmarkSupport.freeUdpPorts(2), secret, size, IdleMode.valueOf(idle),
                burst, null, Math.max(16, WINDOW_BYTES / (size + 96)));
            if (!pair.awaitConnected(TimeUnit.SECONDS.toNanos(30)))
            {
                throw new IllegalStateException("not connected within 30 s");
            }
        }

        @TearDown(Level.Trial)
        public void tearDown()
        {
            System.err.println("jmirNode: " + pair.counters() + " " + pair.problems());
            CloseHelper.quietCloseAll(pair, driver);
            IoUtil.delete(dirBase, true);
        }
    }

    /**
     * Messages delivered, reported per second.
     */
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    @State(Scope.Thread)
    public static class Delivered
    {
        public long messages;

        @Setup(Level.Iteration)
        public void reset()
        {
            messages = 0;
        }
    }

    @Benchmark
    @Group("jmir")
    @GroupThreads(1)
    public void jmirSend(final Udp udp)
    {
        if (udp.sender.counters().messagesSent(1) - udp.jmirReceived.get() < udp.window)
        {
            udp.sender.onEvent(udp.send, udp.sendEmitter);
            udp.sender.onEndOfBatch(udp.sendEmitter);
        }
        else
        {
            Thread.yield();
        }
    }

    @Benchmark
    @Group("jmir")
    @GroupThreads(1)
    public void jmirReceive(final Udp udp, final Delivered delivered)
    {
        receive(udp, delivered);
    }

    @Benchmark
    @Group("jmirBatch16")
    @GroupThreads(1)
    public void jmirBatch16Send(final Udp udp)
    {
        if (udp.sender.counters().messagesSent(1) - udp.jmirReceived.get() < udp.window)
        {
            for (int i = 0; i < BATCH; i++)
            {
                udp.sender.onEvent(udp.send, udp.sendEmitter);
            }
            udp.sender.onEndOfBatch(udp.sendEmitter);
        }
        else
        {
            Thread.yield();
        }
    }

    @Benchmark
    @Group("jmirBatch16")
    @GroupThreads(1)
    public void jmirBatch16Receive(final Udp udp, final Delivered delivered)
    {
        receive(udp, delivered);
    }

    private static void receive(final Udp udp, final Delivered delivered)
    {
        final long before = udp.receiveEmitter.committed();
        if (udp.receiver.doWork(0, udp.receiveEmitter) == 0)
        {
            Thread.yield();
        }
        final long after = udp.receiveEmitter.committed();
        delivered.messages += after - before;
        udp.jmirReceived.lazySet(after);
    }

    @Benchmark
    @Group("aeron")
    @GroupThreads(1)
    public void aeronSend(final Udp udp)
    {
        if (udp.rawSent - udp.rawReceived.get() < udp.window && udp.publication.offer(udp.message, 0, udp.size) > 0)
        {
            udp.rawSent++;
        }
        else
        {
            Thread.yield();
        }
    }

    @Benchmark
    @Group("aeron")
    @GroupThreads(1)
    public void aeronReceive(final Udp udp, final Delivered delivered)
    {
        final long before = udp.rawReceivedLocal;
        if (udp.subscription.poll(udp.counter, 256) == 0)
        {
            Thread.yield();
        }
        final long after = udp.rawReceivedLocal;
        delivered.messages += after - before;
        udp.rawReceived.lazySet(after);
    }

    /**
     * Raw Aeron with the same authentication work as the net module: the sender computes an HMAC-SHA256 over each
     * message and appends it (one MAC per offer, like the net module with one message per batch), the receiver
     * copies the fragment out and verifies the MAC. Same window and sizes as {@link #aeronSend}.
     *
     * @param udp the shared set-up.
     */
    @Benchmark
    @Group("aeronHmac")
    @GroupThreads(1)
    public void aeronHmacSend(final Udp udp)
    {
        if (udp.macSent - udp.macReceivedShared.get() < udp.window)
        {
            udp.macFrameBuffer.putBytes(0, udp.message, 0, udp.size);
            udp.sendMac.compute(udp.macFrame, 0, udp.size, udp.macFrame, udp.size);
            if (udp.macPublication.offer(udp.macFrameBuffer, 0, udp.size + HmacSha256.MAC_LENGTH) > 0)
            {
                udp.macSent++;
                return;
            }
        }
        Thread.yield();
    }

    /**
     * Receiving side of {@link #aeronHmacSend}: poll, verify each MAC, count.
     *
     * @param udp       the shared set-up.
     * @param delivered messages counted.
     */
    @Benchmark
    @Group("aeronHmac")
    @GroupThreads(1)
    public void aeronHmacReceive(final Udp udp, final Delivered delivered)
    {
        final long before = udp.macReceivedLocal;
        if (udp.macSubscription.poll(udp.macCounter, 256) == 0)
        {
            Thread.yield();
        }
        final long after = udp.macReceivedLocal;
        delivered.messages += after - before;
        udp.macReceivedShared.lazySet(after);
    }

    /**
     * Observes the messages node 1's counting module received (the work happens on the two nodes' stage
     * threads); parks 50 µs between looks so that it takes no CPU from them.
     *
     * @param nodes     the two nodes.
     * @param delivered messages counted.
     */
    @Benchmark
    @Group("jmirNode")
    @GroupThreads(1)
    public void jmirNode(final Nodes nodes, final Delivered delivered)
    {
        LockSupport.parkNanos(50_000);
        final long now = nodes.pair.delivered();
        delivered.messages += now - nodes.lastDelivered;
        nodes.lastDelivered = now;
    }
}
