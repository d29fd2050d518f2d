package io.jmir.engine.demo;

import io.jmir.codecs.EnvelopeLayout;
import io.jmir.codecs.engine.InitEncoder;
import io.jmir.codecs.engine.MessageHeaderEncoder;
import io.jmir.codecs.engine.MessageReceivedEncoder;
import io.jmir.codecs.engine.SendMessageDecoder;
import io.jmir.engine.Emitter;
import io.jmir.engine.Event;
import io.jmir.engine.EventBuilder;
import io.jmir.engine.Module;
import io.jmir.engine.ModuleFailure;
import io.jmir.engine.NodeCounters;
import io.jmir.engine.NodeDefinition;
import io.jmir.engine.internal.DefaultModuleContext;
import io.jmir.engine.internal.Dispatcher;
import io.jmir.engine.internal.ModuleHost;
import io.jmir.engine.modules.RecordedEvent;
import io.jmir.engine.modules.RecordingEmitter;
import io.jmir.engine.modules.wal.InMemoryWalStore;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * A tiny single-threaded runtime for echo nodes in tests. Every module of every node has one FIFO inbox per
 * channel (local events, and one per sending node for network messages); a seeded random generator picks
 * which non-empty inbox runs its head next, so events interleave at random across modules, nodes and links
 * while each link and each local producer stays FIFO, as in both runtimes. Delivery goes through the engine's
 * {@link Dispatcher}; follow-ups are released after their parent was processed (for the WAL after its end of
 * batch); the net hands SendMessages to the destination nodes as MessageReceived. Not a simulation runtime:
 * no time, no faults beyond reordering and restarts.
 */
final class MiniCluster
{
    private final int nodeCount;
    private final Random random;
    private final Map<Long, ArrayDeque<Pending>> inboxes = new LinkedHashMap<>();
    private final InMemoryWalStore[] stores;
    private final EchoNodes.EchoNode[] nodes;
    private final Runtime[] runtimes;
    private final List<ModuleFailure> failures = new ArrayList<>();
    private final NodeCounters counters = new NodeCounters();

    private record Pending(int node, int incarnation, byte[] envelope)
    {
    }

    private final class Runtime
    {
        final Dispatcher dispatcher;
        final ModuleHost[] hosts;
        final RecordingEmitter[] emitters;
        final int incarnation;

        Runtime(final NodeDefinition definition, final int incarnation)
        {
            this.incarnation = incarnation;
            dispatcher = new Dispatcher(definition, counters, (host, failure) -> failures.add(failure));
            hosts = new ModuleHost[definition.moduleCount()];
            emitters = new RecordingEmitter[definition.moduleCount()];
            for (int id = 0; id < hosts.length; id++)
            {
                definition.module(id).onAttach(new DefaultModuleContext(definition, id));
                hosts[id] = new ModuleHost(id, definition.moduleNames().get(id), definition.module(id));
                emitters[id] = new RecordingEmitter(id);
            }
        }
    }

    /** The net of one node: SendMessage in, MessageReceived queued for each destination node. */
    private final class QueueNet implements Module
    {
        private final int nodeId;
        private final SendMessageDecoder decoder = new SendMessageDecoder();

        QueueNet(final int nodeId)
        {
            this.nodeId = nodeId;
        }

        @Override
        public void onEvent(final Event event, final Emitter emitter)
        {
            if (event.templateId() != SendMessageDecoder.TEMPLATE_ID)
            {
                return;
            }
            event.decode(decoder);
            final int module = decoder.destinationModule();
            final List<Integer> destinations = new ArrayList<>();
            for (final SendMessageDecoder.DestinationsDecoder destination : decoder.destinations())
            {
                destinations.add(destination.nodeId());
            }
            final byte[] message = new byte[decoder.messageLength()];
            decoder.getMessage(message, 0, message.length);
            for (final int destination : destinations)
            {
                final RecordedEvent received = RecordingEmitter.envelope(module, EventBuilder.EXTERNAL_SOURCE, (b) ->
                    b.payload(new MessageReceivedEncoder()
                        .wrapAndApplyHeader(b.buffer(), b.payloadOffset(), new MessageHeaderEncoder())
                        .fromNode(nodeId).putMessage(message, 0, message.length)));
                enqueue(destination, 1 + nodeId, received.bytes());
            }
        }
    }

    MiniCluster(final int nodeCount, final long seed)
    {
        this.nodeCount = nodeCount;
        this.random = new Random(seed);
        stores = new InMemoryWalStore[nodeCount];
        nodes = new EchoNodes.EchoNode[nodeCount];
        runtimes = new Runtime[nodeCount];
        for (int i = 0; i < nodeCount; i++)
        {
            stores[i] = new InMemoryWalStore();
            start(i, 0);
        }
    }

    /**
     * Replace a node by a fresh incarnation over the same WAL store; its queued events are dropped.
     */
    void restart(final int node)
    {
        for (final ArrayDeque<Pending> inbox : inboxes.values())
        {
            inbox.removeIf((p) -> p.node() == node);
        }
        start(node, runtimes[node].incarnation + 1);
    }

    void submit(final int node, final long clientId, final long requestNo, final byte[] payload)
    {
        enqueue(node, 0, RecordingEmitter.envelope(EchoHarness.PROTOCOL, EventBuilder.EXTERNAL_SOURCE, (b) ->
            b.payload(EchoNodes.encodeClientRequest(b.buffer(), b.payloadOffset(), clientId, requestNo, payload)))
            .bytes());
    }

    /**
     * Run events in random order until none is pending.
     *
     * @return events dispatched.
     */
    int runToQuiescence(final int maxEvents)
    {
        int dispatched = 0;
        final List<ArrayDeque<Pending>> ready = new ArrayList<>();
        while (true)
        {
            ready.clear();
            for (final ArrayDeque<Pending> inbox : inboxes.values())
            {
                if (!inbox.isEmpty())
                {
                    ready.add(inbox);
                }
            }
            if (ready.isEmpty())
            {
                return dispatched;
            }
            if (dispatched == maxEvents)
            {
                throw new AssertionError("no quiescence after " + maxEvents + " events");
            }
            dispatch(ready.get(random.nextInt(ready.size())).poll());
            dispatched++;
        }
    }

    EchoNodes.EchoNode node(final int node)
    {
        return nodes[node];
    }

    List<ModuleFailure> failures()
    {
        return failures;
    }

    NodeCounters counters()
    {
        return counters;
    }

    int nodeCount()
    {
        return nodeCount;
    }

    private void start(final int node, final int incarnation)
    {
        nodes[node] = EchoNodes.definition(node, nodeCount, new QueueNet(node), stores[node]);
        final Runtime runtime = new Runtime(nodes[node].definition(), incarnation);
        runtimes[node] = runtime;
        for (int id = 0; id < runtime.hosts.length; id++)
        {
            final int moduleId = id;
            enqueue(node, 0, RecordingEmitter.envelope(moduleId, EventBuilder.EXTERNAL_SOURCE, (b) -> b.payload(
                new InitEncoder().wrapAndApplyHeader(b.buffer(), b.payloadOffset(), new MessageHeaderEncoder())
                    .nodeId(node).nodeCount(nodeCount))).bytes());
        }
        final int walId = nodes[node].definition().moduleId(EchoNodes.WAL);
        nodes[node].wal().recover(runtime.emitters[walId]);
        collect(node, runtime.emitters[walId]);
    }

    private void dispatch(final Pending next)
    {
        final Runtime runtime = runtimes[next.node()];
        if (runtime.incarnation != next.incarnation())
        {
            return;
        }
        final UnsafeBuffer buffer = new UnsafeBuffer(next.envelope());
        final int destination = EnvelopeLayout.destination(buffer, 0);
        if (destination >= runtime.hosts.length)
        {
            counters.increment(NodeCounters.Counter.MALFORMED_EVENTS);
            return;
        }
        final ModuleHost host = runtime.hosts[destination];
        final RecordingEmitter emitter = runtime.emitters[destination];
        final List<byte[]> followUps = new ArrayList<>();
        runtime.dispatcher.dispatch(host, buffer, 0, next.envelope().length, emitter, emitter.builder(),
            (b, offset, length) ->
            {
                final byte[] copy = new byte[length];
                b.getBytes(offset, copy);
                followUps.add(copy);
            }, 0);
        runtime.dispatcher.endOfBatch(host, emitter, emitter.builder());
        collect(next.node(), emitter);
        for (final byte[] followUp : followUps)
        {
            enqueue(next.node(), 0, followUp);
        }
    }

    private void collect(final int node, final RecordingEmitter emitter)
    {
        for (final RecordedEvent event : emitter.take())
        {
            enqueue(node, 0, event.bytes());
        }
    }

    private void enqueue(final int node, final int channel, final byte[] envelope)
    {
        final int module = EnvelopeLayout.destination(new UnsafeBuffer(envelope), 0);
        final long key = ((long)node << 40) | ((long)module << 20) | channel;
        inboxes.computeIfAbsent(key, (k) -> new ArrayDeque<>())
            .add(new Pending(node, runtimes[node] == null ? 0 : runtimes[node].incarnation, envelope));
    }
}
