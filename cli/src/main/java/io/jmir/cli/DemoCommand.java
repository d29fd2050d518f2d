package io.jmir.cli;

import io.jmir.cli.demo.DemoRunner;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code jmir demo}: a 4-node ISS cluster (separate processes, Aeron UDP on 127.0.0.1, journals under ./data)
 * driven by a built-in KV client, with live progress and a summary ({@link DemoRunner}).
 * <p>
 * <b>Threading:</b> blocks the calling thread; Ctrl-C stops everything through a shutdown hook.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
    description = "Run a 4-node ISS cluster (one process per node, Aeron UDP on 127.0.0.1, WAL and event log under "
        + "./data) with a built-in KV client; live progress, then a summary with each node's state digest.")
public final class DemoCommand implements Callable<Integer>
{
    @Option(names = "--duration", defaultValue = "30", paramLabel = "SECONDS",
        description = "Seconds of load (default ${DEFAULT-VALUE}); a trailing 's' is allowed.",
        converter = Seconds.class)
    private int duration;

    @Option(names = "--nodes", defaultValue = "4", description = "Nodes (default ${DEFAULT-VALUE}).")
    private int nodes;

    @Option(names = "--clients", defaultValue = "4", description = "Closed-loop clients (default ${DEFAULT-VALUE}).")
    private int clients;

    @Option(names = "--dir", defaultValue = "data", description = "Data directory (default ${DEFAULT-VALUE}).")
    private Path dir;

    @Option(names = "--base-port", defaultValue = "20000", description = "First peer UDP port (default "
        + "${DEFAULT-VALUE}); client ports start at base + 100.")
    private int basePort;

    @Option(names = "--heap", defaultValue = "256m", description = "Heap of each node process.")
    private String heap;

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception
    {
        if (nodes < 1 || nodes > 16 || clients < 1 || duration < 1)
        {
            throw new CommandLine.ParameterException(spec.commandLine(),
                "--nodes must be in [1, 16], --clients and --duration at least 1");
        }
        final DemoRunner demo = new DemoRunner(dir, nodes, basePort, clients, spec.commandLine().getOut());
        final Thread hook = new Thread(() ->
        {
            spec.commandLine().getOut().println("jmir demo: stopping (client, then the node processes by PID) ...");
            spec.commandLine().getOut().flush();
            demo.close();
            spec.commandLine().getOut().println("jmir demo: stopped; journals are in " + dir.toAbsolutePath());
            spec.commandLine().getOut().flush();
        }, "jmir-demo-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try
        {
            return demo.run(duration, List.of("-Xmx" + heap, "-XX:+UseSerialGC"));
        }
        finally
        {
            demo.close();
            try
            {
                Runtime.getRuntime().removeShutdownHook(hook);
            }
            catch (final IllegalStateException ex)
            {
                spec.commandLine().getOut().flush();
            }
        }
    }

    /**
     * Parses "30" or "30s".
     */
    public static final class Seconds implements CommandLine.ITypeConverter<Integer>
    {
        @Override
        public Integer convert(final String value)
        {
            final String digits = value.endsWith("s") ? value.substring(0, value.length() - 1) : value;
            return Integer.parseInt(digits);
        }
    }
}
