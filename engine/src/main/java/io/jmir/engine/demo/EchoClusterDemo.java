package io.jmir.engine.demo;

import io.jmir.engine.ConfigurationException;
import io.jmir.engine.IdleMode;
import io.jmir.engine.Node;
import io.jmir.engine.SubmitResult;
import io.jmir.engine.modules.wal.InMemoryWalStore;
import io.jmir.engine.net.LocalNetwork;
import org.agrona.ExpandableArrayBuffer;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.concurrent.TimeUnit;

/**
 * {@code ./jmir demo}: a cluster of echo-broadcast nodes (default 4) in the pipeline runtime in one JVM over the
 * in-JVM network. Every node broadcasts {@code --requests} client requests; every node must deliver every request
 * exactly once. Clients submit in rounds of {@link #ROUND} requests per node (a closed loop that stays within the
 * protocol's window). Prints what each node did and whether all nodes agree; exits 1 when they do not.
 * <p>
 * <b>Threading:</b> main thread only; each node runs its stages on one shared blocking thread (2-core friendly).
 */
public final class EchoClusterDemo
{
    /**
     * Requests each node submits before the demo waits for them to be delivered everywhere: echo broadcast keeps
     * a bounded window of instances per origin ({@link EchoBroadcast#DEFAULT_WINDOW}) and has no retransmission,
     * so a client must not run further ahead than the window.
     */
    static final int ROUND = 100;

    private EchoClusterDemo()
    {
    }

    /**
     * @param args {@code [--nodes N] [--requests N]}.
     * @throws Exception when interrupted.
     */
    public static void main(final String[] args) throws Exception
    {
        int nodeCount = 4;
        int requests = 1_000;
        for (int i = 0; i < args.length; i++)
        {
            switch (args[i])
            {
                case "--nodes":
                    nodeCount = parse("--nodes", args, ++i, 1, 64);
                    break;
                case "--requests":
                    requests = parse("--requests", args, ++i, 1, 1_000_000);
                    break;
                default:
                    System.err.println("usage: ./jmir demo [--nodes N] [--requests N]");
                    System.exit(2);
            }
        }
        System.exit(run(nodeCount, requests, System.out) ? 0 : 1);
    }

    /**
     * Run the demo.
     *
     * @param nodeCount nodes in the cluster.
     * @param requests  requests each node broadcasts.
     * @param out       where to print.
     * @return true when every node delivered every request exactly once and all agree.
     * @throws InterruptedException when interrupted.
     */
    public static boolean run(final int nodeCount, final int requests, final PrintStream out)
        throws InterruptedException
    {
        out.printf("jmir demo: %d echo-broadcast nodes (f=%d) in the pipeline runtime, %d requests per node%n",
            nodeCount, (nodeCount - 1) / 3, requests);
        final LocalNetwork network = new LocalNetwork(nodeCount);
        final EchoNodes.EchoNode[] echoNodes = new EchoNodes.EchoNode[nodeCount];
        final Node[] nodes = new Node[nodeCount];
        final long start = System.nanoTime();
        long backPressured = 0;
        boolean delivered = true;
        try
        {
            for (int id = 0; id < nodeCount; id++)
            {
                echoNodes[id] = EchoNodes.definition(id, nodeCount, network.module(id), new InMemoryWalStore());
                nodes[id] = Node.launch(echoNodes[id].definition(),
                    new Node.Context().sharedThread(IdleMode.BLOCKING));
                network.register(id, nodes[id]);
            }
            final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer(256);
            for (int i = 0; i < requests; i++)
            {
                if (i > 0 && i % ROUND == 0)
                {
                    delivered &= awaitAll(echoNodes, i * nodeCount);
                }
                for (int id = 0; id < nodeCount; id++)
                {
                    final byte[] payload = ("node " + id + " says " + i).getBytes(StandardCharsets.UTF_8);
                    final int length = EchoNodes.encodeClientRequest(buffer, 0, 1000 + id, i, payload);
                    final int protocol = nodes[id].moduleId(EchoNodes.PROTOCOL);
                    SubmitResult result;
                    while ((result = nodes[id].submit(protocol, buffer, 0, length)) == SubmitResult.BACK_PRESSURED)
                    {
                        backPressured++;
                        Thread.yield();
                    }
                    if (result != SubmitResult.ACCEPTED)
                    {
                        throw new IllegalStateException("node " + id + " rejected request " + i);
                    }
                }
            }
            delivered &= awaitAll(echoNodes, nodeCount * requests);
        }
        finally
        {
            for (final Node node : nodes)
            {
                if (node != null)
                {
                    node.close();
                }
            }
        }
        final double seconds = (System.nanoTime() - start) / 1e9;
        return report(echoNodes, nodes, requests, seconds, backPressured, delivered, out);
    }

    private static boolean awaitAll(final EchoNodes.EchoNode[] echoNodes, final int count)
        throws InterruptedException
    {
        boolean all = true;
        for (final EchoNodes.EchoNode node : echoNodes)
        {
            all &= node.app().awaitDeliveries(count, 30, TimeUnit.SECONDS);
        }
        return all;
    }

    private static boolean report(
        final EchoNodes.EchoNode[] echoNodes,
        final Node[] nodes,
        final int requests,
        final double seconds,
        final long backPressured,
        final boolean delivered,
        final PrintStream out)
    {
        final int expected = echoNodes.length * requests;
        final String reference = HexFormat.of().formatHex(echoNodes[0].app().requestSetDigest());
        boolean agree = delivered;
        out.printf("%-6s %10s %10s %-66s %s%n", "node", "delivered", "batches", "delivered-set digest (SHA-256)",
            "failures");
        for (int id = 0; id < echoNodes.length; id++)
        {
            final EchoApp app = echoNodes[id].app();
            final String digest = HexFormat.of().formatHex(app.requestSetDigest());
            agree &= app.deliveryCount() == expected && digest.equals(reference) && nodes[id].failure() == null;
            out.printf("%-6d %10d %10d %-66s %s%n", id, app.deliveryCount(), app.batches(), digest,
                nodes[id].failure() == null ? "none" : nodes[id].failure().toString());
        }
        out.printf("%d broadcasts delivered on %d nodes in %.2f s (%.0f deliveries/s per node); " +
            "submit back-pressured %d times%n", expected, echoNodes.length, seconds, expected / seconds,
            backPressured);
        out.println(agree ? "OK: every node delivered every request exactly once; all nodes agree" :
            "FAILED: nodes disagree or missed deliveries");
        return agree;
    }

    private static int parse(final String key, final String[] args, final int index, final int min, final int max)
    {
        if (index >= args.length)
        {
            throw new ConfigurationException(key, "needs a value");
        }
        final int value;
        try
        {
            value = Integer.parseInt(args[index]);
        }
        catch (final NumberFormatException ex)
        {
            throw new ConfigurationException(key, "not a number: " + args[index]);
        }
        if (value < min || value > max)
        {
            throw new ConfigurationException(key, "must be in [" + min + ", " + max + "], was " + value);
        }
        return value;
    }
}
