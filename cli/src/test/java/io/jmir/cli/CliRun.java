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
