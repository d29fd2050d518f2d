package io.jmir.cli.example;

import io.jmir.cli.client.RemoteCluster;
import io.jmir.cli.config.ClusterConfig;
import io.jmir.cli.config.KeyFiles;
import io.jmir.cli.node.NodeAssembly;
import io.jmir.examples.client.ClusterClient;
import io.jmir.examples.kv.KvCommands;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Embedding jmir (the README's example, compiled and run by EmbeddedKvClusterTest so it cannot rot): four ISS
 * nodes with the replicated KV store in this JVM, each with its Aeron UDP transport, WAL and event log, and a
 * client that reaches them over UDP.
 */
public final class EmbeddedKvCluster
{
    private EmbeddedKvCluster()
    {
    }

    public static void main(final String[] args) throws Exception
    {
        final Path dir = Files.createTempDirectory("jmir-embedded");
        System.out.println(new String(run(dir, 27000), StandardCharsets.UTF_8));
    }

    /** Runs the cluster, writes and reads a key, returns the value read; nodes' digests end up in digests. */
    public static byte[] run(final Path dir, final int basePort) throws Exception
    {
        // keys: cluster secret (nodes only), node key pairs, client keys (Ed25519 pair + HMAC key per node)
        KeyFiles.generate(dir.resolve("keys"), 4, 1, new SecureRandom());
        // 4 nodes on 127.0.0.1: peer ports basePort.., client ports basePort+100.., data under dir/node-N
        final ClusterConfig config = ClusterConfig.local(4, basePort, dir).baseDirectory(dir).clientCount(1);
        final List<NodeAssembly> nodes = new ArrayList<>();
        try
        {
            for (int id = 0; id < 4; id++)
            {
                nodes.add(NodeAssembly.create(config, id));     // transport, WAL, event log, ISS, KV store
            }
            for (final NodeAssembly node : nodes)
            {
                node.start();                                   // waits for the peers, then runs the pipeline
            }
            try (RemoteCluster cluster = new RemoteCluster(config, "127.0.0.1", 10_000))
            {
                final ClusterClient client = cluster.client(0, 8);   // done on f + 1 matching replies
                client.submit(KvCommands.put("greeting", "hello".getBytes(StandardCharsets.UTF_8)))
                    .get(60, TimeUnit.SECONDS);
                final byte[] result = client.submit(KvCommands.get("greeting")).get(60, TimeUnit.SECONDS);
                return KvCommands.value(result);
            }
        }
        finally
        {
            for (final NodeAssembly node : nodes)
            {
                System.out.println(node.status());
                node.close();                                   // stops the node, deletes its Aeron directory
            }
        }
    }
}
