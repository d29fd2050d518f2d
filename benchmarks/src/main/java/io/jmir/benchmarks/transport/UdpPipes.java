package io.jmir.benchmarks.transport;

import io.aeron.Aeron;
import io.aeron.ChannelUriStringBuilder;
import io.aeron.ExclusivePublication;
import io.aeron.Subscription;
import io.aeron.logbuffer.FragmentHandler;
import io.aeron.logbuffer.Header;
import io.jmir.engine.Event;
import io.jmir.engine.IdleMode;
import io.jmir.transport.AeronNet;
import io.jmir.transport.HmacSha256;
import io.jmir.transport.TransportConfiguration;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * The one-to-one UDP pipelines compared by {@link TransportCpuCost}, each split into a sending step and a
 * receiving step that two threads call. Every pipeline uses the same external media driver, the same MTU and term
 * length; the caller applies the same in-flight window to all of them.
 * <p>
 * <b>Threading:</b> {@link Pipe#send()} is called by one sending thread, {@link Pipe#receive()} by one receiving
 * thread; set-up and close by the thread that created the pipe while neither runs.
 */
final class UdpPipes
{
    static final int STREAM_ID = 2001;
    static final int TERM_LENGTH = 1024 * 1024;

    private UdpPipes()
    {
    }

    /**
     * One pipeline: a sending step and a receiving step.
     */
    abstract static class Pipe implements AutoCloseable
    {
        final String name;

        Pipe(final String name)
        {
            this.name = name;
        }

        /**
         * @return messages handed to the transport (0 when it refused).
         */
        abstract int send();

        /**
         * @return messages delivered by this call.
         */
        abstract int receive();

        /**
         * @return messages one {@link #send()} hands over.
         */
        int batch()
        {
            return 1;
        }

        /**
         * @return true when connected and ready.
         */
        abstract boolean isConnected();

        /**
         * @return a problem to report at the end (drops, failed MACs), or empty.
         */
        abstract String problems();

        @Override
        public void close()
        {
        }
    }

    static String channel(final int port)
    {
        return new ChannelUriStringBuilder().media("udp").endpoint(BenchmarkSupport.LOOPBACK + ":" + port)
            .mtu(TransportConfiguration.MTU_DEFAULT).termLength(TERM_LENGTH).build();
    }

    /**
     * An exclusive publication and a subscription on one loopback channel; subclasses say what is sent and what a
     * received fragment costs.
     */
    abstract static class AeronPipe extends Pipe
    {
        final ExclusivePublication publication;
        private final Subscription subscription;
        private final FragmentHandler counter;
        int received;

        AeronPipe(final String name, final Aeron aeron, final int port)
        {
            super(name);
            final String channel = channel(port);
            subscription = aeron.addSubscription(channel, STREAM_ID);
            publication = aeron.addExclusivePublication(channel, STREAM_ID);
            counter = this::onFragment;
        }

        abstract void onFragment(DirectBuffer buffer, int offset, int length, Header header);

        int receive()
        {
            received = 0;
            subscription.poll(counter, 256);
            return received;
        }

        boolean isConnected()
        {
            subscription.poll(counter, 256);
            return publication.isConnected();
        }
    }

    /**
     * Raw Aeron: exclusive publication offer to subscription poll.
     */
    static final class Raw extends AeronPipe
    {
        private final UnsafeBuffer message;

        Raw(final Aeron aeron, final int port, final int size)
        {
            super("aeron", aeron, port);
            message = new UnsafeBuffer(new byte[size]);
        }

        void onFragment(final DirectBuffer buffer, final int offset, final int length, final Header header)
        {
            received++;
        }

        int send()
        {
            return publication.offer(message, 0, message.capacity()) > 0 ? 1 : 0;
        }

        String problems()
        {
            return "";
        }
    }

    /**
     * Raw Aeron with the net module's authentication work per offer: HMAC-SHA256 appended by the sender, fragment
     * copied out and MAC verified by the receiver.
     */
    static final class RawHmac extends AeronPipe
    {
        private final int size;
        private final byte[] message;
        private final byte[] frame;
        private final UnsafeBuffer frameBuffer;
        private final byte[] copy;
        private final HmacSha256 sendMac;
        private final HmacSha256 receiveMac;
        private long failures;

        RawHmac(final Aeron aeron, final int port, final int size, final byte[] key)
        {
            super("aeronHmac", aeron, port);
            this.size = size;
            message = new byte[size];
            frame = new byte[size + HmacSha256.MAC_LENGTH];
            frameBuffer = new UnsafeBuffer(frame);
            copy = new byte[size + HmacSha256.MAC_LENGTH];
            sendMac = new HmacSha256(key);
            receiveMac = new HmacSha256(key);
        }

        void onFragment(final DirectBuffer buffer, final int offset, final int length, final Header header)
        {
            final int messageLength = length - HmacSha256.MAC_LENGTH;
            buffer.getBytes(offset, copy, 0, length);
            if (messageLength < 0 || !receiveMac.verify(copy, 0, messageLength, copy, messageLength))
            {
                failures++;
            }
            received++;
        }

        int send()
        {
            System.arraycopy(message, 0, frame, 0, size);
            sendMac.compute(frame, 0, size, frame, size);
            return publication.offer(frameBuffer, 0, size + HmacSha256.MAC_LENGTH) > 0 ? 1 : 0;
        }

        String problems()
        {
            return failures == 0 ? "" : failures + " MAC failures";
        }
    }

    /**
     * Two net modules (nodes 0 and 1 of one cluster) driven directly: {@code batch} {@code SendMessage} events then
     * the end of the batch on the sending thread, {@code doWork} on the receiving thread.
     */
    static final class Net extends Pipe
    {
        private final AeronNet sender;
        private final AeronNet receiver;
        private final Event send;
        private final CountingEmitter sendEmitter = new CountingEmitter(64 * 1024);
        private final CountingEmitter receiveEmitter = new CountingEmitter(64 * 1024);
        private final int batch;

        Net(final String name, final String driverDir, final int[] ports, final int size, final byte[] secret,
            final int batch)
        {
            super(name);
            this.batch = batch;
            sender = launch(0, ports, secret, driverDir);
            receiver = launch(1, ports, secret, driverDir);
            send = BenchmarkSupport.sendMessage(0, 1, 1, size);
        }

        static AeronNet launch(final int nodeId, final int[] ports, final byte[] secret, final String dir)
        {
            final AeronNet net = launchUnattached(nodeId, ports, secret, dir);
            net.onAttach(BenchmarkSupport.context(nodeId, 2, 2));
            return net;
        }

        static AeronNet launchUnattached(final int nodeId, final int[] ports, final byte[] secret, final String dir)
        {
            return AeronNet.launch(BenchmarkSupport.netContext(nodeId, ports, secret, dir).termLength(TERM_LENGTH));
        }

        int batch()
        {
            return batch;
        }

        int send()
        {
            for (int i = 0; i < batch; i++)
            {
                sender.onEvent(send, sendEmitter);
            }
            sender.onEndOfBatch(sendEmitter);
            return batch;
        }

        int receive()
        {
            final long before = receiveEmitter.committed();
            receiver.doWork(0, receiveEmitter);
            return (int)(receiveEmitter.committed() - before);
        }

        boolean isConnected()
        {
            receiver.doWork(0, receiveEmitter);
            return sender.isConnected(1);
        }

        String problems()
        {
            final long drops = sender.counters().sendDrops() + receiver.counters().receiveDrops();
            return drops == 0 ? "" : drops + " drops: sender " + sender.counters() + " receiver " + receiver.counters();
        }

        public void close()
        {
            sender.close();
            receiver.close();
        }
    }

    /**
     * The net modules inside two pipeline-runtime nodes ({@link NetNodePair}): the sending step grants the
     * producer module of node 0 {@code burst} more messages, the receiving step reads how many node 1's app module
     * counted. The work happens on the nodes' stage threads.
     */
    static final class InNodes extends Pipe
    {
        private final NetNodePair pair;
        private final int burst;
        private volatile long permits;
        private long lastDelivered;

        InNodes(final String name, final String driverDir, final int[] ports, final int size, final byte[] secret,
            final IdleMode idle, final int burst)
        {
            super(name);
            this.burst = burst;
            pair = new NetNodePair(driverDir, ports, secret, size, idle, burst, () -> permits, 0);
        }

        int batch()
        {
            return burst;
        }

        int send()
        {
            permits = permits + burst;
            return burst;
        }

        int receive()
        {
            final long delivered = pair.delivered();
            final int count = (int)(delivered - lastDelivered);
            lastDelivered = delivered;
            return count;
        }

        boolean isConnected()
        {
            return pair.isConnected();
        }

        String problems()
        {
            return pair.problems();
        }

        public void close()
        {
            pair.close();
        }
    }
}
