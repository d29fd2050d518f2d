package io.jmir.cli.demo;

import io.jmir.cli.bench.BenchReport;
import io.jmir.cli.bench.LoadGenerator;
import io.jmir.cli.client.RemoteCluster;
import io.jmir.cli.config.ClusterConfig;
import io.jmir.cli.node.NodeStatus;
import org.HdrHistogram.Histogram;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * The demo: a 4-node ISS cluster, each node its own OS process (own JVM, embedded Aeron media driver, WAL and event
 * log under {@code DIR/node-N}), over Aeron UDP on 127.0.0.1; this process is the client (a {@link RemoteCluster}
 * with closed-loop KV clients). Separate processes because that is how jmir is deployed: every node has its own
 * driver, journals and failure domain (one can be killed with {@code kill -9}), and nothing is shared through the
 * JVM. It prints progress once a second (requests/s, p50/p99, every node's delivered sequence number), then a
 * summary with each node's state digest, and how to read the journals.
 * <p>
 * <b>Threading:</b> {@link #run} blocks the calling thread; {@link #close()} (Ctrl-C) may run from a shutdown hook.
 */
public final class DemoRunner implements AutoCloseable
{
    private final Path dir;
    private final int nodes;
    private final int basePort;
    private final int clients;
    private final PrintWriter out;
    /** After the load stops, the longest wait for a node that is behind to catch up before the digests are compared. */
    static final long CONVERGE_TIMEOUT_MS = 30_000;
    private volatile ClusterSession session;
    private volatile LoadGenerator load;

    /**
     * @param dir      data directory (config, keys, node-N/{wal,events,status}, logs).
     * @param nodes    nodes.
     * @param basePort first peer UDP port.
     * @param clients  closed-loop clients.
     * @param out      where to print.
     */
    public DemoRunner(final Path dir, final int nodes, final int basePort, final int clients, final PrintWriter out)
    {
        this.dir = dir;
        this.nodes = nodes;
        this.basePort = basePort;
        this.clients = clients;
        this.out = out;
    }

    /**
     * Run the demo.
     *
     * @param seconds   how long to drive load.
     * @param jvmOptions JVM options of the node processes.
     * @return 0 when every node ended with the same state digest and requests were delivered, 1 otherwise.
     * @throws Exception on failure.
     */
    public int run(final int seconds, final List<String> jvmOptions) throws Exception
    {
        out.println("jmir demo: " + nodes + " ISS nodes as separate processes over Aeron UDP on 127.0.0.1 (ports " +
            basePort + ".." + (basePort + nodes - 1) + ", client ports " + (basePort + 100) + "..), data in " +
            dir.toAbsolutePath());
        out.flush();
        session = ClusterSession.start(dir, nodes, basePort, new ClusterConfig().clientCount(clients + 1),
            jvmOptions);
        final RemoteCluster client = session.connect(30_000);
        if (!session.awaitReady(clients, 60_000))
        {
            out.println("jmir demo: the cluster did not answer within 60 s; node logs: " + dir.toAbsolutePath());
            out.println(session.logTails(20));
            return 1;
        }
        out.println("cluster ready; " + clients + " closed-loop clients (window 8, 64-byte PUT/GET) for " + seconds +
            " s. Ctrl-C stops everything.");
        out.flush();
        load = new LoadGenerator(client, 0, clients, 8, 0, 64);
        final Histogram histogram = load.run(0, seconds, sample -> progress(sample, client));
        final long completed = load.completed();
        final long sent = load.sent();
        boolean alive = true;
        for (int i = 0; i < nodes; i++)
        {
            if (!session.cluster().isAlive(i))
            {
                alive = false;
                out.println("node " + i + " EXITED during the run; log tail:\n" + session.cluster().logTail(i, 10));
            }
        }
        final List<NodeStatus> converged = session.awaitConverged(CONVERGE_TIMEOUT_MS);
        final List<NodeStatus> statuses = session.stopNodes(out);
        out.println();
        out.println("summary: " + BenchReport.summary(histogram, seconds) + " (" + sent + " sent, " + completed +
            " completed)");
        boolean same = alive && ClusterSession.converged(statuses) && ClusterSession.converged(converged);
        for (final NodeStatus status : statuses)
        {
            out.println(status == null ? "  node ?: no status" : String.format(Locale.ROOT,
                "  node %d: delivered seqNo %d, applied %d requests, state digest %s", status.nodeId(),
                status.seqNo(), status.applied(), status.digest()));
            same &= status != null && status.applied() > 0;
        }
        out.println("state digests " + (same ? "identical on all " + nodes + " nodes" : "DIFFER or missing"));
        journals();
        out.flush();
        return same && completed > 0 ? 0 : 1;
    }

    private void progress(final LoadGenerator.Sample sample, final RemoteCluster client)
    {
        final StringBuilder line = new StringBuilder(String.format(Locale.ROOT,
            "[%3ds] %6d req/s  p50 %7.2f ms  p99 %7.2f ms  delivered seqNo:", sample.second(), sample.completed(),
            sample.p50Us() / 1000.0, sample.p99Us() / 1000.0));
        for (int i = 0; i < nodes; i++)
        {
            line.append(" n").append(i).append('=').append(client.deliveredSeqNo(i));
            if (!session.cluster().isAlive(i))
            {
                line.append("(exited)");
            }
        }
        out.println(line);
        out.flush();
    }

    private void journals()
    {
        final String d = dir.toString();
        out.println();
        out.println("journals (Chronicle queues) of node 0; the same for node-1..node-" + (nodes - 1) + ":");
        out.println("  ./jmir cat " + d + "/node-0/events --summary     # events per type");
        out.println("  ./jmir cat " + d + "/node-0/events -t DeliverBatch  # every field decoded");
        out.println("  ./jmir cat " + d + "/node-0/wal --json           # WAL entries as JSON");
        out.println("  # Chronicle's own reader, from the repository root (-f follows a live queue):");
        out.println("  java " + String.join(" ", io.jmir.cli.process.LocalCluster.JVM_FLAGS) + " \\");
        out.println("    -cp \"cli/target/jmir-cli-0.1.0-SNAPSHOT.jar:$(cat cli/target/classpath.txt)\" " +
            "net.openhft.chronicle.queue.ChronicleReaderMain -d " + d + "/node-0/events");
        out.println("  node logs: " + d + "/node-N.log; config and keys: " + d + "/cluster.yaml, " + d + "/keys");
    }

    /**
     * Stop the load, the client and the nodes (Ctrl-C). Idempotent.
     */
    @Override
    public void close()
    {
        final LoadGenerator generator = load;
        if (generator != null)
        {
            generator.stop();
        }
        final ClusterSession current = session;
        if (current != null)
        {
            current.close();
        }
    }
}
