package io.jmir.cli.process;

import io.jmir.cli.config.ClusterConfig;
import io.jmir.cli.config.ConfigWriter;
import io.jmir.cli.config.KeyFiles;
import io.jmir.cli.node.NodeStatus;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The nodes of a cluster as child processes of this JVM ({@code jmir node --config FILE --id N} with the JVM
 * flags of STACK.md, 1 GiB of direct memory for the stage rings, and this JVM's class path), each logging to
 * {@code DIR/node-N.log}. Nodes are stopped by their process handles only: {@link #stop(int)} sends SIGTERM (the
 * node closes cleanly, deleting its Aeron directory) and waits, {@link #kill(int)} is {@code kill -9}. After a
 * process died without cleaning up, {@link #close()} and {@link #start(int)} delete the Aeron directories of that
 * process (pattern {@code jmir-<clusterId>-<nodeId>-<pid>-*}) and nothing else.
 * <p>
 * <b>Threading:</b> not thread safe, except {@link #close()} which may run from a shutdown hook.
 */
public final class LocalCluster implements AutoCloseable
{
    /** JVM flags every node needs (STACK.md). */
    public static final List<String> JVM_FLAGS = List.of("--add-opens=java.base/java.lang=ALL-UNNAMED",
        "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED", "--add-exports=java.base/sun.nio.ch=ALL-UNNAMED",
        "--add-exports=java.base/jdk.internal.ref=ALL-UNNAMED", "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED",
        "--add-exports=jdk.compiler/com.sun.tools.javac.file=ALL-UNNAMED", "-Dchronicle.announcer.disable=true",
        "-Dchronicle.analytics.disable=true");

    private final Path configFile;
    private final ClusterConfig config;
    private final List<String> jvmOptions;
    private final Process[] processes;
    private final List<Long> deadPids = new ArrayList<>();

    /**
     * @param configFile the cluster's config file (passed to the nodes).
     * @param config     the same, loaded.
     * @param jvmOptions extra JVM options of the node processes (heap, GC).
     */
    public LocalCluster(final Path configFile, final ClusterConfig config, final List<String> jvmOptions)
    {
        this.configFile = configFile.toAbsolutePath();
        this.config = config;
        this.jvmOptions = List.copyOf(jvmOptions);
        this.processes = new Process[config.nodes().size()];
    }

    /**
     * Write keys ({@code dir/keys}) and a config ({@code dir/cluster.yaml}) for n nodes on 127.0.0.1 with data under
     * {@code dir/node-N}.
     *
     * @param dir      the cluster's directory (created).
     * @param n        nodes.
     * @param basePort first peer port (client ports start at basePort + 100).
     * @param config   settings to apply to the generated config (nodes are added here); may be null.
     * @return the config file.
     * @throws IOException on write failure.
     */
    public static Path prepare(final Path dir, final int n, final int basePort, final ClusterConfig config)
        throws IOException
    {
        Files.createDirectories(dir);
        final ClusterConfig target = config != null ? config : new ClusterConfig();
        for (int i = 0; i < n; i++)
        {
            target.node(new ClusterConfig.NodeEntry(i, "127.0.0.1:" + (basePort + i),
                "127.0.0.1:" + (basePort + 100 + i), Path.of("node-" + i)));
        }
        KeyFiles.generate(dir.resolve("keys"), n, target.clientCount(), new SecureRandom());
        final Path file = dir.resolve("cluster.yaml");
        ConfigWriter.write(target, file, "keys/cluster.secret", "keys");
        target.baseDirectory(dir.toAbsolutePath());
        return file;
    }

    /**
     * Start every node.
     *
     * @throws IOException when a process cannot be started.
     */
    public void startAll() throws IOException
    {
        for (int i = 0; i < processes.length; i++)
        {
            start(i);
        }
    }

    /**
     * Start (or restart) one node on its data directory.
     *
     * @param nodeId node.
     * @throws IOException when the process cannot be started.
     */
    public void start(final int nodeId) throws IOException
    {
        if (processes[nodeId] != null && processes[nodeId].isAlive())
        {
            throw new IllegalStateException("node " + nodeId + " is running (pid " + processes[nodeId].pid() + ")");
        }
        cleanDeadDirectories();
        final List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(JVM_FLAGS);
        command.add("-XX:MaxDirectMemorySize=1g");
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", absoluteClassPath(), "io.jmir.cli.JmirCli", "node",
            "--config", configFile.toString(), "--id", String.valueOf(nodeId)));
        final File log = logFile(nodeId).toFile();
        processes[nodeId] = new ProcessBuilder(command).redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log)).directory(configFile.getParent().toFile()).start();
    }

    private static String absoluteClassPath()
    {
        final StringBuilder path = new StringBuilder();
        for (final String entry : System.getProperty("java.class.path").split(File.pathSeparator))
        {
            if (!entry.isEmpty())
            {
                path.append(path.length() == 0 ? "" : File.pathSeparator).append(Path.of(entry).toAbsolutePath());
            }
        }
        return path.toString();
    }

    /**
     * {@code kill -9} one node (no clean-up by the node) and wait until it is gone.
     *
     * @param nodeId node.
     * @throws InterruptedException when interrupted.
     */
    public void kill(final int nodeId) throws InterruptedException
    {
        final Process process = processes[nodeId];
        if (process != null)
        {
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
            deadPids.add(process.pid());
        }
    }

    /**
     * Stop one node with SIGTERM (clean shutdown), {@code kill -9} after the timeout.
     *
     * @param nodeId    node.
     * @param timeoutMs longest wait for a clean exit.
     * @return true when it exited cleanly in time.
     * @throws InterruptedException when interrupted.
     */
    public boolean stop(final int nodeId, final long timeoutMs) throws InterruptedException
    {
        final Process process = processes[nodeId];
        if (process == null || !process.isAlive())
        {
            return true;
        }
        process.destroy();
        final boolean clean = process.waitFor(timeoutMs, TimeUnit.MILLISECONDS);
        if (!clean)
        {
            kill(nodeId);
        }
        deadPids.add(process.pid());
        return clean;
    }

    /**
     * @param nodeId node.
     * @return true when its process runs.
     */
    public boolean isAlive(final int nodeId)
    {
        return processes[nodeId] != null && processes[nodeId].isAlive();
    }

    /**
     * @param nodeId node.
     * @return its process id, -1 when never started.
     */
    public long pid(final int nodeId)
    {
        return processes[nodeId] != null ? processes[nodeId].pid() : -1;
    }

    /**
     * @param nodeId node.
     * @return its status file's content, null when none yet.
     */
    public NodeStatus status(final int nodeId)
    {
        return NodeStatus.read(config.resolve(config.node(nodeId).dataDirectory()));
    }

    /**
     * @param nodeId node.
     * @return its log file.
     */
    public Path logFile(final int nodeId)
    {
        return configFile.getParent().resolve("node-" + nodeId + ".log");
    }

    /**
     * @param nodeId node.
     * @param lines  how many.
     * @return the last lines of its log.
     */
    public String logTail(final int nodeId, final int lines)
    {
        try
        {
            final List<String> all = Files.readAllLines(logFile(nodeId));
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        }
        catch (final IOException ex)
        {
            return "(no log: " + ex + ")";
        }
    }

    /**
     * @return the processes' ids, for checks that none is left.
     */
    public List<Long> pids()
    {
        final List<Long> pids = new ArrayList<>(deadPids);
        for (final Process process : processes)
        {
            if (process != null)
            {
                pids.add(process.pid());
            }
        }
        return pids;
    }

    /**
     * Stop every node (SIGTERM, then kill -9 after 15 s) and delete Aeron directories left by dead nodes.
     */
    @Override
    public void close()
    {
        for (final Process process : processes)
        {
            if (process != null && process.isAlive())
            {
                process.destroy();
            }
        }
        for (int i = 0; i < processes.length; i++)
        {
            try
            {
                stop(i, 15_000);
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
                processes[i].destroyForcibly();
            }
        }
        cleanDeadDirectories();
    }

    private void cleanDeadDirectories()
    {
        final Path base = Path.of(config.aeronDirBase() != null ? config.aeronDirBase() :
            new File("/dev/shm").isDirectory() ? "/dev/shm" : System.getProperty("java.io.tmpdir"));
        if (!Files.isDirectory(base))
        {
            return;
        }
        for (final long pid : pids())
        {
            if (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false))
            {
                continue;
            }
            for (int node = 0; node < processes.length; node++)
            {
                deleteMatching(base, "jmir-" + config.clusterId() + "-" + node + "-" + pid + "-");
            }
        }
    }

    private static void deleteMatching(final Path base, final String prefix)
    {
        try (Stream<Path> entries = Files.list(base))
        {
            for (final Path entry : entries.filter(p -> p.getFileName().toString().startsWith(prefix)).toList())
            {
                try (Stream<Path> files = Files.walk(entry))
                {
                    files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                }
            }
        }
        catch (final IOException ex)
        {
            System.err.println("jmir: cannot clean " + base + ": " + ex);
        }
    }
}
