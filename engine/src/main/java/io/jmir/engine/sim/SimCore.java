package io.jmir.engine.sim;

import io.jmir.codecs.EnvelopeLayout;
import io.jmir.engine.FaultPolicy;
import io.jmir.engine.ModuleFailure;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.function.BooleanSupplier;

/**
 * The state and the scheduler behind a {@link Simulation}: nodes, timed queue, virtual clock, random
 * generators, network, trace and failures. See {@link Simulation} for the scheduling model; the public
 * methods there check their arguments and delegate here.
 * <p>
 * Random streams: the scheduler's generator is seeded with the seed; the network's and the driver's are
 * {@link SplittableRandom#split() split} off it at construction, so network draws and driver draws do not
 * shift the scheduler's choices and vice versa.
 * <p>
 * <b>Threading:</b> the simulation thread only.
 */
final class SimCore
{
    private final Simulation.Context context;
    private final SimNodeFactory factory;
    private final SimNode[] nodes;
    private final TimedQueue timed = new TimedQueue();
    private final SplittableRandom schedulerRandom;
    private final SplittableRandom driverRandom;
    private final SimNetwork network;
    private final TraceRecorder trace;
    private final List<ModuleFailure> failures = new ArrayList<>();
    private UnsafeBuffer dispatchBuffer;
    private UnsafeBuffer transferBuffer;
    private final UnsafeBuffer markerBuffer = new UnsafeBuffer(new byte[4]);
    private long nowNs;
    private long steps;
    private boolean inCallback;

    SimCore(final Simulation.Context context, final SimNodeFactory factory)
    {
        this.context = context;
        this.factory = factory;
        this.schedulerRandom = new SplittableRandom(context.seed());
        this.network = new SimNetwork(this, context, schedulerRandom.split());
        this.driverRandom = schedulerRandom.split();
        this.trace = new TraceRecorder(context.recordTrace());
        this.dispatchBuffer = new UnsafeBuffer(new byte[context.slotCapacity()]);
        this.transferBuffer = new UnsafeBuffer(new byte[context.slotCapacity()]);
        this.nodes = new SimNode[context.nodeCount()];
        for (int i = 0; i < nodes.length; i++)
        {
            nodes[i] = new SimNode(this, i, context.nodeCount(), context.slotCapacity());
        }
    }

    void startAll()
    {
        for (final SimNode node : nodes)
        {
            startNode(node);
        }
    }

    boolean step()
    {
        while (true)
        {
            final TimedQueue.Entry head = timed.peek();
            if (head != null && head.timeNs <= nowNs)
            {
                handleTimed(timed.poll());
                steps++;
                return true;
            }
            final int pending = pendingInboxes();
            if (pending > 0)
            {
                dispatchOne(pending);
                steps++;
                return true;
            }
            if (head == null)
            {
                return false;
            }
            nowNs = head.timeNs;
        }
    }

    void runUntil(final long virtualTimeNs)
    {
        while (advanceTowards(virtualTimeNs))
        {
            step();
        }
        nowNs = Math.max(nowNs, virtualTimeNs);
    }

    boolean runUntil(final BooleanSupplier condition, final long maxVirtualTimeNs)
    {
        while (!condition.getAsBoolean())
        {
            if (!advanceTowards(maxVirtualTimeNs))
            {
                nowNs = Math.max(nowNs, maxVirtualTimeNs);
                return condition.getAsBoolean();
            }
            step();
        }
        return true;
    }

    void startNode(final SimNode node)
    {
        inCallback = true;
        try
        {
            node.start(factory, network);
        }
        finally
        {
            inCallback = false;
        }
    }

    boolean crashNode(final SimNode node)
    {
        final boolean wasRunning = node.crash();
        if (wasRunning)
        {
            traceNode(TraceRecord.Kind.CRASH, node);
        }
        return wasRunning;
    }

    void closeAll()
    {
        for (final SimNode node : nodes)
        {
            node.crash();
        }
    }

    boolean inCallback()
    {
        return inCallback;
    }

    SimNode node(final int nodeId)
    {
        return nodes[nodeId];
    }

    SimNode checkedNode(final int nodeId)
    {
        if (nodeId < 0 || nodeId >= nodes.length)
        {
            throw new IllegalArgumentException("no node " + nodeId + " (nodes are 0.." + (nodes.length - 1) + ")");
        }
        return nodes[nodeId];
    }

    int nodeCount()
    {
        return nodes.length;
    }

    TimedQueue timedQueue()
    {
        return timed;
    }

    SimNetwork network()
    {
        return network;
    }

    SplittableRandom driverRandom()
    {
        return driverRandom;
    }

    TraceRecorder trace()
    {
        return trace;
    }

    List<ModuleFailure> failures()
    {
        return failures;
    }

    long nowNs()
    {
        return nowNs;
    }

    long steps()
    {
        return steps;
    }

    long pollIntervalNs()
    {
        return context.pollIntervalNs();
    }

    FaultPolicy faultPolicy()
    {
        return context.faultPolicy();
    }

    boolean isIdle()
    {
        return timed.size() == 0 && pendingInboxes() == 0;
    }

    int scheduledCount()
    {
        return timed.size();
    }

    void recordFailure(final ModuleFailure failure)
    {
        failures.add(failure);
    }

    UnsafeBuffer dispatchBuffer(final int length)
    {
        if (dispatchBuffer.capacity() < length)
        {
            dispatchBuffer = new UnsafeBuffer(new byte[length]);
        }
        return dispatchBuffer;
    }

    UnsafeBuffer transferBuffer(final int length)
    {
        if (transferBuffer.capacity() < length)
        {
            transferBuffer = new UnsafeBuffer(new byte[length]);
        }
        return transferBuffer;
    }

    void traceEvent(
        final SimNode node, final int moduleId, final DirectBuffer buffer, final int offset, final int length)
    {
        trace.fold(TraceRecord.Kind.EVENT, node.nodeId(), moduleId, nowNs, buffer, offset, length);
        if (trace.recording())
        {
            trace.record(TraceRecord.Kind.EVENT, node.nodeId(), moduleId, node.moduleName(moduleId),
                eventName(node, buffer, offset, length), nowNs, buffer, offset, length);
        }
    }

    void traceDoWork(final SimNode node, final int moduleId, final int work)
    {
        markerBuffer.putInt(0, work, ByteOrder.LITTLE_ENDIAN);
        trace.fold(TraceRecord.Kind.DO_WORK, node.nodeId(), moduleId, nowNs, markerBuffer, 0, 4);
        if (trace.recording())
        {
            trace.record(TraceRecord.Kind.DO_WORK, node.nodeId(), moduleId, node.moduleName(moduleId), "doWork",
                nowNs, markerBuffer, 0, 4);
        }
    }

    void traceNode(final TraceRecord.Kind kind, final SimNode node)
    {
        markerBuffer.putInt(0, node.incarnation(), ByteOrder.LITTLE_ENDIAN);
        final int length = kind == TraceRecord.Kind.START ? 4 : 0;
        trace.fold(kind, node.nodeId(), -1, nowNs, markerBuffer, 0, length);
        if (trace.recording())
        {
            trace.record(kind, node.nodeId(), -1, "", kind.name().toLowerCase(Locale.ROOT), nowNs,
                markerBuffer, 0, length);
        }
    }

    String describe()
    {
        final StringBuilder sb = new StringBuilder("Simulation{seed=").append(context.seed())
            .append(" now=").append(nowNs).append("ns steps=").append(steps).append(" nodes=[");
        for (final SimNode node : nodes)
        {
            sb.append(node.nodeId() == 0 ? "" : ", ").append(node.nodeId())
                .append(node.isRunning() ? ":up#" : ":down#").append(node.incarnation());
            final String inboxes = node.isRunning() ? node.describeInboxes() : "";
            if (!inboxes.isEmpty())
            {
                sb.append('{').append(inboxes).append('}');
            }
        }
        return sb.append("] scheduled=").append(timed.size()).append(" failures=").append(failures.size())
            .append(' ').append(network).append('}').toString();
    }

    private boolean advanceTowards(final long limitNs)
    {
        while (nowNs < limitNs)
        {
            final TimedQueue.Entry head = timed.peek();
            if (pendingInboxes() > 0 || (head != null && head.timeNs <= nowNs))
            {
                return true;
            }
            if (head == null || head.timeNs >= limitNs)
            {
                return false;
            }
            nowNs = head.timeNs;
        }
        return false;
    }

    private void handleTimed(final TimedQueue.Entry entry)
    {
        inCallback = true;
        try
        {
            if (entry.kind == TimedQueue.DELIVERY)
            {
                network.deliver(entry);
            }
            else
            {
                final SimNode node = nodes[entry.nodeId];
                if (node.isDeadlineCurrent(entry))
                {
                    node.doWork(entry.moduleId);
                    advanceClock();
                }
            }
        }
        finally
        {
            inCallback = false;
            timed.release(entry);
        }
    }

    private void dispatchOne(final int pending)
    {
        int pick = schedulerRandom.nextInt(pending);
        for (final SimNode node : nodes)
        {
            final int count = node.nonEmptyInboxes();
            if (pick < count)
            {
                inCallback = true;
                try
                {
                    node.dispatchOne(pick);
                }
                finally
                {
                    inCallback = false;
                }
                advanceClock();
                return;
            }
            pick -= count;
        }
        throw new IllegalStateException("scheduler lost track of pending inboxes");
    }

    private void advanceClock()
    {
        nowNs += schedulerRandom.nextLong(context.maxStepNs() + 1);
    }

    private int pendingInboxes()
    {
        int pending = 0;
        for (final SimNode node : nodes)
        {
            pending += node.nonEmptyInboxes();
        }
        return pending;
    }

    private static String eventName(final SimNode node, final DirectBuffer buffer, final int offset, final int length)
    {
        if (length < EnvelopeLayout.OVERHEAD)
        {
            return "malformed";
        }
        return node.definition().schemas().eventName(
            EnvelopeLayout.eventSchemaId(buffer, offset), EnvelopeLayout.eventTemplateId(buffer, offset));
    }
}
