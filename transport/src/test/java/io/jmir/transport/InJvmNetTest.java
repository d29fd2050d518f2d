package io.jmir.transport;

import io.jmir.codecs.EnvelopeLayout;
import io.jmir.codecs.engine.InitEncoder;
import io.jmir.codecs.engine.MessageHeaderEncoder;
import io.jmir.codecs.engine.TickEncoder;
import io.jmir.engine.ConfigurationException;
import io.jmir.engine.Event;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@Timeout(60)
class InJvmNetTest
{
    private static final int NODES = 4;
    private static final int MODULES = 3;
    private static final int NET = 0;
    private static final int DEST_MODULE = 2;
    private static final int[] ALL = { 0, 1, 2, 3 };

    private final List<Throwable> errors = new ArrayList<>();
    private InJvmNetwork network = new InJvmNetwork(
        5, NODES, 1024, InJvmNetwork.DEFAULT_INBOX_CAPACITY, 64, errors::add);
    private final SendMessageEvents events = new SendMessageEvents(4096);

    @AfterEach
    void close()
    {
        network.close();
    }

    private InJvmNet up(final int nodeId)
    {
        final InJvmNet net = network.net(nodeId);
        net.onAttach(new TestModuleContext(nodeId, NODES, MODULES));
        return net;
    }

    private static RecordingEmitter emitter()
    {
        return new RecordingEmitter(NET, MODULES, 8192);
    }

    private static byte[] message(final int from, final int seq)
    {
        return ByteBuffer.allocate(8).putInt(from).putInt(seq).array();
    }

    @Test
    void shouldDeliverAllToAllIncludingToItselfInOrder()
    {
        final InJvmNet[] nets = new InJvmNet[NODES];
        final RecordingEmitter[] emitters = new RecordingEmitter[NODES];
        for (int i = 0; i < NODES; i++)
        {
            nets[i] = up(i);
            emitters[i] = emitter();
        }
        for (int seq = 0; seq < 100; seq++)
        {
            for (int i = 0; i < NODES; i++)
            {
                nets[i].onEvent(events.build(NET, DEST_MODULE, ALL, message(i, seq)), emitters[i]);
            }
        }
        for (int i = 0; i < NODES; i++)
        {
            while (nets[i].doWork(0, emitters[i]) > 0)
            {
                assertThat(emitters[i].invalidEnvelopes()).isZero();
            }
        }
        for (int i = 0; i < NODES; i++)
        {
            final List<RecordingEmitter.Received> received = emitters[i].received();
            assertThat(received).hasSize(NODES * 100);
            final int[] next = new int[NODES];
            for (final RecordingEmitter.Received r : received)
            {
                assertThat(r.destinationModule()).isEqualTo(DEST_MODULE);
                assertThat(r.message()).isEqualTo(message(r.fromNode(), next[r.fromNode()]++));
            }
            assertThat(next).containsOnly(100);
            for (int peer = 0; peer < NODES; peer++)
            {
                assertThat(network.counters(i).messagesSent(peer)).isEqualTo(100);
                assertThat(network.counters(i).messagesReceived(peer)).isEqualTo(100);
            }
            assertThat(network.counters(i).bytesSent(1 - Math.min(i, 1))).isEqualTo(100 * 16);
            assertThat(network.counters(i).sendDrops() + network.counters(i).receiveDrops()).isZero();
        }
    }

    @Test
    void shouldDeliverEverythingWhenEveryNodeRunsOnItsOwnThread() throws Exception
    {
        final int perPeer = 20_000;
        final InJvmNet[] nets = new InJvmNet[NODES];
        for (int i = 0; i < NODES; i++)
        {
            nets[i] = up(i);
        }
        final ExecutorService executor = Executors.newFixedThreadPool(NODES);
        try
        {
            final List<Future<long[]>> results = new ArrayList<>();
            for (int i = 0; i < NODES; i++)
            {
                final int self = i;
                results.add(executor.submit(() -> runNode(nets[self], self, perPeer)));
            }
            for (final Future<long[]> result : results)
            {
                final long[] sums = result.get(50, TimeUnit.SECONDS);
                for (int peer = 0; peer < NODES; peer++)
                {
                    assertThat(sums[peer]).as("sum of sequence numbers from %d", peer)
                        .isEqualTo((long)perPeer * (perPeer - 1) / 2);
                }
            }
        }
        finally
        {
            executor.shutdownNow();
        }
    }

    private long[] runNode(final InJvmNet net, final int self, final int perPeer)
    {
        final long[] sums = new long[NODES];
        final int[] counts = new int[NODES];
        final int[] expected = new int[NODES];
        final RecordingEmitter emitter = emitter().listener((module, from, buffer, offset, length) ->
        {
            final int seq = buffer.getInt(offset + 4, java.nio.ByteOrder.BIG_ENDIAN);
            if (seq != expected[from]++)
            {
                throw new AssertionError("out of order from " + from + ": " + seq);
            }
            sums[from] += seq;
            counts[from]++;
        });
        final SendMessageEvents local = new SendMessageEvents(256);
        int sent = 0;
        while (sent < perPeer || !allReceived(counts, perPeer))
        {
            if (sent < perPeer)
            {
                net.onEvent(local.build(NET, DEST_MODULE, ALL, message(self, sent++)), emitter);
            }
            if (net.doWork(0, emitter) == 0)
            {
                Thread.yield();
            }
        }
        assertThat(network.counters(self).sendDrops()).isZero();
        return sums;
    }

    private static boolean allReceived(final int[] counts, final int perPeer)
    {
        for (final int count : counts)
        {
            if (count < perPeer)
            {
                return false;
            }
        }
        return true;
    }

    @Test
    void shouldDropAndCountWhenAnInboxIsFullAndFlowAgainOnceDrained()
    {
        network.close();
        network = new InJvmNetwork(5, 2, 100, 1024, 1000, errors::add);
        final InJvmNet sender = network.net(0);
        sender.onAttach(new TestModuleContext(0, 2, MODULES));
        final InJvmNet receiver = network.net(1);
        receiver.onAttach(new TestModuleContext(1, 2, MODULES));
        final RecordingEmitter emitter = emitter();
        final byte[] payload = new byte[100];
        for (int i = 0; i < 100; i++)
        {
            sender.onEvent(events.build(NET, DEST_MODULE, new int[]{ 1 }, payload), emitter);
        }
        final long sent = network.counters(0).messagesSent(1);
        assertThat(network.counters(0).drops(DropReason.SEND_BACK_PRESSURED)).isEqualTo(100 - sent).isPositive();
        assertThat(receiver.doWork(0, emitter)).isEqualTo((int)sent);

        sender.onEvent(events.build(NET, DEST_MODULE, new int[]{ 1 }, payload), emitter);
        assertThat(receiver.doWork(0, emitter)).as(network.counters(0).toString()).isEqualTo(1);
        assertThat(emitter.messages()).isEqualTo(sent + 1);
    }

    @Test
    void shouldDropWhileAPeerIsDownAndFlowOnceItIsUpAgain()
    {
        final InJvmNet sender = up(0);
        final RecordingEmitter emitter = emitter();
        sender.onEvent(events.build(NET, DEST_MODULE, new int[]{ 1 }, message(0, 0)), emitter);
        assertThat(network.counters(0).drops(DropReason.SEND_NOT_CONNECTED)).isEqualTo(1);
        assertThat(network.isUp(1)).isFalse();

        final InJvmNet receiver = up(1);
        sender.onEvent(events.build(NET, DEST_MODULE, new int[]{ 1 }, message(0, 1)), emitter);
        assertThat(receiver.doWork(0, emitter)).isEqualTo(1);

        receiver.onClose();
        sender.onEvent(events.build(NET, DEST_MODULE, new int[]{ 1 }, message(0, 2)), emitter);
        assertThat(receiver.doWork(0, emitter)).isZero();
        assertThat(network.counters(0).drops(DropReason.SEND_NOT_CONNECTED)).isEqualTo(2);

        final InJvmNet restarted = up(1);
        sender.onEvent(events.build(NET, DEST_MODULE, new int[]{ 1 }, message(0, 3)), emitter);
        assertThat(restarted.doWork(0, emitter)).isEqualTo(1);
        assertThat(emitter.received()).extracting(r -> r.message()[7]).containsExactly((byte)1, (byte)3);
        assertThat(network.counters(1).messagesReceived(0)).isEqualTo(2);
        assertThatThrownBy(() -> network.net(1)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void shouldStopReadingWhileBackPressured()
    {
        final InJvmNet sender = up(0);
        final InJvmNet receiver = up(1);
        final RecordingEmitter emitter = emitter();
        for (int i = 0; i < 10; i++)
        {
            sender.onEvent(events.build(NET, DEST_MODULE, new int[]{ 1 }, message(0, i)), emitter);
        }
        emitter.backPressured(true);
        assertThat(receiver.doWork(0, emitter)).isZero();
        assertThat(emitter.messages()).isZero();
        emitter.backPressured(false);
        assertThat(receiver.doWork(0, emitter)).isEqualTo(10);
        assertThat(emitter.messages()).isEqualTo(10);
    }

    @Test
    void shouldRefuseMessagesLargerThanTheMaximumWithACountedClearError()
    {
        final InJvmNet sender = up(0);
        final InJvmNet receiver = up(1);
        final RecordingEmitter emitter = emitter();
        sender.onEvent(events.build(NET, DEST_MODULE, new int[]{ 1, 0 }, new byte[1025]), emitter);
        sender.onEvent(events.build(NET, DEST_MODULE, new int[]{ 1 }, new byte[1024]), emitter);

        assertThat(network.counters(0).drops(DropReason.SEND_TOO_LARGE)).isEqualTo(2);
        assertThat(errors).hasSize(2).allSatisfy(e -> assertThat(e).isInstanceOf(MessageTooLargeException.class)
            .hasMessageContaining("1025 bytes").hasMessageContaining("maxMessageSize 1024"));
        assertThat(receiver.doWork(0, emitter)).isEqualTo(1);
        assertThat(emitter.received()).singleElement().satisfies(r -> assertThat(r.message()).hasSize(1024));
    }

    @Test
    void shouldCountMalformedRequestsUnexpectedEventsAndUnknownDestinations()
    {
        final InJvmNet sender = up(0);
        final InJvmNet receiver = up(1);
        final RecordingEmitter emitter = emitter();

        events.build(NET, DEST_MODULE, new int[]{ 1 }, message(0, 0));
        events.envelope().putShort(events.bodyOffset() + 2 + 2, (short)60_000, EnvelopeLayout.BYTE_ORDER);
        sender.onEvent(events.rewrap(), emitter);
        events.build(NET, DEST_MODULE, new int[]{ 1 }, message(0, 0));
        events.envelope().putInt(events.bodyOffset() + 2 + 4 + 4, 1 << 30, EnvelopeLayout.BYTE_ORDER);
        sender.onEvent(events.rewrap(), emitter);
        events.build(NET, DEST_MODULE, new int[]{ 1 }, message(0, 0));
        events.envelope().putShort(events.bodyOffset() + 2, (short)2, EnvelopeLayout.BYTE_ORDER);
        sender.onEvent(events.rewrap(), emitter);
        assertThat(network.counters(0).drops(DropReason.SEND_MALFORMED_REQUEST)).isEqualTo(3);

        sender.onEvent(engineEvent(true), emitter);
        sender.onEvent(engineEvent(false), emitter);
        assertThat(network.counters(0).drops(DropReason.UNEXPECTED_EVENT)).isEqualTo(1);

        sender.onEvent(events.build(NET, DEST_MODULE, new int[]{ 7, -1 }, message(0, 0)), emitter);
        assertThat(network.counters(0).drops(DropReason.SEND_UNKNOWN_DESTINATION)).isEqualTo(2);

        sender.onEvent(events.build(NET, MODULES, new int[]{ 1 }, message(0, 0)), emitter);
        assertThat(receiver.doWork(0, emitter)).isEqualTo(1);
        assertThat(network.counters(1).drops(DropReason.RECV_UNKNOWN_MODULE)).isEqualTo(1);
        assertThat(emitter.messages()).isZero();
        assertThat(emitter.invalidEnvelopes()).isZero();
    }

    @Test
    void shouldDropMessagesThatDoNotFitTheDestinationsEventSlot()
    {
        final InJvmNet sender = up(0);
        final InJvmNet receiver = up(1);
        final RecordingEmitter small = new RecordingEmitter(NET, MODULES, 256);
        sender.onEvent(events.build(NET, DEST_MODULE, new int[]{ 1 }, new byte[1000]), small);
        sender.onEvent(events.build(NET, DEST_MODULE, new int[]{ 1 }, new byte[100]), small);
        assertThat(receiver.doWork(0, small)).isEqualTo(2);
        assertThat(network.counters(1).drops(DropReason.RECV_EVENT_TOO_LARGE)).isEqualTo(1);
        assertThat(small.received()).singleElement().satisfies(r -> assertThat(r.message()).hasSize(100));
    }

    @Test
    void shouldRefuseToAttachToAnotherNodeAndInvalidNetworks()
    {
        final InJvmNet net = network.net(1);
        assertThatThrownBy(() -> net.onAttach(new TestModuleContext(2, NODES, MODULES)))
            .isInstanceOf(ConfigurationException.class).hasMessageStartingWith("nodeId:");
        assertThatThrownBy(() -> net.onAttach(new TestModuleContext(1, NODES + 1, MODULES)))
            .isInstanceOf(ConfigurationException.class).hasMessageStartingWith("nodeCount:");
        assertThatThrownBy(() -> network.net(NODES)).isInstanceOf(ConfigurationException.class)
            .hasMessageStartingWith("nodeId:");
        assertThatThrownBy(() -> new InJvmNetwork(0, 100)).isInstanceOf(ConfigurationException.class)
            .hasMessageStartingWith("nodeCount:");
        assertThatThrownBy(() -> new InJvmNetwork(2, 0)).isInstanceOf(ConfigurationException.class)
            .hasMessageStartingWith("maxMessageSize:");
        assertThatThrownBy(() -> new InJvmNetwork(0, 2, 1000, 4096, 10, errors::add))
            .isInstanceOf(ConfigurationException.class).hasMessageStartingWith("inboxCapacity:");
        assertThatThrownBy(() -> new InJvmNetwork(0, 2, 100, 4096, 0, errors::add))
            .isInstanceOf(ConfigurationException.class).hasMessageStartingWith("fragmentLimit:");
        assertThat(net.nextDeadlineNs()).isZero();
    }

    private static Event engineEvent(final boolean tick)
    {
        final UnsafeBuffer payload = new UnsafeBuffer(new byte[64]);
        final MessageHeaderEncoder header = new MessageHeaderEncoder();
        final int length;
        if (tick)
        {
            length = MessageHeaderEncoder.ENCODED_LENGTH +
                new TickEncoder().wrapAndApplyHeader(payload, 0, header).nowNs(1).tickCount(1).encodedLength();
        }
        else
        {
            length = MessageHeaderEncoder.ENCODED_LENGTH +
                new InitEncoder().wrapAndApplyHeader(payload, 0, header).nodeId(0).nodeCount(NODES).encodedLength();
        }
        final UnsafeBuffer envelope = new UnsafeBuffer(new byte[128]);
        final int envelopeLength = EnvelopeLayout.write(envelope, 0, NET, 0xFFFF, payload, 0, length);
        return new Event().wrap(envelope, 0, envelopeLength);
    }
}
