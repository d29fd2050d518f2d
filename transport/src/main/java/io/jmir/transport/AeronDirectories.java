package io.jmir.transport;

import org.agrona.IoUtil;

import java.io.File;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Naming and clean-up of embedded media driver directories. Each embedded driver gets a directory of its own,
 * {@code <base>/jmir-<clusterId>-<nodeId>-<pid>-<sequence>}, so that several nodes (or several clusters) can
 * run on one machine and in one JVM. A process killed with {@code kill -9} cannot delete its directory; the
 * next node started with the same cluster and node id removes every such directory whose process is no longer
 * alive ({@link #deleteStale}), and the driver itself starts with {@code dirDeleteOnStart} and deletes its
 * directory on clean shutdown ({@code dirDeleteOnShutdown}).
 * <p>
 * <b>Threading:</b> static helpers, called while a transport starts.
 */
final class AeronDirectories
{
    private static final AtomicInteger SEQUENCE = new AtomicInteger();
    private static final Pattern NAME = Pattern.compile("jmir-(\\d+)-(\\d+)-(\\d+)-(\\d+)");

    private AeronDirectories()
    {
    }

    /**
     * @param base      directory the driver directory is created under.
     * @param clusterId id of the cluster.
     * @param nodeId    id of the node.
     * @return a directory name unique to this process and call.
     */
    static String uniqueDirectory(final String base, final int clusterId, final int nodeId)
    {
        final long pid = ProcessHandle.current().pid();
        return new File(base, "jmir-" + clusterId + "-" + nodeId + "-" + pid + "-" + SEQUENCE.getAndIncrement())
            .getAbsolutePath();
    }

    /**
     * Delete the directories left under {@code base} by dead processes that ran this cluster's node.
     *
     * @param base      directory to look in.
     * @param clusterId id of the cluster.
     * @param nodeId    id of the node.
     * @return number of directories deleted.
     */
    static int deleteStale(final String base, final int clusterId, final int nodeId)
    {
        final File[] children = new File(base).listFiles();
        if (children == null)
        {
            return 0;
        }
        int deleted = 0;
        for (final File child : children)
        {
            final Matcher matcher = NAME.matcher(child.getName());
            if (!child.isDirectory() || !matcher.matches() ||
                !matcher.group(1).equals(Integer.toString(clusterId)) ||
                !matcher.group(2).equals(Integer.toString(nodeId)))
            {
                continue;
            }
            final long pid;
            try
            {
                pid = Long.parseLong(matcher.group(3));
            }
            catch (final NumberFormatException ex)
            {
                continue;
            }
            if (ProcessHandle.of(pid).isEmpty())
            {
                IoUtil.delete(child, true);
                deleted++;
            }
        }
        return deleted;
    }

    /**
     * @param directory to delete with its contents; missing is fine.
     */
    static void delete(final String directory)
    {
        IoUtil.delete(new File(directory), true);
    }
}
