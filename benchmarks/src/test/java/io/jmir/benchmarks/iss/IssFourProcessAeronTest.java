package io.jmir.benchmarks.iss;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * ISS + the replicated KV store in 4 OS processes ({@link IssNodeProcess}) over Aeron UDP on 127.0.0.1, each with
 * its Chronicle WAL and event log on disk. Checks: every node ordered every request; the nodes delivered the same
 * batches at the same sequence numbers, every request exactly once; the nodes' answers agree and every request has
 * at least f+1 of them (a node that caught up by state transfer does not answer what its checkpoint covered); the
 * final KV state is identical on all nodes; the WAL and event log directories hold journal files.
 * Processes are ended by their handles only; Aeron directories live under the test's temporary directory.
 */
class IssFourProcessAeronTest
{
    private static final int NODES = 4;
    private static final int CLIENTS = 3;
    private static final int REQUESTS = 40;

    @ParameterizedTest
    @ValueSource(strings = {"HMAC_SHA256", "ED25519"})
    @Timeout(180)
    void shouldReplicateTheKvStoreOnFourProcessesOverAeronWithJournalsOnDisk(final String scheme,
        @TempDir final Path data) throws Exception
    {
        final int basePort = 21000 + (int)(ProcessHandle.current().pid() % 450) * 8 + (scheme.startsWith("E") ? 4 : 0);
        final List<Process> processes = new ArrayList<>();
        try
        {
            for (int i = 0; i < NODES; i++)
            {
                processes.add(start(i, basePort, data, scheme));
            }
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            for (int i = 0; i < NODES; i++)
            {
                final Path result = data.resolve("node-" + i).resolve("result.txt");
                while (!Files.exists(result))
                {
                    for (int p = 0; p < NODES; p++)
                    {
                        assertThat(processes.get(p).isAlive()).as("node process " + p + " alive; log:\n" +
                            log(data, p)).isTrue();
                    }
                    assertThat(System.nanoTime()).as("node " + i + " finished in time; log:\n" + log(data, i))
                        .isLessThan(deadline);
                    processes.get(i).waitFor(100, TimeUnit.MILLISECONDS);
                }
            }
            Files.createFile(data.resolve("stop"));
            for (int i = 0; i < NODES; i++)
            {
                assertThat(processes.get(i).waitFor(30, TimeUnit.SECONDS)).as("node " + i + " exits").isTrue();
                assertThat(processes.get(i).exitValue()).as("node " + i + " exit code; log:\n" + log(data, i))
                    .isZero();
            }
        }
        finally
        {
            for (final Process process : processes)
            {
                if (process.isAlive())
                {
                    process.destroyForcibly();
                    process.waitFor(10, TimeUnit.SECONDS);
                }
            }
        }

        final List<List<String>> outputs = new ArrayList<>();
        for (int i = 0; i < NODES; i++)
        {
            outputs.add(Files.readAllLines(data.resolve("node-" + i).resolve("result.txt")));
        }
        // A node that fell behind may take a checkpoint (state transfer) instead of applying some batches, so
        // the batch logs are compared where they overlap: the same batch at every sequence number two nodes
        // applied, and every request exactly once over the union of the logs.
        final java.util.TreeMap<Long, String> union = new java.util.TreeMap<>();
        for (int i = 0; i < NODES; i++)
        {
            for (final String batch : lines(outputs.get(i), "batch "))
            {
                final long seqNo = Long.parseLong(batch.substring("batch ".length(), batch.indexOf(':')));
                final String previous = union.putIfAbsent(seqNo, batch);
                assertThat(previous == null ? batch : previous).as("node " + i + " batch at " + seqNo)
                    .isEqualTo(batch);
            }
        }
        final Set<String> delivered = new HashSet<>();
        for (final String batch : union.values())
        {
            for (final String id : batch.substring(batch.indexOf(':') + 1).split(","))
            {
                if (!id.isEmpty())
                {
                    assertThat(delivered.add(id)).as("request " + id + " delivered once").isTrue();
                }
            }
        }
        assertThat(delivered).hasSize(CLIENTS * REQUESTS);
        // Results: a node answers the requests it executed itself (not those covered by a checkpoint it installed);
        // the answers of all nodes agree, and every request has at least f + 1 = 2 matching answers.
        final java.util.Map<String, String> answers = new java.util.HashMap<>();
        final java.util.Map<String, Integer> answerCount = new java.util.HashMap<>();
        for (int i = 0; i < NODES; i++)
        {
            assertThat(lines(outputs.get(i), "snapshot ")).as("node " + i + " KV state")
                .isEqualTo(lines(outputs.get(0), "snapshot "));
            for (final String line : lines(outputs.get(i), "result "))
            {
                final String[] parts = line.split(" ");
                final String previous = answers.putIfAbsent(parts[1], parts[2]);
                assertThat(previous == null ? parts[2] : previous).as("node " + i + " result of " + parts[1])
                    .isEqualTo(parts[2]);
                answerCount.merge(parts[1], 1, Integer::sum);
            }
        }
        assertThat(answers).hasSize(CLIENTS * REQUESTS);
        assertThat(answerCount.values()).as("answers per request").allSatisfy(count ->
            assertThat(count).isGreaterThanOrEqualTo(2));
        for (int i = 0; i < NODES; i++)
        {
            assertThat(filesUnder(data.resolve("node-" + i).resolve("wal"))).as("WAL files of node " + i).isPositive();
            assertThat(filesUnder(data.resolve("node-" + i).resolve("events"))).as("event log of node " + i)
                .isPositive();
        }
    }

    private static Process start(final int nodeId, final int basePort, final Path data, final String scheme)
        throws Exception
    {
        final List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(List.of("--add-opens=java.base/java.lang=ALL-UNNAMED",
            "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED", "--add-exports=java.base/sun.nio.ch=ALL-UNNAMED",
            "--add-exports=java.base/jdk.internal.ref=ALL-UNNAMED",
            "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED",
            "--add-exports=jdk.compiler/com.sun.tools.javac.file=ALL-UNNAMED",
            "-Dchronicle.announcer.disable=true", "-Dchronicle.analytics.disable=true", "-Xmx256m",
            "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
            IssNodeProcess.class.getName(), String.valueOf(nodeId), String.valueOf(NODES), String.valueOf(basePort),
            data.toString(), String.valueOf(CLIENTS), String.valueOf(REQUESTS), scheme, "110"));
        Files.createDirectories(data.resolve("node-" + nodeId));
        return new ProcessBuilder(command).redirectErrorStream(true)
            .redirectOutput(data.resolve("node-" + nodeId + ".log").toFile()).directory(data.toFile()).start();
    }

    private static String log(final Path data, final int nodeId)
    {
        try
        {
            final List<String> lines = Files.readAllLines(data.resolve("node-" + nodeId + ".log"));
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        }
        catch (final Exception ex)
        {
            return "(no log: " + ex + ")";
        }
    }

    private static List<String> lines(final List<String> output, final String prefix)
    {
        return output.stream().filter(l -> l.startsWith(prefix)).toList();
    }

    private static long filesUnder(final Path directory) throws Exception
    {
        if (!Files.isDirectory(directory))
        {
            return 0;
        }
        try (Stream<Path> files = Files.walk(directory))
        {
            return files.map(Path::toFile).filter(File::isFile).filter(f -> f.length() > 0).count();
        }
    }
}
