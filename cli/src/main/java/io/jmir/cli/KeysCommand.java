package io.jmir.cli;

import io.jmir.cli.config.KeyFiles;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.concurrent.Callable;

/**
 * {@code jmir keys}: generate a cluster secret, node key pairs and client keys ({@link KeyFiles}).
 * <p>
 * <b>Threading:</b> runs on the calling thread.
 */
@Command(name = "keys", mixinStandardHelpOptions = true,
    description = "Generate node and client keys: cluster.secret (nodes only), node-N.key (node N only), "
        + "node-N.pub, client-C.key (Ed25519 key pair and HMAC key per node; client C only), client-C.pub.")
public final class KeysCommand implements Callable<Integer>
{
    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Option(names = "--nodes", defaultValue = "4", description = "Number of nodes (default ${DEFAULT-VALUE}).")
    private int nodes;

    @Option(names = "--clients", defaultValue = "16", description = "Number of clients (default ${DEFAULT-VALUE}).")
    private int clients;

    @Option(names = "--dir", defaultValue = "keys", description = "Output directory (default ${DEFAULT-VALUE}).")
    private Path dir;

    @Override
    public Integer call() throws Exception
    {
        if (nodes < 1 || clients < 1 || clients > 65535)
        {
            throw new CommandLine.ParameterException(spec.commandLine(),
                "--nodes must be >= 1 and --clients in [1, 65535]");
        }
        KeyFiles.generate(dir, nodes, clients, new SecureRandom());
        spec.commandLine().getOut().println("jmir keys: wrote cluster.secret, " + nodes + " node key pairs and " +
            clients + " client key files to " + dir.toAbsolutePath());
        return 0;
    }
}
