package io.jmir.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** Runs the picocli command line in this JVM and captures its output; test helpers for ports and /dev/shm. */
public final class CliRun
{
    public record Result(int code, String out, String err)
    {
    }

    private CliRun()
    {
    }

    public static Result jmir(final String... args)
    {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final ByteArrayOutputStream err = new ByteArrayOutputStream();
        final int code = JmirCli.execute(args, new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /**
     * Start the command line in a child JVM (classpath and JVM flags as the nodes get them), output to a file.
     *
     * @param log  file receiving stdout and stderr.
     * @param args the command line.
     * @return the process; stop it with {@link Process#destroy()} (SIGTERM, as Ctrl-C).
     * @throws IOException when it cannot be started.
     */
    public static Process spawn(final Path log, final String... args) throws IOException
    {
        final List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(io.jmir.cli.process.LocalCluster.JVM_FLAGS);
        command.addAll(List.of("-Xmx128m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-cp",
            System.getProperty("java.class.path"), JmirCli.class.getName()));
        command.addAll(List.of(args));
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    /** A port range of 200 unique to this JVM and the given slot (0..9), in 24000..43999. */
    public static int basePort(final int slot)
    {
        return 24000 + (int)(ProcessHandle.current().pid() % 10) * 2000 + slot * 200;
    }

    /** Entries of /dev/shm (or nothing when it does not exist) named jmir-* that belong to one of the pids. */
    public static List<String> shmLeftovers(final List<Long> pids) throws IOException
    {
        final Path shm = Path.of("/dev/shm");
        final List<String> left = new ArrayList<>();
        if (!Files.isDirectory(shm))
        {
            return left;
        }
        try (Stream<Path> entries = Files.list(shm))
        {
            for (final Path entry : entries.toList())
            {
                final String name = entry.getFileName().toString();
                for (final long pid : pids)
                {
                    if (name.startsWith("jmir-") && name.contains("-" + pid + "-"))
                    {
                        left.add(name);
                    }
                }
            }
        }
        return left;
    }
}
