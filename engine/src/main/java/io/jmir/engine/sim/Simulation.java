package io.jmir.engine.sim;

import io.jmir.engine.ConfigurationException;
import io.jmir.engine.FaultPolicy;
import io.jmir.engine.ModuleFailure;
import io.jmir.engine.NodeCounters;
import io.jmir.engine.SubmitResult;
import org.agrona.DirectBuffer;

import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.BooleanSupplier;

/**
 * The deterministic simulation runtime: the same modules as the pipeline runtime, all nodes on one thread,
 * virtual time, a simulated network with faults, crash and restart. Same seed (and same nodes and driver
 * calls) means the same run, byte for byte: {@link #traceDigest()} is equal, and with
 * {@link Context#recordTrace(boolean)} the recorded traces compare equal record by record.
 *
 * <h2>Scheduling model</h2>
 * Every module of every node has a FIFO <em>inbox</em> of envelopes. One {@link #step()} is one of:
 * <ol>
 *   <li>if the earliest entry of the <em>timed queue</em> is due (its time &lt;= {@link #nowNs()}): that entry —
 *   a network message arriving (queued as {@code MessageReceived} to its destination module's inbox, or
 *   dropped) or a module deadline (the module's {@code doWork(now)} runs, then virtual time advances by a
 *   random step);</li>
 *   <li>else, if any inbox holds an event: the seeded scheduler picks one non-empty inbox uniformly among
 *   all non-empty inboxes of all running nodes and dispatches its head through the engine's dispatcher
 *   (validation, the module's {@code onEvent}, failure handling, the interceptor with virtual time), then calls
 *   the module's {@code onEndOfBatch} — every event is a batch of one — and then releases the follow-ups the
 *   module held until its end of batch ({@code holdsFollowUpsUntilEndOfBatch()}). Follow-ups of other modules
 *   are released right after {@code onEvent} returned, behind the events the module emitted. The node's
 *   interceptor, if any, sees the event with the virtual time and an end of batch after it. Virtual time then
 *   advances by a random step in [0, {@link Context#maxStepNs(long)}] (the time the dispatch took);</li>
 *   <li>else virtual time jumps to the earliest timed entry, which is then handled as in 1.</li>
 * </ol>
 * The timed queue is ordered by time, then by the order entries were scheduled, so ties break
 * deterministically. A module's deadline ({@code nextDeadlineNs()}) is read after each of its callbacks; a
 * deadline in the future is scheduled at that time, one already due is served at once after an event, and
 * after {@code doWork} — to keep a module that always claims to be due from stopping time — no earlier than
 * {@link Context#pollIntervalNs(long)} later. Modules with no deadline ({@code Long.MAX_VALUE}) are never
 * polled. Emitted events land in the destination inbox at once: inboxes are unbounded and emitters are never
 * back-pressured.
 * <p>
 * Per-module FIFO order is the only ordering guarantee, as in the pipeline runtime; everything else — which
 * module runs next, across modules and nodes — is the scheduler's seeded choice, so a protocol that depends
 * on an order the engine does not promise fails for some seed.
 *
 * <h2>Nodes</h2>
 * The {@link SimNodeFactory} builds each node's modules at start and at every {@link #restart(int)}, with a
 * {@link SimNodeEnvironment} giving the simulated net module and the node's {@link DurableState}. At (re)start
 * every module gets {@code onAttach}, then {@code Init{nodeId, nodeCount}} is queued to every module in
 * registration order as its first event, then modules implementing {@code RecoverySource} emit what they
 * recovered (queued behind Init, ahead of any later input). {@link #crash(int)} closes the node's modules and
 * discards their inboxes, held follow-ups and deadlines; messages arriving while it is down are dropped.
 * Counters and durable state belong to the node and survive.
 *
 * <h2>Failures</h2>
 * A module that throws is recorded in {@link #failures()} (node, module, event type, cause) and handled by
 * {@link Context#faultPolicy(FaultPolicy)}: {@link FaultPolicy#STOP_NODE} (default) crashes that node only,
 * after the failed callback; {@link FaultPolicy#ISOLATE_MODULE} keeps the node running without the module.
 * <p>
 * <b>Threading:</b> not thread safe. Build it, drive it ({@code step}, {@code runUntil}, {@code crash},
 * {@code submit}, ...) and read it from one thread; every module of every node runs on that thread, inside
 * those calls. {@code step}, {@code runUntil}, {@code crash} and {@code restart} are refused from inside a
 * module callback (a mangler or a module holding the simulation); {@code runUntil}'s condition runs between
 * steps and may call them.
 */
public final class Simulation implements AutoCloseable
{
    private final Context context;
    private final SimCore core;
    private boolean closed;

    /**
     * Build every node with the factory and start it (Init and recovery queued). Nothing is dispatched until
     * the simulation is stepped.
     *
     * @param context settings; concluded (validated) here.
     * @param factory building each node's modules.
     * @throws ConfigurationException naming the setting when a setting or a node definition is invalid.
     */
    public Simulation(final Context context, final SimNodeFactory factory)
    {
        if (factory == null)
        {
            throw new ConfigurationException("factory", "a SimNodeFactory is required");
        }
        this.context = context.conclude();
        this.core = new SimCore(this.context, factory);
        try
        {
            core.startAll();
        }
        catch (final RuntimeException | Error ex)
        {
            core.closeAll();
            throw ex;
        }
    }

    /**
     * Perform the next thing that happens (see the scheduling model above).
     *
     * @return false when nothing is left to happen: no inbox holds an event and nothing is scheduled.
     */
    public boolean step()
    {
        checkDriverCall("step");
        return core.step();
    }

    /**
     * Run everything that happens before a virtual time, then set the clock to it (unless a dispatch already
     * took it past).
     *
     * @param virtualTimeNs absolute virtual time to run to.
     */
    public void runUntil(final long virtualTimeNs)
    {
        checkDriverCall("runUntil");
        core.runUntil(virtualTimeNs);
    }

    /**
     * Run until a condition holds, checked before every step, or until a virtual time is reached. Bounded: it
     * returns at the latest when virtual time reaches the limit.
     *
     * @param condition        checked between steps on this thread (it may read modules' state).
     * @param maxVirtualTimeNs absolute virtual time at which to give up.
     * @return true when the condition held; false when the time limit was reached first (the clock is then at
     * least {@code maxVirtualTimeNs}).
     */
    public boolean runUntil(final BooleanSupplier condition, final long maxVirtualTimeNs)
    {
        checkDriverCall("runUntil");
        return core.runUntil(condition, maxVirtualTimeNs);
    }

    /**
     * Crash a node: its modules are closed and lost with their inboxes, held follow-ups and deadlines;
     * messages arriving while it is down are dropped. Its durable state and counters survive.
     *
     * @param nodeId node to crash.
     * @return true when the node was running, false when it was already down.
     */
    public boolean crash(final int nodeId)
    {
        checkDriverCall("crash");
        return core.crashNode(core.checkedNode(nodeId));
    }

    /**
     * Start a crashed node again: fresh modules from the factory with the same durable state, incarnation + 1,
     * Init to every module, then recovery.
     *
     * @param nodeId node to restart.
     * @throws IllegalStateException  when the node is running.
     * @throws ConfigurationException when the factory builds an invalid node; the node then stays down.
     */
    public void restart(final int nodeId)
    {
        checkDriverCall("restart");
        final SimNode node = core.checkedNode(nodeId);
        if (node.isRunning())
        {
            throw new IllegalStateException("node " + nodeId + " is running: crash it before restarting it");
        }
        core.startNode(node);
    }

    /**
     * Input from outside a node (a client request): queue an event with a pre-encoded SBE payload to a module.
     *
     * @param nodeId     node to submit to.
     * @param moduleName destination module.
     * @param payload    buffer holding one SBE message with its header.
     * @param offset     of the message.
     * @param length     of the message.
     * @return {@link SubmitResult#ACCEPTED}, or {@link SubmitResult#REJECTED} (counted as
     * {@link NodeCounters.Counter#SUBMIT_REJECTED}) when the node is down, the module unknown, the payload out
     * of the buffer's bounds, larger than the slot capacity or not a valid event of a registered schema.
     */
    public SubmitResult submit(
        final int nodeId, final String moduleName, final DirectBuffer payload, final int offset, final int length)
    {
        checkUsable();
        return core.checkedNode(nodeId).submit(moduleName, payload, offset, length);
    }

    /**
     * Shortcut for {@link SimNetwork#partition(int[]...)}.
     *
     * @param groups node ids of each group; unlisted nodes form one more group.
     */
    public void partition(final int[]... groups)
    {
        core.network().partition(groups);
    }

    /** Shortcut for {@link SimNetwork#heal()}. */
    public void heal()
    {
        core.network().heal();
    }

    /** @return the simulated network: faults, manglers, counters. */
    public SimNetwork network()
    {
        return core.network();
    }

    /** @return current virtual time in ns, from 0. */
    public long nowNs()
    {
        return core.nowNs();
    }

    /** @return steps performed so far. */
    public long stepCount()
    {
        return core.steps();
    }

    /** @return the seed the simulation was built with. */
    public long seed()
    {
        return context.seed();
    }

    /** @return number of nodes. */
    public int nodeCount()
    {
        return core.nodeCount();
    }

    /**
     * @param nodeId a node.
     * @return true unless the node is crashed.
     */
    public boolean isRunning(final int nodeId)
    {
        return core.checkedNode(nodeId).isRunning();
    }

    /**
     * @param nodeId a node.
     * @return 1 after the first start, +1 for every restart.
     */
    public int incarnation(final int nodeId)
    {
        return core.checkedNode(nodeId).incarnation();
    }

    /**
     * @param nodeId a node.
     * @return the node's counters (cumulative over all its incarnations).
     */
    public NodeCounters counters(final int nodeId)
    {
        return core.checkedNode(nodeId).counters();
    }

    /**
     * @param nodeId a node.
     * @return what the node keeps across crashes.
     */
    public DurableState durable(final int nodeId)
    {
        return core.checkedNode(nodeId).durable();
    }

    /** @return every module failure so far, in order (unmodifiable view). */
    public List<ModuleFailure> failures()
    {
        return Collections.unmodifiableList(core.failures());
    }

    /**
     * @return a generator for the code driving the simulation (which node to crash, when to partition, ...),
     * seeded from the simulation's seed and independent of the scheduler's and the network's choices.
     */
    public SplittableRandom random()
    {
        return core.driverRandom();
    }

    /** @return true when no inbox holds an event and nothing is scheduled: stepping would do nothing. */
    public boolean isIdle()
    {
        return core.isIdle();
    }

    /**
     * @return hex SHA-256 over every trace record so far: each dispatched event (node id, module id, virtual
     * time, envelope bytes), each duty cycle, each node start and crash.
     */
    public String traceDigest()
    {
        return core.trace().hexDigest();
    }

    /** @return the recorded trace so far (records only with {@link Context#recordTrace(boolean)}) and the digest. */
    public SimulationTrace trace()
    {
        return core.trace().snapshot();
    }

    /** Close the modules of every running node. The simulation cannot be driven afterwards. */
    @Override
    public void close()
    {
        if (!closed)
        {
            closed = true;
            core.closeAll();
        }
    }

    /** @return seed, virtual time, steps, node states with queued events, failures and network counters. */
    @Override
    public String toString()
    {
        return core.describe();
    }

    private void checkUsable()
    {
        if (closed)
        {
            throw new IllegalStateException("simulation is closed");
        }
    }

    private void checkDriverCall(final String what)
    {
        checkUsable();
        if (core.inCallback())
        {
            throw new IllegalStateException(what + " cannot be called from inside a module callback");
        }
    }

    /**
     * Settings of a {@link Simulation}: fluent setters, validated by {@link #conclude()} when the simulation
     * is built. Only {@link #nodeCount(int)} has no default.
     * <p>
     * <b>Threading:</b> built on one thread, then handed to the simulation; not modified afterwards.
     */
    public static final class Context
    {
        /** Default slot capacity: 64 KiB. */
        public static final int DEFAULT_SLOT_CAPACITY = 64 * 1024;
        /** Default greatest virtual time one dispatch takes: 10 µs. */
        public static final long DEFAULT_MAX_STEP_NS = 10_000;
        /** Default least network latency: 100 µs. */
        public static final long DEFAULT_MIN_LATENCY_NS = 100_000;
        /** Default greatest network latency: 2 ms. */
        public static final long DEFAULT_MAX_LATENCY_NS = 2_000_000;
        /** Default poll interval for modules whose deadline is always due: 1 ms. */
        public static final long DEFAULT_POLL_INTERVAL_NS = 1_000_000;
        /** Least slot capacity accepted. */
        public static final int MIN_SLOT_CAPACITY = 256;
        /** Greatest slot capacity accepted: 64 MiB. */
        public static final int MAX_SLOT_CAPACITY = 64 * 1024 * 1024;
        /** Greatest node count accepted. */
        public static final int MAX_NODES = 4096;
        private static final long MAX_DURATION_NS = 1L << 50;

        private long seed;
        private int nodeCount;
        private int slotCapacity = DEFAULT_SLOT_CAPACITY;
        private long maxStepNs = DEFAULT_MAX_STEP_NS;
        private long minLatencyNs = DEFAULT_MIN_LATENCY_NS;
        private long maxLatencyNs = DEFAULT_MAX_LATENCY_NS;
        private long pollIntervalNs = DEFAULT_POLL_INTERVAL_NS;
        private double dropProbability;
        private double duplicateProbability;
        private FaultPolicy faultPolicy = FaultPolicy.STOP_NODE;
        private boolean recordTrace;

        /**
         * Check every setting.
         *
         * @return this.
         * @throws ConfigurationException naming the first invalid setting.
         */
        public Context conclude()
        {
            if (nodeCount < 1 || nodeCount > MAX_NODES)
            {
                throw new ConfigurationException("nodeCount", "must be in [1, " + MAX_NODES + "], was " + nodeCount);
            }
            if (slotCapacity < MIN_SLOT_CAPACITY || slotCapacity > MAX_SLOT_CAPACITY)
            {
                throw new ConfigurationException("slotCapacity",
                    "must be in [" + MIN_SLOT_CAPACITY + ", " + MAX_SLOT_CAPACITY + "], was " + slotCapacity);
            }
            checkDuration("maxStepNs", maxStepNs, 1);
            checkDuration("minLatencyNs", minLatencyNs, 0);
            checkDuration("maxLatencyNs", maxLatencyNs, minLatencyNs);
            checkDuration("pollIntervalNs", pollIntervalNs, 1);
            checkProbability("dropProbability", dropProbability);
            checkProbability("duplicateProbability", duplicateProbability);
            if (faultPolicy == null)
            {
                throw new ConfigurationException("faultPolicy", "must not be null");
            }
            return this;
        }

        /**
         * @param seed of every random choice of the run.
         * @return this.
         */
        public Context seed(final long seed)
        {
            this.seed = seed;
            return this;
        }

        /** @return seed of every random choice of the run (default 0). */
        public long seed()
        {
            return seed;
        }

        /**
         * @param nodeCount number of nodes, ids 0..nodeCount-1 (required).
         * @return this.
         */
        public Context nodeCount(final int nodeCount)
        {
            this.nodeCount = nodeCount;
            return this;
        }

        /** @return number of nodes. */
        public int nodeCount()
        {
            return nodeCount;
        }

        /**
         * @param slotCapacity largest envelope in bytes (an event with its follow-ups), as a ring slot's.
         * @return this.
         */
        public Context slotCapacity(final int slotCapacity)
        {
            this.slotCapacity = slotCapacity;
            return this;
        }

        /** @return largest envelope in bytes (default {@link #DEFAULT_SLOT_CAPACITY}). */
        public int slotCapacity()
        {
            return slotCapacity;
        }

        /**
         * @param maxStepNs greatest virtual time a dispatch or duty cycle takes; each takes a random time in
         *                  [0, maxStepNs]. At least 1 so that time always advances on average.
         * @return this.
         */
        public Context maxStepNs(final long maxStepNs)
        {
            this.maxStepNs = maxStepNs;
            return this;
        }

        /** @return greatest virtual time a dispatch takes (default {@link #DEFAULT_MAX_STEP_NS}). */
        public long maxStepNs()
        {
            return maxStepNs;
        }

        /**
         * @param minLatencyNs least network latency.
         * @param maxLatencyNs greatest network latency; each message's latency is uniform in [min, max].
         * @return this.
         */
        public Context latency(final long minLatencyNs, final long maxLatencyNs)
        {
            this.minLatencyNs = minLatencyNs;
            this.maxLatencyNs = maxLatencyNs;
            return this;
        }

        /** @return least network latency (default {@link #DEFAULT_MIN_LATENCY_NS}). */
        public long minLatencyNs()
        {
            return minLatencyNs;
        }

        /** @return greatest network latency (default {@link #DEFAULT_MAX_LATENCY_NS}). */
        public long maxLatencyNs()
        {
            return maxLatencyNs;
        }

        /**
         * @param dropProbability that the network loses a message, in [0, 1].
         * @return this.
         */
        public Context dropProbability(final double dropProbability)
        {
            this.dropProbability = dropProbability;
            return this;
        }

        /** @return probability of loss (default 0). */
        public double dropProbability()
        {
            return dropProbability;
        }

        /**
         * @param duplicateProbability that the network delivers a message twice, in [0, 1].
         * @return this.
         */
        public Context duplicateProbability(final double duplicateProbability)
        {
            this.duplicateProbability = duplicateProbability;
            return this;
        }

        /** @return probability of duplication (default 0). */
        public double duplicateProbability()
        {
            return duplicateProbability;
        }

        /**
         * @param pollIntervalNs how long after its duty cycle a module whose deadline is still due (or 0,
         *                       "poll me") is polled again.
         * @return this.
         */
        public Context pollIntervalNs(final long pollIntervalNs)
        {
            this.pollIntervalNs = pollIntervalNs;
            return this;
        }

        /** @return poll interval (default {@link #DEFAULT_POLL_INTERVAL_NS}). */
        public long pollIntervalNs()
        {
            return pollIntervalNs;
        }

        /**
         * @param faultPolicy what a module failure does to its node.
         * @return this.
         */
        public Context faultPolicy(final FaultPolicy faultPolicy)
        {
            this.faultPolicy = faultPolicy;
            return this;
        }

        /** @return fault policy (default {@link FaultPolicy#STOP_NODE}). */
        public FaultPolicy faultPolicy()
        {
            return faultPolicy;
        }

        /**
         * @param recordTrace true to keep a copy of every trace record ({@link Simulation#trace()}), to compare
         *                    runs event by event; the digest is kept either way.
         * @return this.
         */
        public Context recordTrace(final boolean recordTrace)
        {
            this.recordTrace = recordTrace;
            return this;
        }

        /** @return true when records are kept (default false). */
        public boolean recordTrace()
        {
            return recordTrace;
        }

        private static void checkDuration(final String key, final long value, final long min)
        {
            if (value < min || value > MAX_DURATION_NS)
            {
                throw new ConfigurationException(key, "must be in [" + min + ", " + MAX_DURATION_NS + "]: " + value);
            }
        }

        private static void checkProbability(final String key, final double value)
        {
            if (!(value >= 0.0 && value <= 1.0))
            {
                throw new ConfigurationException(key, "must be in [0, 1], was " + value);
            }
        }
    }
}
