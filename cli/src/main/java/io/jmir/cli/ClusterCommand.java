package io.jmir.cli;

import io.jmir.cli.config.ClusterConfig;
import io.jmir.cli.config.ConfigLoader;
import io.jmir.cli.node.NodeStatus;
import io.jmir.cli.process.LocalCluster;
import io.jmir.codecs.engine.Scheme;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * {@code jmir cluster --nodes N}: write a config and keys for N nodes on 127.0.0.1 and run them as child processes
 * until Ctrl-C (or {@code --duration}); stops them by PID on exit.
 * <p>
 * A node that dies after it ran (e.g. {@code kill -9 PID} to watch crash recovery) is restarted on its data
 * directory — it replays its WAL and catches up — unless {@code --no-restart}; a node that dies before it reported
 * running (a configuration or environment error) stops the cluster with its log tail.
 * <p>
 * <b>Threading:</b> blocks the calling thread.
 */
@Command(name = "cluster", mixinStandardHelpOptions = true,
    description = "Write config and keys for N local nodes and run them as child processes until Ctrl-C.")
public final class ClusterCommand implements Callable<Integer>
{
    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Option(names = "--nodes", defaultValue = "4", description = "Number of nodes (default ${DEFAULT-VALUE}).")
    private int nodes;

    @Option(names = "--dir", defaultValue = "cluster", description = "Directory for config, keys, data and logs "
        + "(default ${DEFAULT-VALUE}).")
    private Path dir;

    @Option(names = "--base-port", defaultValue = "20000",
        description = "First peer UDP port; client ports start at base + 100 (default ${DEFAULT-VALUE}).")
    private int basePort;

    @Option(names = "--clients", defaultValue = "16", description = "Client ids to create keys for.")
    private int clients;

    @Option(names = "--auth", defaultValue = "HMAC_SHA256", description = "Client auth: HMAC_SHA256 or ED25519.")
    private Scheme auth;

    @Option(names = "--duration", paramLabel = "SECONDS", defaultValue = "0",
        description = "Stop after this many seconds (0: run until Ctrl-C).")
    private long duration;

    @Option(names = "--heap", defaultValue = "256m", description = "Heap of each node process.")
    private String heap;

    @Option(names = "--restart", negatable = true, defaultValue = "true", fallbackValue = "true",
        description = "Restart a node that died after it ran, on its data directory (default ${DEFAULT-VALUE}).")
    private boolean restart;

    @Override
    public Integer call() throws Exception
    {
        if (nodes < 1 || nodes > 64)
        {
            throw new CommandLine.ParameterException(spec.commandLine(), "--nodes must be in [1, 64]");
        }
        final PrintWriter out = spec.commandLine().getOut();
        final Path file = LocalCluster.prepare(dir, nodes, basePort, new ClusterConfig().clientCount(clients)
            .clientAuth(auth));
        final ClusterConfig config = ConfigLoader.load(file);
        final CountDownLatch done = new CountDownLatch(1);
        final LocalCluster cluster = new LocalCluster(file, config, List.of("-Xmx" + heap, "-XX:+UseSerialGC"));
        try
        {
            final Thread hook = new Thread(() ->
            {
                done.countDown();
                cluster.close();
            }, "jmir-cluster-shutdown");
            Runtime.getRuntime().addShutdownHook(hook);
            cluster.startAll();
            for (int i = 0; i < nodes; i++)
            {
                out.println("node " + i + ": pid " + cluster.pid(i) + ", peers " + config.node(i).address() +
                    ", clients " + config.node(i).clientAddress() + ", log " + cluster.logFile(i));
            }
            out.println("config: " + file.toAbsolutePath() + "  (bench: jmir bench --config " + file + ")");
            out.println("Ctrl-C stops the nodes.");
            out.flush();
            final long end = duration > 0 ? System.nanoTime() + TimeUnit.SECONDS.toNanos(duration) : Long.MAX_VALUE;
            while (!done.await(1, TimeUnit.SECONDS) && System.nanoTime() < end)
            {
                for (int i = 0; i < nodes; i++)
                {
                    if (!cluster.isAlive(i))
                    {
                        final long pid = cluster.pid(i);
                        final NodeStatus status = cluster.status(i);
                        final boolean ran = status != null && status.pid() == pid;
                        out.println("node " + i + " (pid " + pid + ") exited" + (ran ? " after it ran" :
                            " before it reported running") + "; log tail:\n" + cluster.logTail(i, 20));
                        if (!restart || !ran)
                        {
                            out.flush();
                            return 1;
                        }
                        cluster.start(i);
                        out.println("node " + i + ": restarted on " + config.node(i).dataDirectory() + ", pid " +
                            cluster.pid(i));
                        out.flush();
                    }
                }
            }
            for (int i = 0; i < nodes; i++)
            {
                cluster.stop(i, 15_000);
                final NodeStatus status = cluster.status(i);
                out.println("node " + i + ": " + (status == null ? "no status" : "seqNo " + status.seqNo() +
                    " applied " + status.applied() + " digest " + status.digest()));
            }
            Runtime.getRuntime().removeShutdownHook(hook);
        }
        catch (final IllegalStateException ex)
        {
            // JVM shutting down: the hook stopped the nodes
            out.flush();
        }
        finally
        {
            cluster.close();
        }
        return 0;
    }
}
