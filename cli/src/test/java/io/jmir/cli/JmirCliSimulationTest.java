package io.jmir.cli;

import io.jmir.engine.NodeDefinition;
import io.jmir.engine.SubmitResult;
import io.jmir.engine.sim.Simulation;
import io.jmir.journal.TestJournals;
import io.jmir.journal.TickSink;
import io.jmir.journal.eventlog.ChronicleEventLog;
import io.jmir.journal.wal.ChronicleWal;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static io.jmir.cli.JmirCliTest.jmir;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code jmir cat} and {@code jmir replay} on journals written by the simulation runtime (virtual time), with a
 * crash and restart of node 1 in the middle: its WAL is recovered and its event log holds two sessions.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class JmirCliSimulationTest
{
    private static final int NODES = 3;

    @TempDir
    static Path data;

    @BeforeAll
    static void simulate()
    {
        final Simulation.Context context = new Simulation.Context().seed(42).nodeCount(NODES);
        try (Simulation simulation = new Simulation(context, (nodeId, env) ->
        {
            final Path dir = data.resolve("node-" + nodeId);
            final NodeDefinition definition = new NodeDefinition(nodeId, NODES)
                .module("net", env.net())
                .module("protocol", new PingProtocol("1"))
                .module("wal", new ChronicleWal(new ChronicleWal.Context().directory(dir.resolve("wal"))))
                .module("sink", new TickSink((v) -> { }));
            return definition.interceptor(new ChronicleEventLog(dir.resolve("events"), definition));
        }))
        {
            final UnsafeBuffer tick = new UnsafeBuffer(new byte[64]);
            for (int round = 1; round <= 4; round++)
            {
                if (round == 3)
                {
                    assertThat(simulation.crash(1)).isTrue();
                    simulation.restart(1);
                }
                for (int node = 0; node < NODES; node++)
                {
                    final int length = TestJournals.tick(tick, round, 100L * node + round);
                    assertThat(simulation.submit(node, "protocol", tick, 0, length)).isEqualTo(SubmitResult.ACCEPTED);
                }
                assertThat(simulation.runUntil(simulation::isIdle, simulation.nowNs() + 10_000_000_000L)).isTrue();
            }
            assertThat(simulation.failures()).isEmpty();
        }
    }

    private static String events(final int node)
    {
        return data.resolve("node-" + node).resolve("events").toString();
    }

    @Test
    void shouldReplayEveryNodesProtocolIncludingTheRestartedOne()
    {
        for (int node = 0; node < NODES; node++)
        {
            final JmirCliTest.Result result = jmir("replay", events(node), "--module", "protocol",
                "--module-class", PingProtocol.class.getName());
            assertThat(result.code()).as(result.out() + result.err()).isZero();
            assertThat(result.out()).contains(node == 1 ? "2 session(s)" : "1 session(s)").contains("OK");
        }
        final JmirCliTest.Result divergent = jmir("replay", events(1), "--module", "protocol", "--module-class",
            PingProtocol.class.getName(), "--arg", "3");
        assertThat(divergent.code()).isEqualTo(1);
        assertThat(divergent.out()).contains("DIVERGENCE: session 1: output #0 to 'wal' differs")
            .contains("entry=Tick{nowNs=1, tickCount=101}").contains("entry=Tick{nowNs=1, tickCount=303}");
    }

    @Test
    void shouldShowTheRecoveryAfterTheRestartAndVirtualTimestamps()
    {
        final JmirCliTest.Result wal = jmir("cat", "--type", "WalEntryLoaded", events(1));
        assertThat(wal.lines()).hasSize(2).allMatch((l) -> l.contains("protocol<-wal WalEntryLoaded{retentionIndex="));
        assertThat(wal.out()).contains("entry=Tick{nowNs=1, tickCount=101}").contains("entry=Tick{nowNs=2, ");
        final JmirCliTest.Result headers = jmir("cat", "--type", "JournalHeader", events(1));
        assertThat(headers.lines()).hasSize(2).allMatch((l) -> l.contains("sessionStart=true"));
        final JmirCliTest.Result first = jmir("cat", "--limit", "2", "-x", "JournalHeader", events(0));
        assertThat(first.lines().get(0)).matches("0x[0-9a-f]+ #0 t=\\d{1,12} node=0 [a-z]+<-external Init\\{.*");
    }

    @Test
    void shouldChartTheSimulatedMessages() throws Exception
    {
        final Path chart = data.resolve("sim.msc");
        final JmirCliTest.Result result = jmir("cat", "--msc", chart.toString(), events(0), events(1), events(2));
        assertThat(result.code()).isZero();
        final String msc = Files.readString(chart);
        assertThat(msc).contains("n1 => n0 [label=\"Tick\"];").contains("n0 => n2 [label=\"Tick\"];");
        assertThat(msc.lines().filter((l) -> l.contains("=>")).count()).isBetween(16L, 24L);
    }
}
