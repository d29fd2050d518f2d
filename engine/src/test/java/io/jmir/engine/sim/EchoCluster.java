package io.jmir.engine.sim;

import io.jmir.engine.NodeDefinition;

/**
 * Builds simulated nodes running {@link EchoProtocol}: net, optionally a {@link TestTimer} and a
 * {@link MemoryWal}, and the protocol. Keeps the protocol instance of each node's latest start.
 */
final class EchoCluster implements SimNodeFactory
{
    final EchoProtocol[] protocols;
    final int[] starts;
    private final int nodeCount;
    private final boolean withTimer;
    private final boolean withWal;
    private final long retransmitNs;

    EchoCluster(final int nodeCount, final boolean withTimer, final boolean withWal, final long retransmitNs)
    {
        this.nodeCount = nodeCount;
        this.withTimer = withTimer;
        this.withWal = withWal;
        this.retransmitNs = retransmitNs;
        this.protocols = new EchoProtocol[nodeCount];
        this.starts = new int[nodeCount];
    }

    @Override
    public NodeDefinition create(final int nodeId, final SimNodeEnvironment env)
    {
        final NodeDefinition definition = new NodeDefinition(nodeId, nodeCount).module("net", env.net());
        if (withTimer)
        {
            definition.module("timer", new TestTimer());
        }
        if (withWal)
        {
            definition.module("wal", new MemoryWal(env.durable(), "protocol"));
        }
        final EchoProtocol protocol = new EchoProtocol(retransmitNs);
        protocols[nodeId] = protocol;
        starts[nodeId]++;
        return definition.module("protocol", protocol);
    }

    long completed()
    {
        long total = 0;
        for (final EchoProtocol protocol : protocols)
        {
            total += protocol.completed();
        }
        return total;
    }
}
