package io.jmir.transport;

import io.jmir.codecs.EnvelopeLayout;
import io.jmir.codecs.engine.MessageHeaderEncoder;
import io.jmir.codecs.engine.MessageReceivedDecoder;
import io.jmir.codecs.engine.SendMessageEncoder;
import io.jmir.engine.Emitter;
import io.jmir.engine.Event;
import io.jmir.engine.EventBuilder;
import io.jmir.engine.IdleMode;
import io.jmir.engine.Module;
import io.jmir.engine.ModuleContext;
import io.jmir.engine.Node;
import io.jmir.engine.NodeDefinition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.File;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.IntFunction;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The net modules inside real pipeline-runtime nodes ({@link Node}): each node runs "net" and a pinger that sends
 * to every peer every 5 ms (losses before peers are up are tolerated, as a protocol would retransmit).
 */
@Timeout(90)
class NetInNodeTest
{
    private static final int NODES = 4;
    private static final int TARGET = 50;

    @Test
    void shouldCarryTrafficBetweenFourPipelineNodesOverAeronUdp() throws Exception
    {
        try (AeronTestCluster cluster = new AeronTestCluster(NODES))
        {
            final AeronNet[] nets = new AeronNet[NODES];
            final AtomicLongArray[] received = runNodes(id ->
            {
                nets[id] = AeronNet.launch(cluster.context(id));
                return nets[id];
            });
            for (int id = 0; id < NODES; id++)
            {
                assertThat(new File(nets[id].aeronDirectoryName())).as("closed with the node").doesNotExist();
                for (int peer = 0; peer < NODES; peer++)
                {
                    if (peer != id)
                    {
                        assertThat(nets[id].counters().messagesReceived(peer)).isEqualTo(received[id].get(peer));
                    }
                }
                assertThat(nets[id].counters().receiveDrops()).isZero();
            }
        }
    }

    @Test
    void shouldCarryTrafficBetweenFourPipelineNodesInJvm() throws Exception
    {
        try (InJvmNetwork network = new InJvmNetwork(NODES, 1024))
        {
            final AtomicLongArray[] received = runNodes(network::net);
            for (int id = 0; id < NODES; id++)
            {
                assertThat(network.isUp(id)).as("taken down with the node").isFalse();
                for (int peer = 0; peer < NODES; peer++)
                {
                    assertThat(network.counters(id).messagesReceived(peer)).isEqualTo(received[id].get(peer));
                }
            }
        }
    }

    private static AtomicLongArray[] runNodes(final IntFunction<Module> netFactory) throws InterruptedException
    {
        final CountDownLatch done = new CountDownLatch(NODES);
        final AtomicLongArray[] received = new AtomicLongArray[NODES];
        final Node[] nodes = new Node[NODES];
        try
        {
            for (int id = 0; id < NODES; id++)
            {
                received[id] = new AtomicLongArray(NODES);
                final NodeDefinition definition = new NodeDefinition(id, NODES)
                    .module("net", netFactory.apply(id))
                    .module("pinger", new Pinger(received[id], done));
                nodes[id] = Node.launch(definition, new Node.Context().ringSize(256).sharedThread(IdleMode.BLOCKING));
            }
            assertThat(done.await(60, TimeUnit.SECONDS)).as("every node hears %d pings from every peer", TARGET)
                .isTrue();
            for (final Node node : nodes)
            {
                assertThat(node.failure()).isNull();
            }
        }
        finally
        {
            for (final Node node : nodes)
            {
                if (node != null)
                {
                    node.close();
                }
            }
        }
        return received;
    }

    /**
     * Pings every other node every 5 ms through "net"; counts the pings it receives from each node.
     */
    private static final class Pinger implements Module
    {
        private final AtomicLongArray receivedFrom;
        private final CountDownLatch done;
        private final MessageHeaderEncoder header = new MessageHeaderEncoder();
        private final SendMessageEncoder send = new SendMessageEncoder();
        private final MessageReceivedDecoder messageReceived = new MessageReceivedDecoder();
        private final org.agrona.concurrent.UnsafeBuffer ping =
            new org.agrona.concurrent.UnsafeBuffer(new byte[8]);
        private int netId;
        private int selfId;
        private int nodeId;
        private int nodeCount;
        private long nextPingNs;
        private long seq;
        private boolean signalled;

        Pinger(final AtomicLongArray receivedFrom, final CountDownLatch done)
        {
            this.receivedFrom = receivedFrom;
            this.done = done;
        }

        @Override
        public void onAttach(final ModuleContext context)
        {
            netId = context.moduleId("net");
            selfId = context.selfId();
            nodeId = context.nodeId();
            nodeCount = context.nodeCount();
        }

        @Override
        public void onEvent(final Event event, final Emitter emitter)
        {
            if (event.schemaId() == EnvelopeLayout.ENGINE_SCHEMA_ID &&
                event.templateId() == MessageReceivedDecoder.TEMPLATE_ID)
            {
                final int from = event.decode(messageReceived).fromNode();
                receivedFrom.incrementAndGet(from);
                if (!signalled && allPeersAtLeast(TARGET))
                {
                    signalled = true;
                    done.countDown();
                }
            }
        }

        private boolean allPeersAtLeast(final long target)
        {
            for (int peer = 0; peer < nodeCount; peer++)
            {
                if (peer != nodeId && receivedFrom.get(peer) < target)
                {
                    return false;
                }
            }
            return true;
        }

        @Override
        public int doWork(final long nowNs, final Emitter emitter)
        {
            if (nowNs - nextPingNs < 0)
            {
                return 0;
            }
            nextPingNs = nowNs + 5_000_000L;
            ping.putLong(0, seq++);
            final EventBuilder builder = emitter.event(netId);
            final SendMessageEncoder.DestinationsEncoder destinations =
                send.wrapAndApplyHeader(builder.buffer(), builder.payloadOffset(), header)
                    .destinationModule(selfId)
                    .destinationsCount(nodeCount - 1);
            for (int peer = 0; peer < nodeCount; peer++)
            {
                if (peer != nodeId)
                {
                    destinations.next().nodeId(peer);
                }
            }
            send.putMessage(ping, 0, 8);
            builder.payload(send).commit();
            return 1;
        }

        @Override
        public long nextDeadlineNs()
        {
            return nextPingNs;
        }
    }
}
