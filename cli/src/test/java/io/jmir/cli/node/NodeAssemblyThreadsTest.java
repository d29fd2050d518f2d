package io.jmir.cli.node;

import io.jmir.cli.CliRun;
import io.jmir.cli.client.RemoteCluster;
import io.jmir.cli.config.ClusterConfig;
import io.jmir.cli.config.KeyFiles;
import io.jmir.engine.IdleMode;
import io.jmir.examples.kv.KvCommands;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/** The config's runtime section decides the nodes' stage threads; the nodes work with it (Ed25519 clients). */
class NodeAssemblyThreadsTest
{
    @Test
    @Timeout(120)
    void shouldRunTheConfiguredStageThreadsAndServeSigningClients(@TempDir final Path dir) throws Exception
    {
        KeyFiles.generate(dir.resolve("keys"), 4, 1, new SecureRandom());
        final ClusterConfig config = ClusterConfig.local(4, CliRun.basePort(5), dir).baseDirectory(dir)
            .clientCount(1).clientAuth(io.jmir.codecs.engine.Scheme.ED25519)
            .thread(new ClusterConfig.ThreadSpec("io", IdleMode.SLEEPING, -1, List.of("net", "clientnet")))
            .thread(new ClusterConfig.ThreadSpec("order", IdleMode.BLOCKING, -1, List.of("iss", "wal")));
        final List<NodeAssembly> nodes = new ArrayList<>();
        try
        {
            for (int id = 0; id < 4; id++)
            {
                nodes.add(NodeAssembly.create(config, id));
            }
            nodes.forEach(NodeAssembly::start);
            final Set<String> threads = Thread.getAllStackTraces().keySet().stream().map(Thread::getName)
                .filter(name -> name.startsWith("jmir-node2-")).collect(Collectors.toSet());
            assertThat(threads).contains("jmir-node2-io", "jmir-node2-order").hasSize(3);
            try (RemoteCluster cluster = new RemoteCluster(config, "127.0.0.1", 10_000))
            {
                final byte[] result = cluster.client(0, 4).submit(KvCommands.put("k", new byte[] {7}))
                    .get(60, TimeUnit.SECONDS);
                assertThat(KvCommands.status(result)).isEqualTo(KvCommands.OK);
            }
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (nodes.stream().anyMatch(node -> node.kv().applied() < 1) && System.nanoTime() < deadline)
            {
                java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
            }
        }
        finally
        {
            nodes.forEach(NodeAssembly::close);
        }
        assertThat(nodes).allSatisfy(node -> assertThat(node.kv().applied()).isEqualTo(1));
    }
}
