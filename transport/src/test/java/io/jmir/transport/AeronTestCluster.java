package io.jmir.transport;

import org.agrona.concurrent.SystemNanoClock;

import java.io.File;
import java.time.Duration;
import java.util.function.Consumer;

/**
 * N Aeron net modules in this JVM, each with its embedded driver, a recording emitter and a test module context,
 * on 127.0.0.1 with free ports, a unique cluster id and a unique directory base (deleted on close).
 */
final class AeronTestCluster implements AutoCloseable
{
    static final int MODULE_COUNT = 4;
    static final int MAX_MESSAGE_SIZE = 64 * 1024;
    static final int SLOT_CAPACITY = 128 * 1024;

    final int nodeCount;
    final int clusterId = TestSupport.randomClusterId();
    final byte[] secret = TestSupport.randomSecret();
    final int[] ports;
    final File dirBase = TestSupport.newDirBase();
    final AeronNet[] nets;
    final RecordingEmitter[] emitters;

    AeronTestCluster(final int nodeCount)
    {
        this.nodeCount = nodeCount;
        this.ports = TestSupport.freeUdpPorts(nodeCount);
        nets = new AeronNet[nodeCount];
        emitters = new RecordingEmitter[nodeCount];
    }

    TransportContext context(final int nodeId)
    {
        final TransportContext context = new TransportContext()
            .nodeId(nodeId)
            .clusterId(clusterId)
            .clusterSecret(secret)
            .maxMessageSize(MAX_MESSAGE_SIZE)
            .dirBase(dirBase.getAbsolutePath());
        for (int i = 0; i < nodeCount; i++)
        {
            context.endpoint(i, TestSupport.LOOPBACK + ":" + ports[i]);
        }
        return context;
    }

    AeronNet start(final int nodeId)
    {
        return start(nodeId, context -> {});
    }

    AeronNet start(final int nodeId, final Consumer<TransportContext> customizer)
    {
        final TransportContext context = context(nodeId);
        customizer.accept(context);
        final AeronNet net = AeronNet.launch(context);
        net.onAttach(new TestModuleContext(nodeId, nodeCount, MODULE_COUNT));
        nets[nodeId] = net;
        emitters[nodeId] = new RecordingEmitter(0, MODULE_COUNT, SLOT_CAPACITY);
        return net;
    }

    AeronTestCluster startAll()
    {
        for (int i = 0; i < nodeCount; i++)
        {
            start(i);
        }
        return this;
    }

    void stop(final int nodeId)
    {
        if (nets[nodeId] != null)
        {
            nets[nodeId].close();
            nets[nodeId] = null;
        }
    }

    int pollAll()
    {
        final long nowNs = SystemNanoClock.INSTANCE.nanoTime();
        int work = 0;
        for (int i = 0; i < nodeCount; i++)
        {
            if (nets[i] != null)
            {
                work += nets[i].doWork(nowNs, emitters[i]);
            }
        }
        return work;
    }

    void awaitConnected(final Duration timeout)
    {
        TestSupport.await(timeout, this::pollAll, this::allConnected, () -> "all running nodes connected");
    }

    boolean allConnected()
    {
        for (int i = 0; i < nodeCount; i++)
        {
            for (int j = 0; j < nodeCount; j++)
            {
                if (i != j && nets[i] != null && nets[j] != null && !nets[i].isConnected(j))
                {
                    return false;
                }
            }
        }
        return true;
    }

    void await(final Duration timeout, final java.util.function.BooleanSupplier condition, final String what)
    {
        TestSupport.await(timeout, this::pollAll, condition, () -> what + " " + describe());
    }

    String describe()
    {
        final StringBuilder sb = new StringBuilder();
        for (int i = 0; i < nodeCount; i++)
        {
            if (nets[i] != null)
            {
                sb.append("\n node ").append(i).append(": ").append(nets[i].counters());
            }
        }
        return sb.toString();
    }

    @Override
    public void close()
    {
        for (int i = 0; i < nodeCount; i++)
        {
            stop(i);
        }
        TestSupport.deleteRecursively(dirBase);
    }
}
