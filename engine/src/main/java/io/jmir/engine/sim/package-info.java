/**
 * The deterministic simulation runtime: the modules of every node of a cluster on one thread, a seeded
 * scheduler, virtual time, a simulated network with faults (loss, duplication, reordering latency, partitions,
 * Byzantine {@link io.jmir.engine.sim.MessageMangler manglers}), crash and restart of nodes keeping their
 * {@link io.jmir.engine.sim.DurableState durable state}. The same seed gives the same run, byte for byte.
 * <p>
 * Testing a protocol with it:
 * <pre>{@code
 *   @Test
 *   void shouldAgreeDespiteAPartition()
 *   {
 *       SimulationRunner.run(50, (seed) ->                     // seeds 1..50; -Djmir.sim.seed=N runs one
 *       {
 *           try (Simulation sim = new Simulation(
 *               new Simulation.Context().seed(seed).nodeCount(4).dropProbability(0.05),
 *               (nodeId, env) -> new NodeDefinition(nodeId, 4)
 *                   .module("net", env.net())
 *                   .module("timer", new TimerModule())
 *                   .module("wal", new MyMemoryWal(env.durable()))
 *                   .module("protocol", new MyProtocol())))
 *           {
 *               sim.submit(0, "protocol", request, 0, request.capacity());
 *               sim.partition(new int[] {0, 1});
 *               sim.runUntil(sim.nowNs() + 200_000_000L);
 *               sim.heal();
 *               assertThat(sim.runUntil(() -> allDecided(), 2_000_000_000L)).isTrue();
 *               assertThat(sim.failures()).isEmpty();
 *           }
 *       });
 *   }
 * }</pre>
 * A failing seed is reported with the command that re-runs exactly that test and seed.
 * See {@link io.jmir.engine.sim.Simulation} for the scheduling model.
 */
package io.jmir.engine.sim;
