package io.jmir.engine.net;

import io.jmir.codecs.engine.MessageHeaderEncoder;
import io.jmir.codecs.engine.MessageReceivedDecoder;
import io.jmir.codecs.engine.MessageReceivedEncoder;
import io.jmir.codecs.engine.SendMessageEncoder;
import io.jmir.engine.Emitter;
import io.jmir.engine.Event;
import io.jmir.engine.EventBuilder;
import io.jmir.engine.EventInterceptor;
import io.jmir.engine.IdleMode;
import io.jmir.engine.Module;
import io.jmir.engine.ModuleContext;
import io.jmir.engine.Node;
import io.jmir.engine.NodeDefinition;
import io.jmir.engine.TestEvents;
import org.agrona.DirectBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

@Timeout(60)
class LocalNetworkTest
{
    private static final int NODES = 4;
    private static final int MESSAGES_PER_NODE = 2_000;

    /** Sends MESSAGES_PER_NODE Ticks to every node (itself included) on Init; counts what it receives. */
    private static final class AllToAll implements Module
    {
        private final AtomicIntegerArray receivedFrom;
        private final CountDownLatch done;
        private final TestEvents events = new TestEvents();
        private final SendMessageEncoder send = new SendMessageEncoder();
        private final MessageHeaderEncoder header = new MessageHeaderEncoder();
        private final MessageReceivedDecoder received = new MessageReceivedDecoder();
        private int netId;
        private int selfId;
        private int total;

        AllToAll(final AtomicIntegerArray receivedFrom, final CountDownLatch done)
        {
            this.receivedFrom = receivedFrom;
            this.done = done;
        }

        @Override
        public void onAttach(final ModuleContext context)
        {
            netId = context.moduleId("net");
            selfId = context.selfId();
        }

        @Override
        public void onEvent(final Event event, final Emitter emitter)
        {
            if (event.templateId() == io.jmir.codecs.engine.InitEncoder.TEMPLATE_ID)
            {
                for (int i = 0; i < MESSAGES_PER_NODE; i++)
                {
                    final int length = events.tick(i, 0);
                    final EventBuilder b = emitter.event(netId);
                    final SendMessageEncoder.DestinationsEncoder destinations =
                        send.wrapAndApplyHeader(b.buffer(), b.payloadOffset(), header).destinationModule(selfId)
                            .destinationsCount(NODES);
                    for (int node = 0; node < NODES; node++)
                    {
                        destinations.next().nodeId(node);
                    }
                    send.putMessage(events.buffer(), 0, length);
                    b.payload(send).commit();
                }
            }
            else if (event.templateId() == MessageReceivedEncoder.TEMPLATE_ID)
            {
                event.decode(received);
                receivedFrom.incrementAndGet(received.fromNode());
                if (++total == NODES * MESSAGES_PER_NODE)
                {
                    done.countDown();
                }
            }
        }
    }

    @Test
    void shouldDeliverAllToAllBetweenFourNodesInOneJvm() throws Exception
    {
        final LocalNetwork network = new LocalNetwork(NODES);
        final CountDownLatch done = new CountDownLatch(NODES);
        final AtomicIntegerArray[] receivedFrom = new AtomicIntegerArray[NODES];
        final AtomicLong intercepted = new AtomicLong();
        final AtomicLong lastTimestamp = new AtomicLong();
        final EventInterceptor interceptor = (final int nodeId, final int moduleId, final DirectBuffer buffer,
            final int offset, final int length, final long timestampNs) ->
        {
            intercepted.incrementAndGet();
            lastTimestamp.set(timestampNs);
        };
        final Node[] nodes = new Node[NODES];
        try
        {
            for (int id = 0; id < NODES; id++)
            {
                receivedFrom[id] = new AtomicIntegerArray(NODES);
                final NodeDefinition definition = new NodeDefinition(id, NODES)
                    .module("net", network.module(id))
                    .module("protocol", new AllToAll(receivedFrom[id], done))
                    .interceptor(id == 0 ? interceptor : null);
                nodes[id] = Node.launch(definition, new Node.Context().ringSize(64).sharedThread(IdleMode.BLOCKING));
                network.register(id, nodes[id]);
            }
            assertThat(done.await(45, TimeUnit.SECONDS)).isTrue();
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
        for (int id = 0; id < NODES; id++)
        {
            for (int from = 0; from < NODES; from++)
            {
                assertThat(receivedFrom[id].get(from)).as("node %d from %d", id, from).isEqualTo(MESSAGES_PER_NODE);
            }
        }
        assertThat(intercepted.get()).as("interceptor saw every event of node 0")
            .isEqualTo(2 + MESSAGES_PER_NODE + (long)NODES * MESSAGES_PER_NODE);
        assertThat(lastTimestamp.get()).as("wall-clock epoch ns").isGreaterThan(1_700_000_000_000_000_000L);
    }
}
