package io.jmir.cli.demo;

import io.jmir.cli.client.RemoteCluster;
import io.jmir.cli.config.ClusterConfig;
import io.jmir.cli.config.ConfigLoader;
import io.jmir.cli.node.NodeStatus;
import io.jmir.cli.process.LocalCluster;
import io.jmir.examples.client.ClusterClient;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;

/**
 * A local cluster of node processes plus this process's client side, with one idempotent {@link #close()} that a
 * shutdown hook may call (Ctrl-C): client closed (its media driver directory deleted), nodes stopped by PID
 * (SIGTERM, kill -9 after 15 s), Aeron directories of dead nodes deleted. Used by {@code demo} and {@code bench}.
 * <p>
 * <b>Threading:</b> start and use on one thread; {@link #close()} from any thread (synchronized).
 */
public final class ClusterSession implements AutoCloseable
{
    /** How long the nodes' applied count and digest must stay equal before they count as converged. */
    public static final long STABLE_MS = 2_500;

    private final ClusterConfig config;
    private final LocalCluster cluster;
    private RemoteCluster client;
    private boolean closed;

    private ClusterSession(final ClusterConfig config, final LocalCluster cluster)
    {
        this.config = config;
        this.cluster = cluster;
    }

    /**
     * Prepare a fresh cluster directory (files of an earlier run there are removed: node-*, keys, cluster.yaml,
     * node-*.log), write config and keys, start the nodes.
     *
     * @param dir        cluster directory.
     * @param nodes      node count.
     * @param basePort   first peer port.
     * @param settings   settings for the generated config (nodes are added).
     * @param jvmOptions JVM options of the node processes.
     * @return the session (nodes starting).
     * @throws IOException on failure.
     */
    public static ClusterSession start(final Path dir, final int nodes, final int basePort,
        final ClusterConfig settings, final List<String> jvmOptions) throws IOException
    {
        clean(dir);
        final Path file = LocalCluster.prepare(dir, nodes, basePort, settings);
        final ClusterConfig config = ConfigLoader.load(file);
        final ClusterSession session = new ClusterSession(config, new LocalCluster(file, config, jvmOptions));
        session.cluster.startAll();
        return session;
    }

    /**
     * Connect this process's client side (waits for the client endpoints, at most the timeout).
     *
     * @param timeoutMs longest wait.
     * @return the client side.
     */
    public synchronized RemoteCluster connect(final long timeoutMs)
    {
        if (closed)
        {
            throw new IllegalStateException("closed");
        }
        client = new RemoteCluster(config, "127.0.0.1", timeoutMs);
        return client;
    }

    /**
     * Wait until the cluster orders requests: submits a GET with client {@code clientId} and waits for the replies
     * of n - f nodes (a quorum). Not all n: a node that started late may catch up by state transfer, installing a
     * checkpoint that already covers the probe, and then never executes (nor answers) it; it catches up while the
     * load runs, and the summary checks that every node ends with the same state.
     *
     * @param clientId  a client id to use.
     * @param timeoutMs longest wait.
     * @return true when a quorum answered in time.
     * @throws InterruptedException when interrupted.
     */
    public boolean awaitReady(final int clientId, final long timeoutMs) throws InterruptedException
    {
        final RemoteCluster client = this.client;
        if (client == null)
        {
            return false;
        }
        final ClusterClient probe = client.client(clientId, 1);
        final long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        final long[] before = new long[config.nodes().size()];
        for (int i = 0; i < before.length; i++)
        {
            before[i] = client.replies(i);
        }
        probe.submit(io.jmir.examples.kv.KvCommands.get("ready"));
        final int quorum = before.length - (before.length - 1) / 3;
        while (System.nanoTime() < deadline && !isClosed())
        {
            int answered = 0;
            for (int i = 0; i < before.length; i++)
            {
                answered += client.replies(i) > before[i] ? 1 : 0;
                if (!cluster.isAlive(i))
                {
                    throw new IllegalStateException("node " + i + " exited; log:\n" + cluster.logTail(i, 30));
                }
            }
            if (answered >= quorum)
            {
                return true;
            }
            probe.resendOlderThan(TimeUnit.MILLISECONDS.toNanos(500));
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
        }
        return false;
    }

    /**
     * Wait until every node's status shows the same applied count and digest, unchanged for {@link #STABLE_MS}
     * (status files are rewritten once a second; requests still in flight when the load stopped are applied in the
     * meantime, so the nodes are not compared, nor stopped one after the other, while they still apply them).
     *
     * @param timeoutMs longest wait.
     * @return the statuses (possibly differing when the timeout passed).
     */
    public List<NodeStatus> awaitConverged(final long timeoutMs)
    {
        final long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        String agreed = null;
        long agreedSince = 0;
        while (true)
        {
            final List<NodeStatus> statuses = statuses();
            final long now = System.nanoTime();
            final String state = converged(statuses) ?
                statuses.get(0).applied() + " " + statuses.get(0).digest() : null;
            if (state == null || !state.equals(agreed))
            {
                agreed = state;
                agreedSince = now;
            }
            if (agreed != null && now - agreedSince >= TimeUnit.MILLISECONDS.toNanos(STABLE_MS) || now > deadline)
            {
                return statuses;
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
        }
    }

    /**
     * @param statuses statuses.
     * @return true when all exist and agree on applied count and digest.
     */
    public static boolean converged(final List<NodeStatus> statuses)
    {
        for (final NodeStatus status : statuses)
        {
            if (status == null || status.applied() != statuses.get(0).applied() ||
                !status.digest().equals(statuses.get(0).digest()))
            {
                return false;
            }
        }
        return true;
    }

    /**
     * @return every node's status (null entries for nodes without one).
     */
    public List<NodeStatus> statuses()
    {
        final List<NodeStatus> statuses = new ArrayList<>();
        for (int i = 0; i < config.nodes().size(); i++)
        {
            statuses.add(cluster.status(i));
        }
        return statuses;
    }

    /**
     * Stop the nodes cleanly (SIGTERM) and return their final statuses.
     *
     * @param out where to report nodes that did not stop cleanly.
     * @return final statuses.
     * @throws InterruptedException when interrupted.
     */
    public List<NodeStatus> stopNodes(final PrintWriter out) throws InterruptedException
    {
        closeClient();
        for (int i = 0; i < config.nodes().size(); i++)
        {
            if (!cluster.stop(i, 15_000))
            {
                out.println("node " + i + " did not stop within 15 s: killed");
            }
        }
        return statuses();
    }

    /**
     * @return the cluster's config.
     */
    public ClusterConfig config()
    {
        return config;
    }

    /**
     * @return the node processes.
     */
    public LocalCluster cluster()
    {
        return cluster;
    }

    private synchronized boolean isClosed()
    {
        return closed;
    }

    private synchronized void closeClient()
    {
        if (client != null)
        {
            client.close();
            client = null;
        }
    }

    @Override
    public synchronized void close()
    {
        if (closed)
        {
            return;
        }
        closed = true;
        closeClient();
        cluster.close();
    }

    private static void clean(final Path dir) throws IOException
    {
        if (!Files.isDirectory(dir))
        {
            return;
        }
        try (Stream<Path> entries = Files.list(dir))
        {
            for (final Path entry : entries.toList())
            {
                final String name = entry.getFileName().toString();
                if (name.startsWith("node-") || "keys".equals(name) || "cluster.yaml".equals(name))
                {
                    try (Stream<Path> files = Files.walk(entry))
                    {
                        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                    }
                }
            }
        }
    }

    /**
     * @param lines last lines of each node's log.
     * @return the tails of all node logs, for a failure report.
     */
    public String logTails(final int lines)
    {
        final StringBuilder tails = new StringBuilder();
        for (int i = 0; i < config.nodes().size(); i++)
        {
            tails.append("--- node ").append(i).append(cluster.isAlive(i) ? " (running)" : " (exited)")
                .append(" log tail:").append(System.lineSeparator()).append(cluster.logTail(i, lines))
                .append(System.lineSeparator());
        }
        return tails.toString();
    }
}
