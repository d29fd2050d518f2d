package io.jmir.protocols.testkit;

import io.jmir.engine.IdleMode;
import io.jmir.engine.Module;
import io.jmir.engine.Node;
import io.jmir.engine.net.LocalNetwork;
import io.jmir.protocols.app.Application;
import io.jmir.protocols.app.ReplySink;
import io.jmir.protocols.iss.IssConfig;

import java.util.function.IntFunction;

/**
 * n ISS nodes in the pipeline runtime in one JVM, linked by a {@link LocalNetwork}, with the test-kit stand-ins for
 * the standard modules. Each node runs its modules on {@code threadsPerNode} BLOCKING threads (1: all on one
 * shared thread; 2: protocol/app/net on one, crypto/hasher on the other, the rest shared). Slot capacities are
 * sized from the configuration so that the largest batch fits. {@code cryptoWorkers} &gt; 0 verifies client
 * signatures on that many worker threads per node (the crypto module's workers).
 */
public final class PipelineCluster implements AutoCloseable
{
    private final Node[] nodes;
    private final IssNode[] issNodes;
    private final LocalNetwork network;
    private boolean closed;

    public PipelineCluster(final IssConfig config, final TestKeys keys, final IntFunction<Application> apps,
        final ReplySink sink, final int threadsPerNode, final int cryptoWorkers)
    {
        this(config, keys, apps, sink, threadsPerNode, cryptoWorkers, null);
    }

    /**
     * @param nets the "net" module of each node (e.g. the transport's AeronNet), or null for a LocalNetwork.
     */
    public PipelineCluster(final IssConfig config, final TestKeys keys, final IntFunction<Application> apps,
        final ReplySink sink, final int threadsPerNode, final int cryptoWorkers, final IntFunction<Module> nets)
    {
        config.conclude();
        final int n = config.nodeCount();
        network = new LocalNetwork(n);
        nodes = new Node[n];
        issNodes = new IssNode[n];
        final int staged = Math.max(16 * 1024, config.maxRequestBytes() + 1024);
        final int big = Integer.highestOneBit(Math.max(staged, config.maxBatchSize() * (config.maxRequestBytes() +
            80) + 8192) * 2 - 1);
        for (int i = 0; i < n; i++)
        {
            issNodes[i] = new IssNode(i, config, nets == null ? network.module(i) : nets.apply(i), keys,
                apps.apply(i), sink, staged, cryptoWorkers);
            final int ring = big > 64 * 1024 ? 64 : 256;
            final Node.Context context = new Node.Context().ringSize(ring).slotCapacity(big)
                .ringSize("app", ring / 2).ringSize("wal", ring / 2).ringSize("iss", 2 * ring).ringSize("net", 2 * ring)
                .ringSize("timer", 16).slotCapacity("timer", 1024);
            if (threadsPerNode >= 2)
            {
                context.thread("n" + i + "-crypto", IdleMode.BLOCKING, -1, "crypto", "hasher");
            }
            context.sharedThread(IdleMode.BLOCKING);
            nodes[i] = Node.launch(issNodes[i].definition, context);
            network.register(i, nodes[i]);
        }
    }

    public Node[] nodes()
    {
        return nodes.clone();
    }

    public IssNode issNode(final int i)
    {
        return issNodes[i];
    }

    public LocalNetwork network()
    {
        return network;
    }

    @Override
    public void close()
    {
        if (closed)
        {
            return;
        }
        closed = true;
        for (int i = 0; i < nodes.length; i++)
        {
            network.unregister(i);
        }
        for (final Node node : nodes)
        {
            node.close();
        }
    }
}
