package io.jmir.cli.client;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Media driver directories of client processes: {@code <base>/jmir-client-<pid>-<sequence>}, base {@code /dev/shm}
 * when it exists (else {@code java.io.tmpdir}). Creating one first deletes those of processes that are gone
 * (killed clients cannot delete their own).
 * <p>
 * <b>Threading:</b> thread safe.
 */
final class ClientDirectories
{
    private static final AtomicInteger SEQUENCE = new AtomicInteger();
    private static final Pattern NAME = Pattern.compile("jmir-client-(\\d+)-(\\d+)");

    private ClientDirectories()
    {
    }

    static String create(final String configuredBase)
    {
        final String base = configuredBase != null ? configuredBase :
            new File("/dev/shm").isDirectory() ? "/dev/shm" : System.getProperty("java.io.tmpdir");
        deleteStale(Path.of(base));
        return Path.of(base, "jmir-client-" + ProcessHandle.current().pid() + "-" + SEQUENCE.incrementAndGet())
            .toString();
    }

    static void delete(final String directory)
    {
        final Path path = Path.of(directory);
        if (!Files.exists(path))
        {
            return;
        }
        try (Stream<Path> files = Files.walk(path))
        {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
        catch (final IOException ex)
        {
            System.err.println("jmir: cannot delete " + directory + ": " + ex);
        }
    }

    private static void deleteStale(final Path base)
    {
        try (Stream<Path> entries = Files.list(base))
        {
            entries.forEach(entry ->
            {
                final Matcher matcher = NAME.matcher(entry.getFileName().toString());
                if (matcher.matches() && ProcessHandle.of(Long.parseLong(matcher.group(1))).isEmpty())
                {
                    delete(entry.toString());
                }
            });
        }
        catch (final IOException | RuntimeException ex)
        {
            System.err.println("jmir: cannot scan " + base + " for stale client directories: " + ex);
        }
    }
}
