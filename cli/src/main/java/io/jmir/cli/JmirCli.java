package io.jmir.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;

/**
 * The {@code jmir} command line: {@code demo} (a 4-node cluster with a client), {@code node} (one node from a
 * config), {@code cluster} (N local node processes), {@code keys}, {@code bench} (load generator with latency
 * histograms and plots); {@code cat} prints, filters and follows journals; {@code replay} checks that a module
 * reproduces its recorded outputs. Run with the JVM flags of STACK.md (Chronicle needs them).
 * <p>
 * <b>Threading:</b> runs a command on the calling thread.
 */
@Command(
    name = "jmir",
    mixinStandardHelpOptions = true,
    version = "jmir 0.1.0",
    description = "jmir: run ISS clusters, load them, read their journals",
    subcommands = { DemoCommand.class, NodeCommand.class, ClusterCommand.class, KeysCommand.class, BenchCommand.class,
        CatCommand.class, ReplayCommand.class })
public final class JmirCli implements Runnable
{
    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    /**
     * Entry point; exits with the command's exit code.
     *
     * @param args command line.
     */
    public static void main(final String[] args)
    {
        System.exit(execute(args, System.out, System.err));
    }

    /**
     * Run a command line without exiting (for tests and embedding).
     *
     * @param args command line.
     * @param out  standard output.
     * @param err  standard error.
     * @return exit code: 0 success, 1 replay divergence, 2 usage or input error.
     */
    public static int execute(final String[] args, final PrintStream out, final PrintStream err)
    {
        final CommandLine commandLine = new CommandLine(new JmirCli());
        commandLine.setOut(new PrintWriter(new java.io.OutputStreamWriter(out, StandardCharsets.UTF_8), true));
        commandLine.setErr(new PrintWriter(new java.io.OutputStreamWriter(err, StandardCharsets.UTF_8), true));
        commandLine.setExecutionExceptionHandler((ex, cmd, parseResult) ->
        {
            cmd.getErr().println("jmir " + cmd.getCommandName() + ": " + ex.getMessage());
            cmd.getErr().flush();
            return 2;
        });
        final int code = commandLine.execute(args);
        commandLine.getOut().flush();
        commandLine.getErr().flush();
        return code;
    }

    @Override
    public void run()
    {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
