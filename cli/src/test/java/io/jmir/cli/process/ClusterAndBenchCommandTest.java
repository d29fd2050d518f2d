package io.jmir.cli.process;

import io.jmir.cli.CliRun;
import io.jmir.cli.client.RemoteCluster;
import io.jmir.cli.config.ClusterConfig;
import io.jmir.cli.config.ConfigLoader;
import io.jmir.cli.node.NodeStatus;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code jmir cluster} starts 4 {@code jmir node} processes from the config and keys it writes; {@code jmir bench
 * --config} loads them over the client endpoints (closed loop) and writes its .hgrm and PNG; malformed client frames
 * are counted and dropped by the node; at the end the nodes agree on the state and nothing is left behind.
 */
class ClusterAndBenchCommandTest
{
    @Test
    @Timeout(180)
    void shouldRunNodesFromTheWrittenConfigAndBenchThemOverTheClientEndpoints(
        @TempDir(cleanup = CleanupMode.ON_SUCCESS) final Path dir) throws Exception
    {
        final Path clusterDir = dir.resolve("cluster");
        final CompletableFuture<CliRun.Result> cluster = CompletableFuture.supplyAsync(() -> CliRun.jmir("cluster",
            "--nodes", "4", "--dir", clusterDir.toString(), "--base-port", String.valueOf(CliRun.basePort(1)),
            "--duration", "35", "--clients", "4"));
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!allStatuses(clusterDir) && !cluster.isDone())
        {
            assertThat(System.nanoTime()).as("nodes report status").isLessThan(deadline);
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
        }
        assertThat(cluster.isDone()).as(() -> "cluster exited early: " + cluster.join()).isFalse();

        final ClusterConfig config = ConfigLoader.load(clusterDir.resolve("cluster.yaml"));
        try (RemoteCluster client = new RemoteCluster(config, "127.0.0.1", 10_000))
        {
            final UnsafeBuffer junk = new UnsafeBuffer(new byte[40]);
            junk.putInt(0, 0x12345678);
            assertThat(client.send(0, junk, 0, 40)).isTrue();
            // The client stays open until the node counted the frame: closing it (and its media driver) at once
            // could discard the frame before the driver sent it (seen under load 34).
            final long malformedDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (NodeStatus.read(clusterDir.resolve("node-0")).malformedClientFrames() == 0)
            {
                assertThat(System.nanoTime()).as("node 0 counts the malformed frame").isLessThan(malformedDeadline);
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
            }
        }

        final CliRun.Result bench = CliRun.jmir("bench", "--config", clusterDir.resolve("cluster.yaml").toString(),
            "--clients", "2", "--first-client", "1", "--duration", "4", "--warmup", "1", "--out",
            dir.resolve("results/run").toString());
        System.out.println(bench.out());
        assertThat(bench.code()).as(bench.out() + bench.err()).isZero();
        assertThat(bench.out()).contains("bench: cluster answered every client after")
            .containsPattern("bench: [1-9][0-9]* requests in 4 s").contains("closed loop");
        assertThat(dir.resolve("results/run.hgrm")).isNotEmptyFile();
        assertThat(Files.readString(dir.resolve("results/run.hgrm"))).contains("Value     Percentile");
        assertThat(dir.resolve("results/run.png")).isNotEmptyFile();

        final CliRun.Result result = cluster.get(120, TimeUnit.SECONDS);
        assertThat(result.code()).as(result.out() + result.err()).isZero();
        final List<Long> pids = new ArrayList<>(List.of(ProcessHandle.current().pid()));
        final Matcher matcher = Pattern.compile("node \\d: pid (\\d+)").matcher(result.out());
        while (matcher.find())
        {
            pids.add(Long.parseLong(matcher.group(1)));
        }
        assertThat(pids).hasSize(5);
        final List<NodeStatus> statuses = new ArrayList<>();
        for (int i = 0; i < 4; i++)
        {
            statuses.add(NodeStatus.read(clusterDir.resolve("node-" + i)));
            assertThat(ProcessHandle.of(pids.get(i + 1)).map(ProcessHandle::isAlive).orElse(false)).isFalse();
        }
        assertThat(statuses).allSatisfy(s ->
        {
            assertThat(s.applied()).isPositive();
            assertThat(s.digest()).isEqualTo(statuses.get(0).digest());
        });
        assertThat(result.out()).contains("node 3: seqNo");
        assertThat(CliRun.shmLeftovers(pids)).isEmpty();
    }

    private static boolean allStatuses(final Path clusterDir)
    {
        for (int i = 0; i < 4; i++)
        {
            if (NodeStatus.read(clusterDir.resolve("node-" + i)) == null)
            {
                return false;
            }
        }
        return true;
    }
}
