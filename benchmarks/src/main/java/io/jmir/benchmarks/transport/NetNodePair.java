package io.jmir.benchmarks.transport;

import io.jmir.codecs.engine.MessageHeaderEncoder;
import io.jmir.codecs.engine.MessageReceivedDecoder;
import io.jmir.codecs.engine.SendMessageEncoder;
import io.jmir.engine.Emitter;
import io.jmir.engine.Event;
import io.jmir.engine.IdleMode;
import io.jmir.engine.Module;
import io.jmir.engine.ModuleContext;
import io.jmir.engine.Node;
import io.jmir.engine.NodeDefinition;
import io.jmir.transport.AeronNet;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Two pipeline-runtime nodes ({@link Node}) of one cluster, each running {@link AeronNet} as its {@code net}
 * module, as a user runs them: node 0's {@code app} module is a producer that emits {@code SendMessage} events to
 * its net module (at most {@code burst} per duty cycle, while the limit allows); the net stage drains its ring in
 * batches and coalesces each batch's messages per peer into authenticated frames; node 1's net module verifies
 * them and emits {@code MessageReceived} to node 1's {@code app} module, which counts. One stage thread per node.
 * <p>
 * <b>Threading:</b> create and close from one thread; {@link #delivered()} may be read from any thread.
 */
final class NetNodePair implements AutoCloseable
{
    static final int NET = 0;
    static final int APP = 1;

    private final AtomicLong delivered = new AtomicLong();
    private volatile boolean started;
    private final AeronNet[] nets = new AeronNet[2];
    private final Node sender;
    private final Node receiver;

    /**
     * @param driverDir directory of the running media driver both nets use.
     * @param ports     UDP ports of node 0 and node 1.
     * @param secret    cluster secret.
     * @param size      message size.
     * @param idle      idle mode of both nodes' stage threads.
     * @param burst     most SendMessage events the producer emits per duty cycle.
     * @param limit     the producer emits while the number of messages it emitted is below this limit; null for
     *                  the delivered and dropped count plus {@code window}, once {@link #awaitConnected} returned.
     * @param window    in-flight window in messages (with a null limit).
     */
    NetNodePair(final String driverDir, final int[] ports, final byte[] secret, final int size, final IdleMode idle,
        final int burst, final LongSupplier limit, final int window)
    {
        final LongSupplier effectiveLimit = limit != null ? limit :
            () -> started ? delivered.get() + nets[0].counters().sendDrops() + window : 0;
        nets[0] = UdpPipes.Net.launchUnattached(0, ports, secret, driverDir);
        nets[1] = UdpPipes.Net.launchUnattached(1, ports, secret, driverDir);
        Node node0 = null;
        try
        {
            node0 = Node.launch(new NodeDefinition(0, 2)
                .module("net", nets[0])
                .module("app", new Producer(size, burst, effectiveLimit)),
                new Node.Context().sharedThread(idle));
            receiver = Node.launch(new NodeDefinition(1, 2)
                .module("net", nets[1])
                .module("app", new Sink(delivered)),
                new Node.Context().sharedThread(idle));
        }
        catch (final RuntimeException ex)
        {
            if (node0 != null)
            {
                node0.close();
            }
            nets[0].close();
            nets[1].close();
            throw ex;
        }
        sender = node0;
    }

    /**
     * @return true when node 0's publication to node 1 is connected.
     */
    boolean isConnected()
    {
        return nets[0].isConnected(1);
    }

    /**
     * Wait until node 0's publication to node 1 is connected, then let a producer without an explicit limit start
     * (within its window: delivered plus dropped plus the window, so that a drop cannot wedge it).
     *
     * @param timeoutNs to wait.
     * @return true when connected.
     */
    boolean awaitConnected(final long timeoutNs)
    {
        final long deadline = System.nanoTime() + timeoutNs;
        while (!nets[0].isConnected(1))
        {
            if (System.nanoTime() > deadline)
            {
                return false;
            }
            Thread.yield();
        }
        started = true;
        return true;
    }

    /**
     * @return messages delivered to node 1's app module so far.
     */
    long delivered()
    {
        return delivered.get();
    }

    /**
     * @return drops and failures, or empty.
     */
    String problems()
    {
        final long drops = nets[0].counters().sendDrops() + nets[1].counters().receiveDrops();
        final String failures = (sender.failure() == null ? "" : " " + sender.failure()) +
            (receiver.failure() == null ? "" : " " + receiver.failure());
        return (drops == 0 ? "" : drops + " drops: " + nets[0].counters() + " " + nets[1].counters()) + failures;
    }

    /**
     * @return what the net modules counted, for the tear-down print.
     */
    String counters()
    {
        return "node 0 " + nets[0].counters() + "\nnode 1 " + nets[1].counters();
    }

    /**
     * Stop both nodes (their net modules close with them).
     */
    @Override
    public void close()
    {
        try
        {
            sender.close();
        }
        finally
        {
            receiver.close();
        }
    }

    /**
     * Node 0's app module: emits {@code SendMessage{destinationModule = app, destinations = [1]}} events of the
     * configured size to the net module, at most {@code burst} per duty cycle, while below the limit and not
     * back-pressured. Polled every duty cycle.
     */
    static final class Producer implements Module
    {
        private final UnsafeBuffer payload;
        private final int payloadLength;
        private final int burst;
        private final LongSupplier limit;
        private long emitted;

        Producer(final int size, final int burst, final LongSupplier limit)
        {
            this.burst = burst;
            this.limit = limit;
            payload = new UnsafeBuffer(new byte[size + 64]);
            final SendMessageEncoder encoder = new SendMessageEncoder();
            encoder.wrapAndApplyHeader(payload, 0, new MessageHeaderEncoder())
                .destinationModule(APP)
                .destinationsCount(1).next().nodeId(1);
            encoder.putMessage(new UnsafeBuffer(new byte[size]), 0, size);
            payloadLength = MessageHeaderEncoder.ENCODED_LENGTH + encoder.encodedLength();
        }

        @Override
        public void onAttach(final ModuleContext context)
        {
            if (context.moduleId("net") != NET)
            {
                throw new IllegalStateException("net must be module " + NET);
            }
        }

        @Override
        public void onEvent(final Event event, final Emitter emitter)
        {
        }

        @Override
        public long nextDeadlineNs()
        {
            return 0;
        }

        @Override
        public int doWork(final long nowNs, final Emitter emitter)
        {
            final long until = Math.min(limit.getAsLong(), emitted + burst);
            int work = 0;
            while (emitted < until && !emitter.isBackPressured())
            {
                emitter.emit(NET, payload, 0, payloadLength);
                emitted++;
                work++;
            }
            return work;
        }
    }

    /**
     * Node 1's app module: counts {@code MessageReceived} events.
     */
    static final class Sink implements Module
    {
        private final AtomicLong delivered;
        private long count;

        Sink(final AtomicLong delivered)
        {
            this.delivered = delivered;
        }

        @Override
        public void onEvent(final Event event, final Emitter emitter)
        {
            if (event.templateId() == MessageReceivedDecoder.TEMPLATE_ID &&
                event.schemaId() == MessageReceivedDecoder.SCHEMA_ID)
            {
                delivered.lazySet(++count);
            }
        }
    }
}
