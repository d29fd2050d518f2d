package io.jmir.protocols.testkit;

import io.jmir.codecs.engine.Scheme;
import io.jmir.engine.EventInterceptor;
import io.jmir.engine.NodeDefinition;
import io.jmir.protocols.iss.BlacklistLeaderPolicy;
import io.jmir.protocols.iss.IssConfig;
import io.jmir.protocols.iss.IssStats;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;

/**
 * The ISS fault campaign: a random schedule derived from a seed — 4 nodes (7 for a third of the schedules with
 * {@link #SEVEN_NODES_PROPERTY}), up to f faulty nodes (each a
 * Byzantine {@link IssByzantine.Behaviour} or, when enabled, crash and restart), partitions that heal, random
 * loss, duplication and reordering (latency spread) until {@link #HEAL_AT_NS} — then run until every client
 * request completed (f+1 matching replies) and every correct node delivered every request, within
 * {@link #LIVENESS_BOUND_NS} of virtual time after the heal. Checked: safety (no two correct nodes deliver
 * different batches at a sequence number, no node delivers a request twice) and liveness.
 * <p>
 * A correct node that fell behind the other correct nodes' stable checkpoint counts in {@link Result#behind()}
 * (state transfer brings it back; it is exempt from the liveness check while behind, never from safety).
 * Crash/restart is one fault kind, enabled by the caller: the node restarts on its WAL (kept in the simulation's
 * durable state, ADR 0014) and counts as correct — every incarnation's deliveries are checked.
 */
public final class IssCampaign
{
    /** Virtual time at which every network fault heals and crashed nodes restart. */
    public static final long HEAL_AT_NS = TimeUnit.MILLISECONDS.toNanos(120);
    /** Virtual time after the heal within which every request must be delivered. */
    public static final long LIVENESS_BOUND_NS = TimeUnit.SECONDS.toNanos(20);
    /**
     * System property: let a third of the schedules use 7 nodes (f = 2). On by default; {@code false} keeps every
     * schedule at 4 nodes.
     */
    public static final String SEVEN_NODES_PROPERTY = "jmir.campaign.sevenNodes";
    private static final int CLIENTS = 4;
    private static final int REQUESTS = 10;

    /** One fault at a virtual time. */
    public record Fault(long atNs, String kind, int[] nodes, long untilNs)
    {
        @Override
        public String toString()
        {
            return kind + Arrays.toString(nodes) + "@" + atNs / 1_000_000 + "-" + untilNs / 1_000_000 + "ms";
        }
    }

    /** A schedule: everything that happens in one run. */
    public record Schedule(long seed, int n, int[] byzantine, IssByzantine.Behaviour[] behaviours, int[] crashed,
        double dropProbability, double duplicateProbability, long maxLatencyNs, List<Fault> faults)
    {
        @Override
        public String toString()
        {
            return "schedule{seed=" + seed + " n=" + n + " byzantine=" + Arrays.toString(byzantine) +
                Arrays.toString(behaviours) + " crashRestart=" + Arrays.toString(crashed) + " drop=" +
                String.format("%.3f", dropProbability) + " duplicate=" + String.format("%.3f", duplicateProbability) +
                " maxLatency=" + maxLatencyNs / 1000 + "us faults=" + faults + "}";
        }
    }

    /** Outcome of a run (thrown assertion errors report failures). */
    public record Result(Schedule schedule, long virtualNs, int behind, long viewChanges, long catchUps)
    {
    }

    private IssCampaign()
    {
    }

    /**
     * @param seed         the schedule's seed.
     * @param crashRestart whether crash/restart may be chosen as a node's fault.
     * @return the schedule for that seed.
     */
    public static Schedule schedule(final long seed, final boolean crashRestart)
    {
        final Random random = new Random(seed * 0x9E3779B97F4A7C15L + 11);
        final int n = random.nextInt(3) == 0 && !"false".equals(System.getProperty(SEVEN_NODES_PROPERTY)) ? 7 : 4;
        final int f = (n - 1) / 3;
        final List<Integer> nodes = new ArrayList<>();
        for (int i = 0; i < n; i++)
        {
            nodes.add(i);
        }
        java.util.Collections.shuffle(nodes, random);
        final int faulty = random.nextInt(f + 1);
        final List<Integer> byzantine = new ArrayList<>();
        final List<IssByzantine.Behaviour> behaviours = new ArrayList<>();
        final List<Integer> crashed = new ArrayList<>();
        final List<Fault> faults = new ArrayList<>();
        final IssByzantine.Behaviour[] all = IssByzantine.Behaviour.values();
        for (int i = 0; i < faulty; i++)
        {
            final int node = nodes.get(i);
            if (crashRestart && random.nextInt(3) == 0)
            {
                crashed.add(node);
                final long at = TimeUnit.MILLISECONDS.toNanos(5 + random.nextInt(60));
                faults.add(new Fault(at, "crash", new int[]{node}, at + TimeUnit.MILLISECONDS.toNanos(
                    5 + random.nextInt(40))));
            }
            else
            {
                byzantine.add(node);
                behaviours.add(all[random.nextInt(all.length)]);
            }
        }
        final int partitions = random.nextInt(3);
        for (int p = 0; p < partitions; p++)
        {
            final int size = 1 + random.nextInt(n / 2);
            final List<Integer> shuffled = new ArrayList<>(nodes);
            java.util.Collections.shuffle(shuffled, random);
            final int[] group = shuffled.subList(0, size).stream().mapToInt(Integer::intValue).sorted().toArray();
            final long at = TimeUnit.MILLISECONDS.toNanos(random.nextInt(80));
            faults.add(new Fault(at, "partition", group, Math.min(HEAL_AT_NS,
                at + TimeUnit.MILLISECONDS.toNanos(5 + random.nextInt(40)))));
        }
        final double drop = random.nextInt(3) == 0 ? random.nextDouble() * 0.08 : 0.0;
        final double duplicate = random.nextDouble() * 0.1;
        final long maxLatency = TimeUnit.MICROSECONDS.toNanos(500 + random.nextInt(4500));
        return new Schedule(seed, n, byzantine.stream().mapToInt(Integer::intValue).toArray(),
            behaviours.toArray(new IssByzantine.Behaviour[0]), crashed.stream().mapToInt(Integer::intValue).toArray(),
            drop, duplicate, maxLatency, faults);
    }

    /**
     * Run a schedule and check safety and liveness.
     *
     * @param schedule     to run.
     * @param interceptors per node start, an interceptor (e.g. an event log), or null.
     * @return the outcome.
     * @throws AssertionError naming the schedule when safety or liveness is violated.
     */
    public static Result run(final Schedule schedule,
        final BiFunction<Integer, NodeDefinition, EventInterceptor> interceptors)
    {
        final IssConfig config = IssSimulation.config(schedule.n(), Scheme.HMAC_SHA256, CLIENTS);
        try (IssSimulation c = new IssSimulation(schedule.seed(), config, CLIENTS, REQUESTS, 3,
            schedule.duplicateProbability(), node -> new BlacklistLeaderPolicy(config), interceptors))
        {
            c.simulation().network().latency(50_000, schedule.maxLatencyNs());
            c.simulation().network().dropProbability(schedule.dropProbability());
            for (int i = 0; i < schedule.byzantine().length; i++)
            {
                IssByzantine.install(c.simulation().network(), schedule.byzantine()[i], schedule.behaviours()[i],
                    config.epochLength());
            }
            for (final Fault fault : schedule.faults())
            {
                c.schedule(fault.atNs(), () -> start(c, fault));
                c.schedule(fault.untilNs(), () -> end(c, fault));
            }
            c.schedule(HEAL_AT_NS, () ->
            {
                c.simulation().network().heal();
                c.simulation().network().dropProbability(0);
            });
            c.start();
            final Set<Integer> faulty = new HashSet<>();
            Arrays.stream(schedule.byzantine()).forEach(faulty::add);
            final long expected = c.clients().expectedRequests();
            final boolean done = c.runUntil(() -> c.simulation().nowNs() > HEAL_AT_NS &&
                c.clients().allCompleted() && correctDone(c, faulty, expected), HEAL_AT_NS + LIVENESS_BOUND_NS);
            checkSafety(c, faulty, schedule);
            if (!done)
            {
                throw new AssertionError("liveness: not every request delivered within " +
                    LIVENESS_BOUND_NS / 1_000_000 + " ms after the heal: completions=" + c.clients().completions() +
                    "/" + expected + " " + describe(c) + " " + schedule);
            }
            long viewChanges = 0;
            long catchUps = 0;
            int behind = 0;
            for (int node = 0; node < c.nodeCount(); node++)
            {
                final IssStats stats = c.node(node).iss.stats();
                viewChanges += stats.viewChanges();
                catchUps += stats.catchUpInstalls();
                behind += !faulty.contains(node) && isBehind(c, faulty, node) ? 1 : 0;
            }
            return new Result(schedule, c.simulation().nowNs(), behind, viewChanges, catchUps);
        }
    }

    private static void start(final IssSimulation c, final Fault fault)
    {
        if ("crash".equals(fault.kind()))
        {
            c.simulation().crash(fault.nodes()[0]);
        }
        else
        {
            c.simulation().network().partition(fault.nodes());
        }
    }

    private static void end(final IssSimulation c, final Fault fault)
    {
        if ("crash".equals(fault.kind()))
        {
            if (!c.simulation().isRunning(fault.nodes()[0]))
            {
                c.simulation().restart(fault.nodes()[0]);
            }
        }
        else
        {
            c.simulation().network().heal();
        }
    }

    private static boolean correctDone(final IssSimulation c, final Set<Integer> faulty, final long expected)
    {
        for (int node = 0; node < c.nodeCount(); node++)
        {
            if (!faulty.contains(node) && c.app(node).applied() < expected && !isBehind(c, faulty, node))
            {
                return false;
            }
        }
        return true;
    }

    private static boolean isBehind(final IssSimulation c, final Set<Integer> faulty, final int node)
    {
        long stable = -1;
        for (int other = 0; other < c.nodeCount(); other++)
        {
            if (!faulty.contains(other))
            {
                stable = Math.max(stable, c.node(other).iss.stats().stableEpoch());
            }
        }
        return c.node(node).iss.stats().currentEpoch() < stable;
    }

    private static void checkSafety(final IssSimulation c, final Set<Integer> faulty, final Schedule schedule)
    {
        if (!c.simulation().failures().isEmpty())
        {
            throw new AssertionError("module failures " + c.simulation().failures() + " " + schedule);
        }
        final java.util.Map<Long, RecordingApp.Delivered> bySeqNo = new java.util.HashMap<>();
        for (int node = 0; node < c.nodeCount(); node++)
        {
            if (faulty.contains(node))
            {
                continue;
            }
            for (final RecordingApp app : c.incarnations(node))
            {
                final Set<Long> seen = new HashSet<>();
                long previous = -1;
                for (final RecordingApp.Delivered d : app.log())
                {
                    if (d.seqNo() <= previous)
                    {
                        throw new AssertionError("safety: node " + node + " delivered seqNo " + d.seqNo() +
                            " after " + previous + " " + schedule);
                    }
                    previous = d.seqNo();
                    for (int r = 0; r < d.clientIds().length; r++)
                    {
                        if (!seen.add((d.clientIds()[r] << 32) | d.requestNos()[r]))
                        {
                            throw new AssertionError("safety: node " + node + " delivered request " +
                                d.clientIds()[r] + "/" + d.requestNos()[r] + " twice " + schedule);
                        }
                    }
                    final RecordingApp.Delivered other = bySeqNo.putIfAbsent(d.seqNo(), d);
                    if (other != null && (!Arrays.equals(d.clientIds(), other.clientIds()) ||
                        !Arrays.equals(d.requestNos(), other.requestNos())))
                    {
                        throw new AssertionError("safety: node " + node + " delivered a different batch at seqNo " +
                            d.seqNo() + " than another correct node " + schedule);
                    }
                }
            }
        }
        if (c.clients().mismatchedReplies() > 0 && faulty.isEmpty())
        {
            throw new AssertionError("safety: mismatched replies from correct nodes " + schedule);
        }
    }

    private static String describe(final IssSimulation c)
    {
        final StringBuilder sb = new StringBuilder();
        for (int node = 0; node < c.nodeCount(); node++)
        {
            final IssStats s = c.node(node).iss.stats();
            sb.append("node ").append(node).append(": epoch=").append(s.currentEpoch()).append(" stable=")
                .append(s.stableEpoch()).append(" nextDeliver=").append(s.nextDeliver()).append(" applied=")
                .append(c.app(node).applied()).append(" viewChanges=").append(s.viewChanges()).append("; ");
        }
        return sb.toString();
    }
}
