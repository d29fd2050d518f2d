package io.jmir.engine.sim;

import io.jmir.engine.Module;

/**
 * What the simulation offers a node it starts: its simulated network module, its durable state and which
 * start this is. Handed to {@link SimNodeFactory#create(int, SimNodeEnvironment)}; one instance per start.
 * <p>
 * <b>Threading:</b> the simulation thread only.
 */
public final class SimNodeEnvironment
{
    private final int nodeId;
    private final int nodeCount;
    private final int incarnation;
    private final SimNetModule net;
    private final DurableState durable;

    SimNodeEnvironment(
        final int nodeId,
        final int nodeCount,
        final int incarnation,
        final SimNetModule net,
        final DurableState durable)
    {
        this.nodeId = nodeId;
        this.nodeCount = nodeCount;
        this.incarnation = incarnation;
        this.net = net;
        this.durable = durable;
    }

    /**
     * The simulated network module of this start of the node. Register it under the name {@code "net"}: it
     * takes {@code SendMessage} events and delivers {@code MessageReceived} events to the destination module of
     * each destination node, through the simulated network and its faults ({@link SimNetwork}).
     *
     * @return the module (the same instance for every call during one start).
     */
    public Module net()
    {
        return net;
    }

    /**
     * @return what this node keeps across crashes (the simulated disk); the same instance at every start.
     */
    public DurableState durable()
    {
        return durable;
    }

    /**
     * @return 1 at the first start of the node, incremented at every restart.
     */
    public int incarnation()
    {
        return incarnation;
    }

    /**
     * @return id of the node being built.
     */
    public int nodeId()
    {
        return nodeId;
    }

    /**
     * @return number of nodes in the simulation.
     */
    public int nodeCount()
    {
        return nodeCount;
    }
}
