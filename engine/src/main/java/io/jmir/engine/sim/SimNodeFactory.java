package io.jmir.engine.sim;

import io.jmir.engine.NodeDefinition;

/**
 * Builds the modules of one simulated node. Called at the first start of every node and again at every
 * {@link Simulation#restart(int) restart}: each call must create fresh module instances (a restart loses all
 * in-memory state except what the node kept in {@link SimNodeEnvironment#durable()}).
 * <pre>{@code
 *   (nodeId, env) -> new NodeDefinition(nodeId, 4)
 *       .module("net", env.net())
 *       .module("wal", new MemoryWal(env.durable()))
 *       .module("protocol", new MyProtocol())
 * }</pre>
 * <b>Threading:</b> called on the simulation thread. Must be deterministic: the same arguments give the same
 * node (no clocks, no unseeded randomness), otherwise runs with the same seed differ.
 */
@FunctionalInterface
public interface SimNodeFactory
{
    /**
     * @param nodeId id of the node to build, in [0, nodeCount).
     * @param env    the simulated environment: network module, durable state, incarnation.
     * @return the node's definition; its node id and node count must match the simulation's.
     */
    NodeDefinition create(int nodeId, SimNodeEnvironment env);
}
