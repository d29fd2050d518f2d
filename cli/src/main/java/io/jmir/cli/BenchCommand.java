package io.jmir.cli;

import io.jmir.cli.bench.BenchReport;
import io.jmir.cli.bench.LoadGenerator;
import io.jmir.cli.client.RemoteCluster;
import io.jmir.cli.config.ClusterConfig;
import io.jmir.cli.config.ConfigLoader;
import io.jmir.cli.demo.ClusterSession;
import org.HdrHistogram.Histogram;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/**
 * {@code jmir bench}: load generator against a running cluster ({@code --config}) or one it starts
 * ({@code --nodes}); closed loop or fixed rate; writes an .hgrm latency distribution (corrected for coordinated
 * omission at a fixed rate), a PNG of throughput and latency percentiles per second, and prints a one-line summary.
 * <p>
 * <b>Threading:</b> blocks the calling thread; Ctrl-C stops the run (and a cluster it started).
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
    description = "Load a cluster with KV requests; write an .hgrm latency distribution and a PNG plot.")
public final class BenchCommand implements Callable<Integer>
{
    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Option(names = "--config", paramLabel = "FILE", description = "Config of a running cluster (its keys dir must "
        + "hold the client key files). Without it, a local cluster of --nodes processes is started.")
    private Path config;

    @Option(names = "--nodes", defaultValue = "4", description = "Nodes of the cluster to start (default "
        + "${DEFAULT-VALUE}).")
    private int nodes;

    @Option(names = "--dir", defaultValue = "bench-cluster", description = "Directory of the started cluster.")
    private Path dir;

    @Option(names = "--base-port", defaultValue = "20400", description = "First peer port of the started cluster.")
    private int basePort;

    @Option(names = "--clients", defaultValue = "4", description = "Client threads (default ${DEFAULT-VALUE}).")
    private int clients;

    @Option(names = "--first-client", defaultValue = "0", description = "First client id. A client id serves one "
        + "run per cluster lifetime (request numbers restart at 0): pick fresh ids for a second run.")
    private int firstClient;

    @Option(names = "--window", defaultValue = "8", description = "Outstanding requests per client.")
    private int window;

    @Option(names = "--rate", defaultValue = "0", description = "Total requests/s (fixed rate); 0: closed loop.")
    private long rate;

    @Option(names = "--size", defaultValue = "64", description = "Value bytes per PUT (default ${DEFAULT-VALUE}).")
    private int size;

    @Option(names = "--duration", defaultValue = "30", converter = DemoCommand.Seconds.class,
        description = "Measured seconds (default ${DEFAULT-VALUE}).")
    private int duration;

    @Option(names = "--warmup", defaultValue = "5", converter = DemoCommand.Seconds.class,
        description = "Warm-up seconds, not measured (default ${DEFAULT-VALUE}).")
    private int warmup;

    @Option(names = "--ready-timeout", defaultValue = "60", converter = DemoCommand.Seconds.class,
        description = "Longest wait for the cluster to answer each client's first (unmeasured) request before the "
        + "warm-up starts (default ${DEFAULT-VALUE} s).")
    private int readyTimeout;

    @Option(names = "--reply-host", defaultValue = "127.0.0.1", description = "Address of this machine the nodes "
        + "send replies to (default ${DEFAULT-VALUE}).")
    private String replyHost;

    @Option(names = "--out", defaultValue = "bench-results/bench", description = "Output prefix: PREFIX.hgrm, "
        + "PREFIX.png (default ${DEFAULT-VALUE}).")
    private String outPrefix;

    @Override
    public Integer call() throws Exception
    {
        if (clients < 1 || window < 1 || size < 0 || duration < 1 || readyTimeout < 1 || warmup < 0 || rate < 0)
        {
            throw new CommandLine.ParameterException(spec.commandLine(), "--clients, --window, --duration, "
                + "--ready-timeout must be >= 1; --size, --warmup, --rate >= 0");
        }
        final PrintWriter out = spec.commandLine().getOut();
        ClusterSession session = null;
        final ClusterConfig clusterConfig;
        if (config != null)
        {
            clusterConfig = ConfigLoader.load(config);
        }
        else
        {
            session = ClusterSession.start(dir, nodes, basePort,
                new ClusterConfig().clientCount(firstClient + clients), List.of("-Xmx256m", "-XX:+UseSerialGC"));
            clusterConfig = session.config();
            out.println("bench: started " + nodes + " node processes in " + dir.toAbsolutePath());
        }
        if (firstClient < 0 || firstClient + clients > clusterConfig.clientCount())
        {
            throw new CommandLine.ParameterException(spec.commandLine(), "client ids " + firstClient + ".." +
                (firstClient + clients - 1) + " are outside the cluster's 0.." + (clusterConfig.clientCount() - 1));
        }
        final ClusterSession started = session;
        final LoadGenerator[] running = new LoadGenerator[1];
        final Thread hook = new Thread(() ->
        {
            if (running[0] != null)
            {
                running[0].stop();
            }
            if (started != null)
            {
                started.close();
            }
        }, "jmir-bench-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try (RemoteCluster client = session != null ? session.connect(30_000) :
            new RemoteCluster(clusterConfig, replyHost, 30_000))
        {
            final LoadGenerator load = new LoadGenerator(client, firstClient, clients, window, rate, size);
            running[0] = load;
            final long readyStart = System.nanoTime();
            if (!load.awaitReady(TimeUnit.SECONDS.toMillis(readyTimeout)))
            {
                out.println("bench: the cluster did not answer every client's first request within " + readyTimeout +
                    " s (--ready-timeout); is it running and are the client ids " + firstClient + ".." +
                    (firstClient + clients - 1) + " unused in its lifetime?");
                return 1;
            }
            out.println(String.format(Locale.ROOT, "bench: cluster answered every client after %.1f s",
                (System.nanoTime() - readyStart) / 1e9));
            final Histogram histogram = load.run(warmup, duration, sample -> out.println(String.format(Locale.ROOT,
                "[%3ds]%s %6d req/s  p50 %7.2f ms  p99 %7.2f ms  p99.9 %7.2f ms", sample.second(),
                sample.warmup() ? " (warm-up)" : "", sample.completed(), sample.p50Us() / 1000.0,
                sample.p99Us() / 1000.0, sample.p999Us() / 1000.0)));
            final Path hgrm = Path.of(outPrefix + ".hgrm");
            final Path png = Path.of(outPrefix + ".png");
            if (hgrm.toAbsolutePath().getParent() != null)
            {
                Files.createDirectories(hgrm.toAbsolutePath().getParent());
            }
            BenchReport.writeHgrm(histogram, hgrm);
            final String mode = rate > 0 ? "fixed rate " + rate + "/s (latency from due time)" :
                "closed loop, window " + window;
            BenchReport.writePng(load.samples(), "jmir bench: " + clients + " clients, " + mode + ", " + size + " B" +
                (warmup > 0 ? ", first " + warmup + " s warm-up" : ""), png);
            out.println("bench: " + BenchReport.summary(histogram, duration) + "; " + clients + " clients, " + mode +
                ", " + size + " B values; " + hgrm + ", " + png);
            out.flush();
            return histogram.getTotalCount() > 0 ? 0 : 1;
        }
        finally
        {
            if (session != null)
            {
                session.close();
            }
            try
            {
                Runtime.getRuntime().removeShutdownHook(hook);
            }
            catch (final IllegalStateException ex)
            {
                out.flush();
            }
        }
    }
}
