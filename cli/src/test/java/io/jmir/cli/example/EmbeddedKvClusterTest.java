package io.jmir.cli.example;

import io.jmir.cli.CliRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

class EmbeddedKvClusterTest
{
    @Test
    @Timeout(120)
    void shouldRunTheReadmeEmbeddingExample(@TempDir final Path dir) throws Exception
    {
        final byte[] value = EmbeddedKvCluster.run(dir, CliRun.basePort(0));
        assertThat(new String(value, StandardCharsets.UTF_8)).isEqualTo("hello");
        for (int i = 0; i < 4; i++)
        {
            try (Stream<Path> files = Files.walk(dir.resolve("node-" + i).resolve("wal")))
            {
                assertThat(files.filter(Files::isRegularFile).count()).as("WAL files of node " + i).isPositive();
            }
            assertThat(dir.resolve("node-" + i).resolve("events")).isDirectory();
        }
        assertThat(CliRun.shmLeftovers(List.of(ProcessHandle.current().pid()))).isEmpty();
    }
}
