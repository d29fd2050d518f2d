package io.jmir.cli.node;

import io.jmir.cli.config.ClusterConfig;
import io.jmir.engine.Node;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Runs one node until told to stop or until it fails: builds it ({@link NodeAssembly}), starts it, and once a
 * second rewrites {@code dataDir/status} (atomically: {@code node}, {@code seqNo}, {@code applied}, {@code digest},
 * {@code running} lines) so that other processes (the demo, the tests) can watch it; optionally prints the status.
 * A JVM shutdown (Ctrl-C, SIGTERM) stops it cleanly: node closed, status written a last time, Aeron directory
 * deleted.
 * <p>
 * <b>Threading:</b> {@link #run} blocks the calling thread; {@link #stop()} may be called from any thread.
 */
public final class NodeRunner
{
    private final ClusterConfig config;
    private final int nodeId;
    private final PrintWriter out;
    private final long printIntervalMs;
    private final CountDownLatch stop = new CountDownLatch(1);
    private final CountDownLatch stopped = new CountDownLatch(1);

    /**
     * @param config          the cluster.
     * @param nodeId          this node.
     * @param out             where to print.
     * @param printIntervalMs print the status this often (0: only at start and stop).
     */
    public NodeRunner(final ClusterConfig config, final int nodeId, final PrintWriter out, final long printIntervalMs)
    {
        this.config = config;
        this.nodeId = nodeId;
        this.out = out;
        this.printIntervalMs = printIntervalMs;
    }

    /**
     * Run until {@link #stop()} or a JVM shutdown or a node failure.
     *
     * @param installShutdownHook stop cleanly on JVM shutdown (the command line does; tests stop explicitly).
     * @return 0 when stopped, 1 when the node failed.
     * @throws IOException when the status file cannot be written.
     */
    public int run(final boolean installShutdownHook) throws IOException
    {
        final Thread hook = new Thread(() ->
        {
            stop.countDown();
            awaitStopped();
        }, "jmir-node-shutdown");
        if (installShutdownHook)
        {
            Runtime.getRuntime().addShutdownHook(hook);
        }
        int code = 0;
        final NodeAssembly assembly = NodeAssembly.create(config, nodeId);
        try
        {
            final Node node = assembly.start();
            out.println("jmir node " + nodeId + ": running; peers " + config.node(nodeId).address() + ", clients " +
                config.node(nodeId).clientAddress() + ", data " + assembly.dataDirectory() + ", aeron " +
                assembly.net().aeronDirectoryName() + "; " + assembly.peersConnectedAtStart() + " of " +
                (config.nodes().size() - 1) + " peers connected after " + assembly.startWaitMs() + " ms");
            out.flush();
            long lastPrint = System.nanoTime();
            while (!awaitStop(1000))
            {
                writeStatus(assembly);
                if (!node.isRunning())
                {
                    out.println("jmir node " + nodeId + ": stopped by a failure: " + node.failure());
                    code = 1;
                    break;
                }
                if (printIntervalMs > 0 && System.nanoTime() - lastPrint >= printIntervalMs * 1_000_000)
                {
                    lastPrint = System.nanoTime();
                    out.println(assembly.status());
                    out.flush();
                }
            }
        }
        finally
        {
            assembly.close();
            writeStatus(assembly);
            out.println("jmir " + assembly.status());
            out.println("jmir node " + nodeId + ": stopped");
            out.flush();
            stopped.countDown();
            if (installShutdownHook)
            {
                try
                {
                    Runtime.getRuntime().removeShutdownHook(hook);
                }
                catch (final IllegalStateException ex)
                {
                    // the JVM is shutting down: the hook is what stopped us
                    out.flush();
                }
            }
        }
        return code;
    }

    /**
     * Ask {@link #run} to stop.
     */
    public void stop()
    {
        stop.countDown();
    }

    /**
     * @param timeoutMs longest wait.
     * @return true when {@link #run} returned.
     * @throws InterruptedException when interrupted.
     */
    public boolean awaitStopped(final long timeoutMs) throws InterruptedException
    {
        return stopped.await(timeoutMs, TimeUnit.MILLISECONDS);
    }

    private void awaitStopped()
    {
        try
        {
            stopped.await(20, TimeUnit.SECONDS);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }

    private boolean awaitStop(final long ms)
    {
        try
        {
            return stop.await(ms, TimeUnit.MILLISECONDS);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            return true;
        }
    }

    private void writeStatus(final NodeAssembly assembly) throws IOException
    {
        final Path file = assembly.dataDirectory().resolve("status");
        final Path tmp = assembly.dataDirectory().resolve("status.tmp");
        final ObservedKv kv = assembly.kv();
        final String text = "node " + nodeId + "\nseqNo " + kv.lastSeqNo() + "\napplied " + kv.applied() +
            "\ndigest " + kv.digest() + "\nrunning " + (assembly.node() != null && assembly.node().isRunning()) +
            "\nmalformedClientFrames " + assembly.endpoint().malformed() + "\npid " + ProcessHandle.current().pid() +
            "\n";
        Files.writeString(tmp, text, StandardCharsets.UTF_8);
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
}
