package io.jmir.cli;

import io.jmir.codecs.EnvelopeLayout;
import io.jmir.engine.NodeDefinition;
import io.jmir.journal.TestJournals;
import io.jmir.journal.eventlog.ChronicleEventLog;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code jmir cat} and {@code jmir replay} on journals written by a real run: three pipeline nodes on an in-JVM
 * network, each with a WAL and an event log.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class JmirCliTest
{
    private static final int NODES = 3;
    private static final int TICKS = 5;

    @TempDir
    static Path data;

    record Result(int code, String out, String err)
    {
        List<String> lines()
        {
            return Arrays.stream(out.split("\n")).filter((l) -> !l.isEmpty()).collect(Collectors.toList());
        }
    }

    @BeforeAll
    static void runCluster() throws Exception
    {
        PipelineCluster.run(data, NODES, TICKS);
    }

    static Result jmir(final String... args)
    {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final ByteArrayOutputStream err = new ByteArrayOutputStream();
        final int code = JmirCli.execute(args, new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private static String events(final int node)
    {
        return data.resolve("node-" + node).resolve("events").toString();
    }

    private static String wal(final int node)
    {
        return data.resolve("node-" + node).resolve("wal").toString();
    }

    @Test
    void shouldPrintTheEventLogWithEverySbeFieldDecoded()
    {
        final Result result = jmir("cat", events(0));
        assertThat(result.code()).as(result.err()).isZero();
        assertThat(result.out())
            .contains("JournalHeader journal=events node=0")
            .contains("modules=net,protocol,wal,sink")
            .contains("protocol<-external Init{nodeId=0, nodeCount=3}")
            .contains("protocol<-external Tick{nowNs=1, tickCount=1}")
            .contains("wal<-protocol WalAppend{retentionIndex=1, entry=Tick{nowNs=1, tickCount=1}} " +
                "next=[net:SendMessage{destinationModule=1, destinations=[{nodeId=1}, {nodeId=2}], " +
                "message=Tick{nowNs=1, tickCount=1}}]")
            .contains("net<-protocol SendMessage{destinationModule=1")
            .contains("protocol<-external MessageReceived{fromNode=1, message=Tick{nowNs=1, tickCount=101}}")
            .contains("sink<-protocol Tick{nowNs=2, tickCount=201}");
        assertThat(result.lines().stream().filter((l) -> l.contains(" wal<-protocol WalAppend"))).hasSize(TICKS);
    }

    @Test
    void shouldPrintTheWalWithDecodedEntries()
    {
        final Result result = jmir("cat", wal(1));
        assertThat(result.code()).as(result.err()).isZero();
        assertThat(result.out()).contains("JournalHeader journal=wal node=1")
            .contains("WalEntry node=1 retentionIndex=3 Tick{nowNs=3, tickCount=103}");
        assertThat(result.lines().stream().filter((l) -> l.contains(" WalEntry "))).hasSize(TICKS);
    }

    @Test
    void shouldFilterByModuleTypeNodeIndexAndTime()
    {
        assertThat(jmir("cat", "--module", "wal", events(0)).lines())
            .isNotEmpty().allMatch((l) -> l.contains(" wal<-"));
        assertThat(jmir("cat", "--exclude-module", "wal", "--exclude-type", "JournalHeader", events(0)).lines())
            .isNotEmpty().noneMatch((l) -> l.contains(" wal<-"));
        assertThat(jmir("cat", "--source", "external", "--type", "MessageReceived", events(2)).lines())
            .hasSize(NODES * TICKS - TICKS).allMatch((l) -> l.contains("protocol<-external MessageReceived"));
        assertThat(jmir("cat", "-x", "Init", "-x", "Tick", "-x", "JournalHeader", events(0)).lines())
            .isNotEmpty().noneMatch((l) -> l.contains(" Init{") || l.contains("<-external Tick"));
        assertThat(jmir("cat", "--node", "1", events(0)).lines()).isEmpty();
        assertThat(jmir("cat", "--node", "0", events(0)).lines()).isNotEmpty();

        final List<String> all = jmir("cat", "-x", "JournalHeader", events(0)).lines();
        final String from = all.get(3).split(" ")[0];
        final String to = all.get(6).split(" ")[0];
        assertThat(jmir("cat", "--from-index", from, "--to-index", to, events(0)).lines())
            .containsExactlyElementsOf(all.subList(3, 7));
        final String fromTime = all.get(2).split(" ")[2].substring(2);
        final String toTime = all.get(5).split(" ")[2].substring(2);
        assertThat(jmir("cat", "--from-time", fromTime, "--to-time", toTime, "-x", "JournalHeader", events(0)).lines())
            .containsAll(all.subList(2, 6)).allMatch((l) -> time(l) >= Long.parseLong(fromTime) &&
                time(l) <= Long.parseLong(toTime));
        assertThat(jmir("cat", "--limit", "2", events(0)).lines()).hasSize(2);
    }

    private static long time(final String line)
    {
        return Long.parseLong(line.split(" ")[2].substring(2));
    }

    @Test
    void shouldWriteJsonLines()
    {
        final Result result = jmir("cat", "--json", "--type", "WalAppend", events(0));
        assertThat(result.code()).isZero();
        assertThat(result.lines()).hasSize(TICKS).allMatch((l) -> l.startsWith("{\"index\":\"0x") && l.endsWith("}"))
            .allMatch((l) -> l.contains("\"event\":\"WalAppend\"") && l.contains("\"module\":\"wal\"") &&
                l.contains("\"envelope\":{\"$type\":\"Envelope\"") &&
                l.contains("\"payload\":{\"$type\":\"WalAppend\",\"retentionIndex\":") &&
                l.contains("\"entry\":{\"$type\":\"Tick\""));
        assertThat(jmir("cat", "--json", wal(0)).lines()).allMatch((l) -> l.startsWith("{") && l.endsWith("}"))
            .anyMatch((l) -> l.contains("\"type\":\"WalEntry\"") && l.contains("\"entry\":{\"$type\":\"Tick\""));
    }

    @Test
    void shouldSummariseCountsPerType()
    {
        final Result result = jmir("cat", "--summary", events(1));
        assertThat(result.code()).isZero();
        assertThat(result.out()).containsPattern("\\s+" + TICKS + "  WalAppend\\n")
            .containsPattern("\\s+" + (NODES - 1) * TICKS + "  MessageReceived\\n")
            .containsPattern("\\s+4  Init\\n")
            .contains("  total");
    }

    @Test
    void shouldExportTheMessagesBetweenNodesAsAnMscgenChart() throws Exception
    {
        final Path chart = data.resolve("chart.msc");
        final Result result = jmir("cat", "--msc", chart.toString(), events(0), events(1), events(2));
        assertThat(result.code()).as(result.err()).isZero();
        assertThat(result.out()).contains("wrote " + NODES * (NODES - 1) * TICKS + " messages");
        final String msc = Files.readString(chart);
        assertThat(msc).startsWith("msc {").contains("n0 [label=\"node 0\"], n1 [label=\"node 1\"], n2")
            .contains("n0 => n1 [label=\"Tick\"];").contains("n2 => n0 [label=\"Tick\"];").endsWith("}\n");
        assertThat(msc.lines().filter((l) -> l.contains("=>"))).hasSize(NODES * (NODES - 1) * TICKS);

        final Path senderOnly = data.resolve("sender.msc");
        assertThat(jmir("cat", "--msc", senderOnly.toString(), events(0)).out())
            .contains("wrote " + 2 * (NODES - 1) * TICKS + " messages");
        assertThat(Files.readString(senderOnly)).contains("n0 => n2 [label=\"Tick\"];")
            .contains("n2 => n0 [label=\"Tick\"];");
    }

    @Test
    void shouldReplayTheProtocolAndReportNoDivergence()
    {
        for (int node = 0; node < NODES; node++)
        {
            final Result result = jmir("replay", events(node), "--module", "protocol", "--module-class",
                PingProtocol.class.getName(), "--arg", "1");
            assertThat(result.code()).as(result.out() + result.err()).isZero();
            assertThat(result.out()).contains("OK: the module reproduced every recorded output")
                .contains((TICKS + (NODES - 1) * TICKS + 1) + " input events")
                .contains((2 * TICKS + (NODES - 1) * TICKS) + " recorded outputs");
        }
    }

    @Test
    void shouldPrintTheFirstDivergenceDecoded()
    {
        final Result result = jmir("replay", events(1), "--module", "protocol", "--module-class",
            PingProtocol.class.getName(), "--arg", "2");
        assertThat(result.code()).isEqualTo(1);
        assertThat(result.out()).contains("DIVERGENCE: session 1: output #0 to 'wal' differs")
            .contains("while processing input seq").contains("Tick{nowNs=1, tickCount=101}")
            .contains("recorded (seq").contains("WalAppend{retentionIndex=1, entry=Tick{nowNs=1, tickCount=101}}")
            .contains("replayed:").contains("WalAppend{retentionIndex=1, entry=Tick{nowNs=1, tickCount=202}}")
            .contains("next=[net:SendMessage{");
    }

    @Test
    void shouldRejectBadUsageWithAClearError()
    {
        final Result missing = jmir("cat", data.resolve("nope").toString());
        assertThat(missing.code()).isEqualTo(2);
        assertThat(missing.err()).contains("no journal at").contains("nope");
        final Result notAModule = jmir("replay", events(0), "--module", "protocol", "--module-class",
            String.class.getName());
        assertThat(notAModule.code()).isEqualTo(2);
        assertThat(notAModule.err()).contains("does not implement io.jmir.engine.Module");
        final Result unknownModule = jmir("replay", events(0), "--module", "nosuch", "--module-class",
            PingProtocol.class.getName());
        assertThat(unknownModule.code()).isEqualTo(2);
        assertThat(unknownModule.err()).contains("module 'nosuch' is not in the event log's node");
        assertThat(jmir("cat", "--follow", events(0), events(1)).code()).isEqualTo(2);
    }

    @Test
    void shouldFollowAJournalThatIsStillWritten(@TempDir final Path tmp) throws Exception
    {
        final Path dir = tmp.resolve("events");
        final NodeDefinition definition = new NodeDefinition(0, 1).module("protocol", (event, emitter) -> { });
        final ChronicleEventLog log = new ChronicleEventLog(dir, definition);
        final UnsafeBuffer payload = new UnsafeBuffer(new byte[64]);
        final UnsafeBuffer envelope = new UnsafeBuffer(new byte[128]);
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final PrintStream print = new PrintStream(out, true, StandardCharsets.UTF_8);
        final Thread follower = new Thread(() -> JmirCli.execute(new String[]{ "cat", "-f", "--poll-ms", "10",
            dir.toString() }, print, print));
        follower.start();
        try
        {
            for (int i = 1; i <= 3; i++)
            {
                final int total = EnvelopeLayout.write(envelope, 0, 0, 0xFFFF, payload, 0,
                    TestJournals.tick(payload, 7000 + i, i));
                log.onDispatch(0, 0, envelope, 0, total, i);
                final String expected = "Tick{nowNs=" + (7000 + i) + ", tickCount=" + i + "}";
                final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
                while (!out.toString(StandardCharsets.UTF_8).contains(expected))
                {
                    assertThat(System.nanoTime()).as("followed output shows %s", expected).isLessThan(deadline);
                    assertThat(follower.isAlive()).isTrue();
                    follower.join(10);
                }
            }
        }
        finally
        {
            follower.interrupt();
            follower.join(10_000);
            log.close();
        }
        assertThat(follower.isAlive()).isFalse();
    }
}
