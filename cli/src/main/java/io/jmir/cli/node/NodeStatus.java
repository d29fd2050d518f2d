package io.jmir.cli.node;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * A node's status as {@link NodeRunner} writes it to {@code dataDir/status}.
 * <p>
 * <b>Threading:</b> immutable.
 *
 * @param nodeId  node.
 * @param seqNo   last applied batch's sequence number (-1 before the first).
 * @param applied requests applied.
 * @param digest  SHA-256 of the KV state.
 * @param running the node was running when written.
 * @param pid     process id of the node.
 * @param malformedClientFrames client frames dropped as malformed.
 */
public record NodeStatus(int nodeId, long seqNo, long applied, String digest, boolean running, long pid,
    long malformedClientFrames)
{
    /**
     * @param dataDirectory a node's data directory.
     * @return its status, or null when there is none yet (or it is unreadable).
     */
    public static NodeStatus read(final Path dataDirectory)
    {
        try
        {
            final Map<String, String> values = new HashMap<>();
            for (final String line : Files.readAllLines(dataDirectory.resolve("status"), StandardCharsets.UTF_8))
            {
                final int space = line.indexOf(' ');
                if (space > 0)
                {
                    values.put(line.substring(0, space), line.substring(space + 1));
                }
            }
            return new NodeStatus(Integer.parseInt(values.get("node")), Long.parseLong(values.get("seqNo")),
                Long.parseLong(values.get("applied")), values.get("digest"),
                Boolean.parseBoolean(values.get("running")), Long.parseLong(values.get("pid")),
                Long.parseLong(values.get("malformedClientFrames")));
        }
        catch (final NoSuchFileException ex)
        {
            return null;
        }
        catch (final IOException | RuntimeException ex)
        {
            return null;
        }
    }
}
