package io.jmir.cli;

import io.jmir.engine.IdleMode;
import io.jmir.engine.Node;
import io.jmir.engine.NodeDefinition;
import io.jmir.engine.SubmitResult;
import io.jmir.engine.net.LocalNetwork;
import io.jmir.journal.TestJournals;
import io.jmir.journal.TickSink;
import io.jmir.journal.eventlog.ChronicleEventLog;
import io.jmir.journal.wal.ChronicleWal;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Runs a small cluster of pipeline nodes in this JVM (in-JVM network), each with a WAL and an event log under
 * {@code data/node-N/}, and submits Ticks to every node: journals written by a real run for the tool tests.
 */
final class PipelineCluster
{
    private PipelineCluster()
    {
    }

    static void run(final Path data, final int nodeCount, final int ticksPerNode) throws Exception
    {
        final LocalNetwork network = new LocalNetwork(nodeCount);
        final Node[] nodes = new Node[nodeCount];
        final CountDownLatch delivered = new CountDownLatch(nodeCount * ticksPerNode * nodeCount);
        try
        {
            for (int id = 0; id < nodeCount; id++)
            {
                final Path dir = data.resolve("node-" + id);
                final NodeDefinition definition = new NodeDefinition(id, nodeCount)
                    .module("net", network.module(id))
                    .module("protocol", new PingProtocol("1"))
                    .module("wal", new ChronicleWal(new ChronicleWal.Context().directory(dir.resolve("wal"))))
                    .module("sink", new TickSink((v) -> delivered.countDown()));
                definition.interceptor(new ChronicleEventLog(dir.resolve("events"), definition));
                nodes[id] = Node.launch(definition, new Node.Context().sharedThread(IdleMode.BLOCKING));
                network.register(id, nodes[id]);
            }
            final UnsafeBuffer tick = new UnsafeBuffer(new byte[64]);
            for (int i = 1; i <= ticksPerNode; i++)
            {
                for (int id = 0; id < nodeCount; id++)
                {
                    final int length = TestJournals.tick(tick, i, 100L * id + i);
                    while (nodes[id].submit(nodes[id].moduleId("protocol"), tick, 0, length) ==
                        SubmitResult.BACK_PRESSURED)
                    {
                        LockSupport.parkNanos(100_000);
                    }
                }
            }
            if (!delivered.await(30, TimeUnit.SECONDS))
            {
                throw new AssertionError("cluster did not deliver everything: " + delivered.getCount() + " missing");
            }
        }
        finally
        {
            for (int id = 0; id < nodeCount; id++)
            {
                if (nodes[id] != null)
                {
                    network.unregister(id);
                    nodes[id].close();
                }
            }
        }
    }
}
