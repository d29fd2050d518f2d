package io.jmir.protocols.testkit;

import io.jmir.codecs.engine.Scheme;
import io.jmir.engine.EventInterceptor;
import io.jmir.engine.NodeDefinition;
import io.jmir.engine.SubmitResult;
import io.jmir.engine.modules.wal.InMemoryWalStore;
import io.jmir.engine.sim.Simulation;
import io.jmir.protocols.iss.IssConfig;
import io.jmir.protocols.iss.LeaderPolicy;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.Random;
import java.util.function.BiFunction;
import java.util.function.BooleanSupplier;
import java.util.function.IntFunction;

/**
 * An ISS cluster in the engine's deterministic simulation runtime ({@link Simulation}): n nodes built from
 * {@link IssNode} with the simulated network, a {@link RecordingApp} per node, and {@link SimClients} load whose
 * actions (submissions, resubmissions) run from the simulation's driver thread at virtual times. Same seed, same
 * run.
 */
public final class IssSimulation implements AutoCloseable
{
    /** Key of a node's WAL store in its {@link io.jmir.engine.sim.DurableState}: remove it to wipe the disk. */
    public static final String WAL_KEY = "iss-wal";
    private final Simulation simulation;
    private final List<List<RecordingApp>> incarnations = new ArrayList<>();
    private final IssNode[] nodes;
    private final RecordingApp[] apps;
    private final IssConfig config;
    private final Random random;
    private final PriorityQueue<Action> actions = new PriorityQueue<>();
    private final SimClients clients;
    private long actionSequence;

    public IssSimulation(final long seed, final IssConfig config, final int clientCount, final int requestsPerClient,
        final int maxInFlight, final double duplicateProbability)
    {
        this(seed, config, clientCount, requestsPerClient, maxInFlight, duplicateProbability, (LeaderPolicy)null);
    }

    /**
     * @param leaderPolicy leaders of each epoch on every node (one shared stateless policy), null for the default
     *                     (every node leads).
     */
    public IssSimulation(final long seed, final IssConfig config, final int clientCount, final int requestsPerClient,
        final int maxInFlight, final double duplicateProbability, final LeaderPolicy leaderPolicy)
    {
        this(seed, config, clientCount, requestsPerClient, maxInFlight, duplicateProbability,
            leaderPolicy == null ? null : node -> leaderPolicy, null);
    }

    /**
     * @param policies     leader policy of each node start (stateful policies need one per start), or null for the
     *                     default.
     * @param interceptors event interceptor of each node start (e.g. an event log), or null for none.
     */
    public IssSimulation(final long seed, final IssConfig config, final int clientCount, final int requestsPerClient,
        final int maxInFlight, final double duplicateProbability, final IntFunction<LeaderPolicy> policies,
        final BiFunction<Integer, NodeDefinition, EventInterceptor> interceptors)
    {
        this.config = config.conclude();
        final int n = config.nodeCount();
        this.random = new Random(seed * 31 + 7);
        final TestKeys keys = new TestKeys(seed, clientCount, n);
        nodes = new IssNode[n];
        apps = new RecordingApp[n];
        for (int i = 0; i < n; i++)
        {
            incarnations.add(new ArrayList<>());
        }
        final SimClients[] clientHolder = new SimClients[1];
        simulation = new Simulation(new Simulation.Context().seed(seed).nodeCount(n).slotCapacity(256 * 1024)
            .duplicateProbability(duplicateProbability).latency(50_000, 2_000_000),
            (nodeId, env) ->
            {
                apps[nodeId] = new RecordingApp();
                incarnations.get(nodeId).add(apps[nodeId]);
                nodes[nodeId] = new IssNode(nodeId, config, env.net(), keys, apps[nodeId],
                    (node, client, requestNo, seqNo, result, offset, length) ->
                        clientHolder[0].onReply(node, client, requestNo, seqNo, result, offset, length), 8 * 1024, 0,
                    env.durable().computeIfAbsent(WAL_KEY, InMemoryWalStore.class, InMemoryWalStore::new),
                    policies == null ? null : policies.apply(nodeId));
                if (interceptors != null)
                {
                    nodes[nodeId].definition.interceptor(interceptors.apply(nodeId, nodes[nodeId].definition));
                }
                return nodes[nodeId].definition;
            });
        clients = new SimClients(this, keys, config.clientAuthScheme(), n, config.f(), requestsPerClient,
            maxInFlight, 120, 0.3);
        clientHolder[0] = clients;
    }

    public static IssConfig config(final int n, final Scheme scheme, final int clients)
    {
        return new IssConfig().nodeCount(n).maxBatchSize(6).batchTimeoutNs(3_000_000).segmentLength(3)
            .clientCount(clients).clientWatermarkWindow(128).epochWindow(2).maxRequestBytes(200)
            .clientAuthScheme(scheme).stateTransferTimeoutNs(36_000_000);
    }

    public IssSimulation start()
    {
        clients.start();
        return this;
    }

    /** Run the simulation (and the clients' due actions) until the condition holds or the virtual limit. */
    public boolean runUntil(final BooleanSupplier condition, final long maxVirtualNs)
    {
        return simulation.runUntil(() ->
        {
            runDueActions();
            return condition.getAsBoolean();
        }, maxVirtualNs);
    }

    public Simulation simulation()
    {
        return simulation;
    }

    public IssNode node(final int i)
    {
        return nodes[i];
    }

    public RecordingApp app(final int i)
    {
        return apps[i];
    }

    /** The apps of every start of a node, first start first (a restart builds a fresh app). */
    public List<RecordingApp> incarnations(final int i)
    {
        return incarnations.get(i);
    }

    public RecordingApp[] apps()
    {
        return apps.clone();
    }

    public SimClients clients()
    {
        return clients;
    }

    public IssConfig config()
    {
        return config;
    }

    public int nodeCount()
    {
        return nodes.length;
    }

    Random random()
    {
        return random;
    }

    long nowNs()
    {
        return simulation.nowNs();
    }

    /** Run an action from the driver (between steps: it may crash, restart, partition) after a virtual delay. */
    public void schedule(final long delayNs, final Runnable action)
    {
        actions.add(new Action(simulation.nowNs() + delayNs, actionSequence++, action));
    }

    void submit(final int node, final byte[] request)
    {
        if (!simulation.isRunning(node))
        {
            return;
        }
        final SubmitResult result = simulation.submit(node, "clients", new UnsafeBuffer(request), 0, request.length);
        if (result != SubmitResult.ACCEPTED)
        {
            throw new AssertionError("submission refused by node " + node + ": " + result);
        }
    }

    private void runDueActions()
    {
        while (!actions.isEmpty() && actions.peek().time <= simulation.nowNs())
        {
            actions.poll().action.run();
        }
    }

    @Override
    public void close()
    {
        simulation.close();
    }

    private record Action(long time, long sequence, Runnable action) implements Comparable<Action>
    {
        @Override
        public int compareTo(final Action o)
        {
            final int byTime = Long.compare(time, o.time);
            return byTime != 0 ? byTime : Long.compare(sequence, o.sequence);
        }
    }
}
