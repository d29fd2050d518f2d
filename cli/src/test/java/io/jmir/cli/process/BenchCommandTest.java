package io.jmir.cli.process;

import io.jmir.cli.CliRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code jmir bench} starting its own 4-process cluster, at a fixed rate; results files and clean-up. */
class BenchCommandTest
{
    @Test
    @Timeout(150)
    void shouldStartAClusterLoadItAtAFixedRateAndWriteHistogramAndPlot(
        @TempDir(cleanup = CleanupMode.ON_SUCCESS) final Path dir) throws Exception
    {
        final CliRun.Result bench = CliRun.jmir("bench", "--nodes", "4", "--dir", dir.resolve("c").toString(),
            "--base-port", String.valueOf(CliRun.basePort(2)), "--rate", "100", "--clients", "2", "--size", "32",
            "--duration", "4s", "--warmup", "1s", "--out", dir.resolve("r/fixed").toString());
        assertThat(bench.code()).as(bench.out() + bench.err()).isZero();
        assertThat(bench.out()).contains("started 4 node processes").contains("fixed rate 100/s")
            .containsPattern("bench: [1-9][0-9]* requests in 4 s");
        assertThat(Files.readString(dir.resolve("r/fixed.hgrm"))).contains("#[Mean");
        assertThat(dir.resolve("r/fixed.png")).isNotEmptyFile();
        final List<Long> pids = new java.util.ArrayList<>(List.of(ProcessHandle.current().pid()));
        for (int i = 0; i < 4; i++)
        {
            final long pid = io.jmir.cli.node.NodeStatus.read(dir.resolve("c/node-" + i)).pid();
            assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
            pids.add(pid);
        }
        assertThat(CliRun.shmLeftovers(pids)).isEmpty();
    }
}
