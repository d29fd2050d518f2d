package io.jmir.cli;

import io.jmir.cli.config.ConfigLoader;
import io.jmir.cli.node.NodeRunner;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * {@code jmir node --config FILE --id N}: run one ISS + KV node from a YAML config until Ctrl-C / SIGTERM.
 * <p>
 * <b>Threading:</b> blocks the calling thread.
 */
@Command(name = "node", mixinStandardHelpOptions = true,
    description = "Run one ISS node (KV store) from a YAML cluster config until stopped (Ctrl-C / SIGTERM).")
public final class NodeCommand implements Callable<Integer>
{
    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Option(names = "--config", required = true, paramLabel = "FILE", description = "Cluster config (YAML).")
    private Path config;

    @Option(names = "--id", required = true, paramLabel = "N", description = "This node's id.")
    private int id;

    @Option(names = "--status-interval", paramLabel = "SECONDS", defaultValue = "0",
        description = "Print the node's status this often (0: never). It is always in DATA/status.")
    private long statusInterval;

    @Override
    public Integer call() throws Exception
    {
        return new NodeRunner(ConfigLoader.load(config), id, spec.commandLine().getOut(), statusInterval * 1000)
            .run(true);
    }
}
