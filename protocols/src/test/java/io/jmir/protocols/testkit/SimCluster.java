package io.jmir.protocols.testkit;

import io.jmir.codecs.engine.InitEncoder;
import io.jmir.codecs.engine.MessageHeaderEncoder;
import io.jmir.codecs.engine.MessageReceivedEncoder;
import io.jmir.codecs.engine.SendMessageDecoder;
import io.jmir.codecs.EngineEvents;
import io.jmir.engine.Emitter;
import io.jmir.engine.Event;
import io.jmir.engine.EventBuilder;
import io.jmir.engine.Module;
import io.jmir.engine.ModuleFailure;
import io.jmir.engine.NodeCounters;
import io.jmir.engine.NodeDefinition;
import io.jmir.engine.internal.DefaultModuleContext;
import io.jmir.engine.internal.Dispatcher;
import io.jmir.engine.internal.EventSink;
import io.jmir.engine.internal.ModuleHost;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Random;
import java.util.function.BooleanSupplier;
import java.util.function.IntFunction;

/**
 * A minimal deterministic multi-node simulation used by the protocol tests until io.jmir.engine.sim lands: all
 * modules of all nodes on the calling thread, virtual time, one seeded scheduler. Events between modules of a node
 * take a random delay in [0, localJitterNs] but stay FIFO per (emitting module, destination) channel, as in the
 * pipeline runtime; network messages take a random latency in [minLatencyNs, maxLatencyNs] (reordering allowed)
 * and may be duplicated. Follow-ups are released after their parent is processed (through the engine's
 * Dispatcher). Active modules (timers) run at their deadline. Same seed, same run.
 */
public final class SimCluster
{
    private final long seed;
    private final Random random;
    private final PriorityQueue<Pending> queue = new PriorityQueue<>();
    private SimNode[] nodes;
    private final Map<Long, Long> channelTimes = new HashMap<>();
    private final UnsafeBuffer scratch = new UnsafeBuffer(new byte[8 * 1024 * 1024]);
    private final EventBuilder externalBuilder = new EventBuilder();
    private final MessageHeaderEncoder header = new MessageHeaderEncoder();
    private final MessageReceivedEncoder received = new MessageReceivedEncoder();
    private final List<String> failures = new ArrayList<>();
    private long localJitterNs = 20_000;
    private long minLatencyNs = 50_000;
    private long maxLatencyNs = 2_000_000;
    private double duplicateProbability;
    private long nowNs;
    private long sequence;
    private long steps;

    public SimCluster(final long seed)
    {
        this.seed = seed;
        this.random = new Random(seed);
    }

    /** Create the nodes (their net modules come from {@link #netModule(int)}). */
    public SimCluster nodes(final int nodeCount, final IntFunction<NodeDefinition> factory)
    {
        nodes = new SimNode[nodeCount];
        for (int i = 0; i < nodeCount; i++)
        {
            nodes[i] = new SimNode(factory.apply(i));
        }
        return this;
    }

    public SimCluster latency(final long minNs, final long maxNs)
    {
        minLatencyNs = minNs;
        maxLatencyNs = maxNs;
        return this;
    }

    public SimCluster localJitter(final long jitterNs)
    {
        localJitterNs = jitterNs;
        return this;
    }

    public SimCluster duplicateProbability(final double probability)
    {
        duplicateProbability = probability;
        return this;
    }

    /** A "net" module for a node of this cluster. */
    public Module netModule(final int nodeId)
    {
        return new SimNet(nodeId);
    }

    public long nowNs()
    {
        return nowNs;
    }

    public long steps()
    {
        return steps;
    }

    public long seed()
    {
        return seed;
    }

    public Random random()
    {
        return random;
    }

    public List<String> failures()
    {
        return failures;
    }

    /** Attach every module and queue Init for each. */
    public SimCluster start()
    {
        for (final SimNode node : nodes)
        {
            node.attach();
        }
        final InitEncoder init = new InitEncoder();
        for (int n = 0; n < nodes.length; n++)
        {
            for (int m = 0; m < nodes[n].hosts.length; m++)
            {
                init.wrapAndApplyHeader(scratch, 0, header).nodeId(n).nodeCount(nodes.length);
                external(n, m, scratch, 0, MessageHeaderEncoder.ENCODED_LENGTH + init.encodedLength(), 0);
            }
        }
        return this;
    }

    /** Submit an SBE message from outside to a node's module after a delay. */
    public void submit(final int nodeId, final int moduleId, final DirectBuffer buffer, final int offset,
        final int length, final long delayNs)
    {
        external(nodeId, moduleId, buffer, offset, length, delayNs);
    }

    /** Run a callback at a virtual time. */
    public void schedule(final long delayNs, final Runnable action)
    {
        queue.add(new Pending(nowNs + delayNs, sequence++, -1, null, action));
    }

    /**
     * Run until the condition holds (checked after every step) or virtual time passes the limit.
     *
     * @return true when the condition held.
     */
    public boolean runUntil(final BooleanSupplier condition, final long maxVirtualNs)
    {
        while (true)
        {
            if (!failures.isEmpty())
            {
                throw new AssertionError("module failure (seed " + seed + "): " + failures);
            }
            if (condition.getAsBoolean())
            {
                return true;
            }
            long deadline = Long.MAX_VALUE;
            int deadlineNode = -1;
            int deadlineModule = -1;
            for (int n = 0; n < nodes.length; n++)
            {
                for (int m = 0; m < nodes[n].hosts.length; m++)
                {
                    final long d = nodes[n].hosts[m].module().nextDeadlineNs();
                    if (d != 0 && d < deadline)
                    {
                        deadline = d;
                        deadlineNode = n;
                        deadlineModule = m;
                    }
                }
            }
            final Pending next = queue.peek();
            final long nextTime = next == null ? Long.MAX_VALUE : next.time;
            final long time = Math.min(nextTime, deadline);
            if (time == Long.MAX_VALUE || time > maxVirtualNs)
            {
                return condition.getAsBoolean();
            }
            nowNs = Math.max(nowNs, time);
            steps++;
            if (deadline < nextTime)
            {
                nodes[deadlineNode].doWork(deadlineModule);
            }
            else
            {
                queue.poll();
                if (next.action != null)
                {
                    next.action.run();
                }
                else
                {
                    nodes[next.node].dispatch(next.envelope);
                }
            }
        }
    }

    private void external(final int nodeId, final int moduleId, final DirectBuffer buffer, final int offset,
        final int length, final long delayNs)
    {
        final UnsafeBuffer out = new UnsafeBuffer(new byte[length + 64]);
        final int[] committed = new int[1];
        externalBuilder.begin(new EventSink()
        {
            public void commit(final int off, final int len)
            {
                committed[0] = len;
            }

            public void abort()
            {
            }

            public int capacity(final int destination)
            {
                return out.capacity();
            }
        }, out, 0, out.capacity(), moduleId, EventBuilder.EXTERNAL_SOURCE);
        externalBuilder.buffer().putBytes(externalBuilder.payloadOffset(), buffer, offset, length);
        externalBuilder.payload(length).commit();
        final byte[] envelope = new byte[committed[0]];
        out.getBytes(0, envelope);
        queue.add(new Pending(nowNs + delayNs, sequence++, nodeId, envelope, null));
    }

    private void enqueueLocal(final int nodeId, final int fromModule, final DirectBuffer buffer, final int offset,
        final int length)
    {
        final byte[] envelope = new byte[length];
        buffer.getBytes(offset, envelope);
        final int destination = io.jmir.codecs.EnvelopeLayout.destination(buffer, offset);
        final long channel = ((long)nodeId << 32) | ((long)fromModule << 16) | destination;
        long time = nowNs + (localJitterNs > 0 ? (long)(random.nextDouble() * localJitterNs) : 0);
        final Long last = channelTimes.get(channel);
        if (last != null && last > time)
        {
            time = last;
        }
        channelTimes.put(channel, time);
        queue.add(new Pending(time, sequence++, nodeId, envelope, null));
    }

    private final class SimNode
    {
        final NodeDefinition definition;
        final ModuleHost[] hosts;
        final Dispatcher dispatcher;
        final NodeCounters counters = new NodeCounters();
        final SimEmitter[] emitters;

        SimNode(final NodeDefinition definition)
        {
            this.definition = definition;
            hosts = new ModuleHost[definition.moduleCount()];
            emitters = new SimEmitter[definition.moduleCount()];
            for (int m = 0; m < hosts.length; m++)
            {
                hosts[m] = new ModuleHost(m, definition.moduleNames().get(m), definition.module(m));
                emitters[m] = new SimEmitter(definition.nodeId(), m);
            }
            dispatcher = new Dispatcher(definition, counters, this::onFailure);
        }

        void attach()
        {
            for (int m = 0; m < hosts.length; m++)
            {
                hosts[m].module().onAttach(new DefaultModuleContext(definition, m));
            }
        }

        void onFailure(final ModuleHost host, final ModuleFailure failure)
        {
            failures.add(failure.toString() + (failure.cause() != null ? " " + stack(failure.cause()) : ""));
        }

        void dispatch(final byte[] envelope)
        {
            final UnsafeBuffer buffer = new UnsafeBuffer(envelope);
            final int destination = io.jmir.codecs.EnvelopeLayout.destination(buffer, 0);
            if (destination < 0 || destination >= hosts.length)
            {
                return;
            }
            final SimEmitter emitter = emitters[destination];
            dispatcher.dispatch(hosts[destination], buffer, 0, envelope.length, emitter, emitter.builder,
                (b, o, l) -> enqueueLocal(definition.nodeId(), destination, b, o, l), nowNs);
            dispatcher.endOfBatch(hosts[destination], emitter, emitter.builder);
        }

        void doWork(final int module)
        {
            final SimEmitter emitter = emitters[module];
            dispatcher.doWork(hosts[module], nowNs, emitter, emitter.builder);
        }
    }

    private static String stack(final Throwable t)
    {
        final java.io.StringWriter w = new java.io.StringWriter();
        t.printStackTrace(new java.io.PrintWriter(w));
        return w.toString();
    }

    private final class SimEmitter implements Emitter, EventSink
    {
        final EventBuilder builder = new EventBuilder();
        final int nodeId;
        final int moduleId;

        SimEmitter(final int nodeId, final int moduleId)
        {
            this.nodeId = nodeId;
            this.moduleId = moduleId;
        }

        @Override
        public EventBuilder event(final int destination)
        {
            return builder.begin(this, scratch, 0, scratch.capacity(), destination, moduleId);
        }

        @Override
        public boolean isBackPressured()
        {
            return false;
        }

        @Override
        public void commit(final int offset, final int length)
        {
            enqueueLocal(nodeId, moduleId, scratch, offset, length);
        }

        @Override
        public void abort()
        {
        }

        @Override
        public int capacity(final int destination)
        {
            return scratch.capacity();
        }
    }

    private final class SimNet implements Module
    {
        private final int nodeId;
        private final SendMessageDecoder send = new SendMessageDecoder();
        private final UnsafeBuffer message = new UnsafeBuffer(0, 0);
        private final UnsafeBuffer out = new UnsafeBuffer(new byte[8 * 1024 * 1024]);

        SimNet(final int nodeId)
        {
            this.nodeId = nodeId;
        }

        @Override
        public void onEvent(final Event event, final Emitter emitter)
        {
            if (event.schemaId() != SendMessageDecoder.SCHEMA_ID || event.templateId() != EngineEvents.SEND_MESSAGE)
            {
                return;
            }
            event.decode(send);
            final int module = send.destinationModule();
            final SendMessageDecoder.DestinationsDecoder destinations = send.destinations();
            final int[] targets = new int[destinations.count()];
            int i = 0;
            while (destinations.hasNext())
            {
                targets[i++] = destinations.next().nodeId();
            }
            send.wrapMessage(message);
            received.wrapAndApplyHeader(out, 0, header).fromNode(nodeId).putMessage(message, 0, message.capacity());
            final int length = MessageHeaderEncoder.ENCODED_LENGTH + received.encodedLength();
            for (final int target : targets)
            {
                if (target < 0 || target >= nodes.length)
                {
                    continue;
                }
                final int copies = random.nextDouble() < duplicateProbability ? 2 : 1;
                for (int c = 0; c < copies; c++)
                {
                    final long latency = minLatencyNs + (long)(random.nextDouble() * (maxLatencyNs - minLatencyNs));
                    external(target, module, out, 0, length, latency);
                }
            }
        }
    }

    private static final class Pending implements Comparable<Pending>
    {
        final long time;
        final long seq;
        final int node;
        final byte[] envelope;
        final Runnable action;

        Pending(final long time, final long seq, final int node, final byte[] envelope, final Runnable action)
        {
            this.time = time;
            this.seq = seq;
            this.node = node;
            this.envelope = envelope;
            this.action = action;
        }

        @Override
        public int compareTo(final Pending o)
        {
            final int byTime = Long.compare(time, o.time);
            return byTime != 0 ? byTime : Long.compare(seq, o.seq);
        }
    }
}
