package io.jmir.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
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

    /**
     * A port range of 200 for the given slot (0..9), in 24000..43999: the range derived from this JVM's pid, or the
     * next one whose peer ports (base..base+15) and client ports (base+100..base+115) are free on 127.0.0.1 (another
     * test JVM on the machine may use the same pid-derived range).
     */
    public static int basePort(final int slot)
    {
        final int first = (int)(ProcessHandle.current().pid() % 10);
        for (int attempt = 0; attempt < 10; attempt++)
        {
            final int base = 24000 + ((first + attempt) % 10) * 2000 + slot * 200;
            if (free(base, 16) && free(base + 100, 16))
            {
                return base;
            }
        }
        return 24000 + first * 2000 + slot * 200;
    }

    private static boolean free(final int from, final int count)
    {
        for (int port = from; port < from + count; port++)
        {
            try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress("127.0.0.1", port)))
            {
                socket.setReuseAddress(false);
            }
            catch (final IOException ex)
            {
                return false;
            }
        }
        return true;
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
