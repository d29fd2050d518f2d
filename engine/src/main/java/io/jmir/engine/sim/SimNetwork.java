package io.jmir.engine.sim;

import io.jmir.codecs.EnvelopeLayout;
import io.jmir.codecs.engine.MessageHeaderEncoder;
import io.jmir.codecs.engine.MessageReceivedEncoder;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The simulated network between the nodes of a {@link Simulation}. A node's net module
 * ({@link SimNodeEnvironment#net()}) hands it every {@code SendMessage}, once per destination node; each
 * message then goes through, in order:
 * <ol>
 *   <li>the {@link MessageMangler}s of the sending node, then the global ones (Byzantine behaviour);</li>
 *   <li>for each message the manglers output: the partition check ({@link #partition(int[]...)}), random loss
 *   ({@link #dropProbability(double)}), the size check, then scheduling at {@code now + latency + extra delay}
 *   with the latency drawn uniformly from [min, max] — so messages overtake each other (reorder) — and, with
 *   {@link #duplicateProbability(double)}, a second copy with its own latency;</li>
 *   <li>on arrival: dropped when the destination node is down (crashed) or, again, partitioned from the sender;
 *   otherwise a {@code MessageReceived{fromNode, message}} event is queued to the {@code destinationModule}
 *   of the destination node, with the destination's net module as source.</li>
 * </ol>
 * Every drop is counted by reason. All randomness comes from one generator split off the simulation's seed,
 * so the network behaves identically in runs with the same seed.
 * <p>
 * <b>Threading:</b> the simulation thread only (the code driving the simulation, modules and manglers).
 */
public final class SimNetwork
{
    /** Why the network dropped a message. */
    public enum DropReason
    {
        /** Random loss ({@link #dropProbability(double)}). */
        RANDOM_LOSS,
        /** Sender and destination were in different partitions when it was sent or when it arrived. */
        PARTITIONED,
        /** The destination node was down (crashed) when the message arrived. */
        DESTINATION_DOWN,
        /** A {@link MessageMangler} output nothing for it. */
        MANGLER,
        /** The message would not fit the destination's slot capacity once wrapped in MessageReceived. */
        TOO_LARGE,
        /** The destination node id does not exist. */
        UNKNOWN_NODE,
        /** The destination module id does not exist in the destination node. */
        UNKNOWN_MODULE,
        /** The SendMessage event could not be decoded (counted once per event, not per destination). */
        MALFORMED
    }

    private static final int RECEIVED_OVERHEAD = EnvelopeLayout.OVERHEAD + MessageHeaderEncoder.ENCODED_LENGTH +
        MessageReceivedEncoder.BLOCK_LENGTH + MessageReceivedEncoder.messageHeaderLength();

    private final SimCore simulation;
    private final SplittableRandom random;
    private final int nodeCount;
    private final int slotCapacity;
    private final int[] groupOf;
    private final List<MessageMangler> globalManglers = new ArrayList<>();
    private final List<List<MessageMangler>> nodeManglers = new ArrayList<>();
    private final long[] drops = new long[DropReason.values().length];
    private final MessageHeaderEncoder headerEncoder = new MessageHeaderEncoder();
    private final MessageReceivedEncoder receivedEncoder = new MessageReceivedEncoder();
    private final UnsafeBuffer payloadBuffer;
    private final UnsafeBuffer envelopeBuffer;
    private Stage[] stages = new Stage[0];
    private double dropProbability;
    private double duplicateProbability;
    private long minLatencyNs;
    private long maxLatencyNs;
    private long sent;
    private long delivered;
    private long duplicated;

    SimNetwork(final SimCore simulation, final Simulation.Context context, final SplittableRandom random)
    {
        this.simulation = simulation;
        this.random = random;
        this.nodeCount = context.nodeCount();
        this.slotCapacity = context.slotCapacity();
        this.groupOf = new int[nodeCount];
        for (int i = 0; i < nodeCount; i++)
        {
            nodeManglers.add(new ArrayList<>());
        }
        payloadBuffer = new UnsafeBuffer(new byte[slotCapacity]);
        envelopeBuffer = new UnsafeBuffer(new byte[slotCapacity]);
        dropProbability(context.dropProbability());
        duplicateProbability(context.duplicateProbability());
        latency(context.minLatencyNs(), context.maxLatencyNs());
    }

    /**
     * Split the nodes into groups that cannot reach each other; nodes not listed form one more group together.
     * Messages between groups are dropped ({@link DropReason#PARTITIONED}), including those already in flight
     * when they arrive. Replaces any previous partition.
     *
     * @param groups node ids of each group; a node may appear in at most one group.
     * @throws IllegalArgumentException for an unknown or repeated node id.
     */
    public void partition(final int[]... groups)
    {
        final int[] assigned = new int[nodeCount];
        final int rest = groups.length + 1;
        Arrays.fill(assigned, rest);
        for (int g = 0; g < groups.length; g++)
        {
            for (final int node : groups[g])
            {
                checkNode(node);
                if (assigned[node] != rest)
                {
                    throw new IllegalArgumentException("node " + node + " is listed in two partition groups");
                }
                assigned[node] = g + 1;
            }
        }
        System.arraycopy(assigned, 0, groupOf, 0, nodeCount);
    }

    /**
     * Remove the partition: every node reaches every node again.
     */
    public void heal()
    {
        Arrays.fill(groupOf, 0);
    }

    /**
     * @param fromNode a node.
     * @param toNode   another node.
     * @return true when the current partition lets messages from one to the other.
     */
    public boolean canReach(final int fromNode, final int toNode)
    {
        checkNode(fromNode);
        checkNode(toNode);
        return groupOf[fromNode] == groupOf[toNode];
    }

    /**
     * Install a mangler for the messages of every node, applied after the per-node ones.
     *
     * @param mangler to add.
     */
    public void addMangler(final MessageMangler mangler)
    {
        globalManglers.add(requireMangler(mangler));
    }

    /**
     * Install a mangler for the messages one node sends (a Byzantine node).
     *
     * @param fromNode sending node.
     * @param mangler  to add.
     */
    public void addMangler(final int fromNode, final MessageMangler mangler)
    {
        checkNode(fromNode);
        nodeManglers.get(fromNode).add(requireMangler(mangler));
    }

    /**
     * Remove every mangler, global and per node.
     */
    public void clearManglers()
    {
        globalManglers.clear();
        for (final List<MessageMangler> list : nodeManglers)
        {
            list.clear();
        }
    }

    /**
     * @param probability that a message is lost, in [0, 1].
     */
    public void dropProbability(final double probability)
    {
        this.dropProbability = checkProbability(probability, "dropProbability");
    }

    /**
     * @param probability that a message is delivered twice, in [0, 1].
     */
    public void duplicateProbability(final double probability)
    {
        this.duplicateProbability = checkProbability(probability, "duplicateProbability");
    }

    /**
     * @param minNs least latency, at least 0.
     * @param maxNs greatest latency, at least {@code minNs}.
     */
    public void latency(final long minNs, final long maxNs)
    {
        if (minNs < 0 || maxNs < minNs)
        {
            throw new IllegalArgumentException("latency needs 0 <= min <= max: min=" + minNs + " max=" + maxNs);
        }
        this.minLatencyNs = minNs;
        this.maxLatencyNs = maxNs;
    }

    /**
     * @return messages handed to the network by net modules, one per destination node.
     */
    public long sent()
    {
        return sent;
    }

    /**
     * @return messages queued to a destination module (duplicates count twice).
     */
    public long delivered()
    {
        return delivered;
    }

    /**
     * @return extra copies scheduled by {@link #duplicateProbability(double)}.
     */
    public long duplicated()
    {
        return duplicated;
    }

    /**
     * @param reason of the drops.
     * @return messages dropped for that reason.
     */
    public long dropped(final DropReason reason)
    {
        return drops[reason.ordinal()];
    }

    /**
     * @return messages dropped for any reason.
     */
    public long dropped()
    {
        long total = 0;
        for (final long value : drops)
        {
            total += value;
        }
        return total;
    }

    @Override
    public String toString()
    {
        final StringBuilder sb = new StringBuilder("SimNetwork{sent=").append(sent)
            .append(" delivered=").append(delivered).append(" duplicated=").append(duplicated);
        for (final DropReason reason : DropReason.values())
        {
            if (drops[reason.ordinal()] != 0)
            {
                sb.append(" dropped.").append(reason.name()).append('=').append(drops[reason.ordinal()]);
            }
        }
        return sb.append('}').toString();
    }

    void send(
        final int fromNode,
        final int toNode,
        final int destinationModule,
        final DirectBuffer message,
        final int offset,
        final int length)
    {
        sent++;
        if (toNode < 0 || toNode >= nodeCount)
        {
            drop(DropReason.UNKNOWN_NODE);
            return;
        }
        pass(0, fromNode, toNode, destinationModule, message, offset, length, 0);
    }

    void dropMalformed()
    {
        drop(DropReason.MALFORMED);
    }

    void deliver(final TimedQueue.Entry entry)
    {
        final SimNode node = simulation.node(entry.nodeId);
        if (!node.isRunning())
        {
            drop(DropReason.DESTINATION_DOWN);
            return;
        }
        if (groupOf[entry.fromNode] != groupOf[entry.nodeId])
        {
            drop(DropReason.PARTITIONED);
            return;
        }
        if (entry.moduleId >= node.moduleCount())
        {
            drop(DropReason.UNKNOWN_MODULE);
            return;
        }
        receivedEncoder.wrapAndApplyHeader(payloadBuffer, 0, headerEncoder)
            .fromNode(entry.fromNode)
            .putMessage(entry.data, 0, entry.length);
        final int payloadLength = MessageHeaderEncoder.ENCODED_LENGTH + receivedEncoder.encodedLength();
        final int envelopeLength = EnvelopeLayout.write(
            envelopeBuffer, 0, entry.moduleId, node.netModuleId(), payloadBuffer, 0, payloadLength);
        node.enqueue(entry.moduleId, envelopeBuffer, 0, envelopeLength);
        delivered++;
    }

    private void pass(
        final int stageIndex,
        final int fromNode,
        final int toNode,
        final int destinationModule,
        final DirectBuffer message,
        final int offset,
        final int length,
        final long extraDelayNs)
    {
        final List<MessageMangler> own = nodeManglers.get(fromNode);
        final int total = own.size() + globalManglers.size();
        if (stageIndex >= total)
        {
            transmit(fromNode, toNode, destinationModule, message, offset, length, extraDelayNs);
            return;
        }
        final MessageMangler mangler = stageIndex < own.size() ?
            own.get(stageIndex) : globalManglers.get(stageIndex - own.size());
        final Stage stage = stage(stageIndex);
        stage.fromNode = fromNode;
        stage.toNode = toNode;
        stage.destinationModule = destinationModule;
        stage.extraDelayNs = extraDelayNs;
        stage.outputs = 0;
        mangler.mangle(fromNode, toNode, message, offset, length, stage);
        if (stage.outputs == 0)
        {
            drop(DropReason.MANGLER);
        }
    }

    private void transmit(
        final int fromNode,
        final int toNode,
        final int destinationModule,
        final DirectBuffer message,
        final int offset,
        final int length,
        final long extraDelayNs)
    {
        if (groupOf[fromNode] != groupOf[toNode])
        {
            drop(DropReason.PARTITIONED);
            return;
        }
        if (dropProbability > 0 && random.nextDouble() < dropProbability)
        {
            drop(DropReason.RANDOM_LOSS);
            return;
        }
        if ((long)length + RECEIVED_OVERHEAD > slotCapacity)
        {
            drop(DropReason.TOO_LARGE);
            return;
        }
        schedule(fromNode, toNode, destinationModule, message, offset, length, extraDelayNs);
        if (duplicateProbability > 0 && random.nextDouble() < duplicateProbability)
        {
            duplicated++;
            schedule(fromNode, toNode, destinationModule, message, offset, length, extraDelayNs);
        }
    }

    private void schedule(
        final int fromNode,
        final int toNode,
        final int destinationModule,
        final DirectBuffer message,
        final int offset,
        final int length,
        final long extraDelayNs)
    {
        final long latency = maxLatencyNs > minLatencyNs ?
            minLatencyNs + random.nextLong(maxLatencyNs - minLatencyNs + 1) : minLatencyNs;
        final long delay = latency + extraDelayNs < 0 ? Long.MAX_VALUE : latency + extraDelayNs;
        final long now = simulation.nowNs();
        final long time = now + delay < 0 ? Long.MAX_VALUE : now + delay;
        final TimedQueue timed = simulation.timedQueue();
        final TimedQueue.Entry entry = timed.claim(time, TimedQueue.DELIVERY);
        entry.nodeId = toNode;
        entry.fromNode = fromNode;
        entry.moduleId = destinationModule;
        entry.copyIn(message, offset, length);
        timed.add(entry);
    }

    private void drop(final DropReason reason)
    {
        drops[reason.ordinal()]++;
    }

    private Stage stage(final int index)
    {
        if (index >= stages.length)
        {
            final Stage[] grown = Arrays.copyOf(stages, index + 1);
            for (int i = stages.length; i < grown.length; i++)
            {
                grown[i] = new Stage(i);
            }
            stages = grown;
        }
        return stages[index];
    }

    private void checkNode(final int node)
    {
        if (node < 0 || node >= nodeCount)
        {
            throw new IllegalArgumentException("no node " + node + " (nodes are 0.." + (nodeCount - 1) + ")");
        }
    }

    private static MessageMangler requireMangler(final MessageMangler mangler)
    {
        if (mangler == null)
        {
            throw new IllegalArgumentException("mangler is null");
        }
        return mangler;
    }

    private static double checkProbability(final double probability, final String name)
    {
        if (!(probability >= 0.0 && probability <= 1.0))
        {
            throw new IllegalArgumentException(name + " must be in [0, 1]: " + probability);
        }
        return probability;
    }

    /**
     * The output handed to the mangler at one position of the chain.
     */
    private final class Stage implements MessageMangler.Output
    {
        private final int index;
        private UnsafeBuffer scratch;
        private int fromNode;
        private int toNode;
        private int destinationModule;
        private long extraDelayNs;
        private int outputs;

        Stage(final int index)
        {
            this.index = index;
        }

        @Override
        public void send(final DirectBuffer buffer, final int offset, final int length)
        {
            send(buffer, offset, length, 0);
        }

        @Override
        public void send(final DirectBuffer buffer, final int offset, final int length, final long extraDelayNs)
        {
            if (extraDelayNs < 0)
            {
                throw new IllegalArgumentException("extraDelayNs must be at least 0: " + extraDelayNs);
            }
            outputs++;
            final long total = this.extraDelayNs + extraDelayNs < 0 ? Long.MAX_VALUE : this.extraDelayNs + extraDelayNs;
            pass(index + 1, fromNode, toNode, destinationModule, buffer, offset, length, total);
        }

        @Override
        public MutableDirectBuffer scratch()
        {
            if (scratch == null)
            {
                scratch = new UnsafeBuffer(new byte[slotCapacity]);
            }
            return scratch;
        }

        @Override
        public SplittableRandom random()
        {
            return random;
        }

        @Override
        public long nowNs()
        {
            return simulation.nowNs();
        }
    }
}
