package io.jmir.cli.process;

import io.jmir.cli.CliRun;
import io.jmir.cli.node.NodeStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code jmir demo --duration 10s} end to end (4 node processes, Aeron UDP, journals on disk, the built-in client
 * in this JVM): requests delivered, identical state digests on all nodes, no process or /dev/shm directory left,
 * then {@code jmir cat} on node 0's event log.
 */
class DemoEndToEndTest
{
    @Test
    @Timeout(180)
    void shouldRunTheDemoAndLeaveReadableJournalsAndNothingElse(
        @TempDir(cleanup = CleanupMode.ON_SUCCESS) final Path dir) throws Exception
    {
        final CliRun.Result demo = CliRun.jmir("demo", "--duration", "10s", "--dir", dir.toString(), "--base-port",
            String.valueOf(CliRun.basePort(3)));
        assertThat(demo.code()).as(demo.out() + demo.err()).isZero();
        assertThat(demo.out()).contains("[ 10s]").contains("state digests identical on all 4 nodes")
            .contains("./jmir cat " + dir + "/node-0/events").contains("ChronicleReaderMain -d " + dir);
        final Matcher summary = Pattern.compile("summary: (\\d+) requests").matcher(demo.out());
        assertThat(summary.find()).isTrue();
        assertThat(Long.parseLong(summary.group(1))).isPositive();
        final Matcher digests = Pattern.compile("node (\\d): delivered seqNo \\d+, applied (\\d+) requests, state "
            + "digest ([0-9a-f]{64})").matcher(demo.out());
        final List<String> seen = new ArrayList<>();
        while (digests.find())
        {
            assertThat(Long.parseLong(digests.group(2))).isPositive();
            seen.add(digests.group(3));
        }
        assertThat(seen).hasSize(4).containsOnly(seen.get(0));

        final List<Long> pids = new ArrayList<>(List.of(ProcessHandle.current().pid()));
        for (int i = 0; i < 4; i++)
        {
            final long pid = NodeStatus.read(dir.resolve("node-" + i)).pid();
            assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).as("node " + i).isFalse();
            pids.add(pid);
        }
        assertThat(ProcessHandle.current().children().filter(ProcessHandle::isAlive).count()).isZero();
        assertThat(CliRun.shmLeftovers(pids)).isEmpty();

        final CliRun.Result cat = CliRun.jmir("cat", dir.resolve("node-0/events").toString(), "--summary");
        assertThat(cat.code()).as(cat.err()).isZero();
        final Matcher delivered = Pattern.compile("(\\d+)\\s+DeliverBatch").matcher(cat.out());
        assertThat(delivered.find()).as(cat.out()).isTrue();
        assertThat(Long.parseLong(delivered.group(1))).isPositive();
        final CliRun.Result wal = CliRun.jmir("cat", dir.resolve("node-0/wal").toString(), "--json");
        assertThat(wal.code()).as(wal.err()).isZero();
        assertThat(wal.out()).startsWith("{");
    }
}
