package io.jmir.benchmarks.transport;

import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;
import io.jmir.codecs.EnvelopeLayout;
import io.jmir.codecs.SchemaRegistry;
import io.jmir.codecs.engine.MessageHeaderEncoder;
import io.jmir.codecs.engine.SendMessageEncoder;
import io.jmir.engine.ConfigurationException;
import io.jmir.engine.Event;
import io.jmir.engine.ModuleContext;
import io.jmir.transport.TransportContext;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.UUID;

/**
 * Helpers shared by the transport benchmarks: free ports, unique directories, SendMessage events and a fixed
 * module context.
 */
final class BenchmarkSupport
{
    static final String LOOPBACK = "127.0.0.1";

    private BenchmarkSupport()
    {
    }

    static int[] freeUdpPorts(final int count)
    {
        final DatagramSocket[] sockets = new DatagramSocket[count];
        final int[] ports = new int[count];
        try
        {
            for (int i = 0; i < count; i++)
            {
                sockets[i] = new DatagramSocket(new InetSocketAddress(InetAddress.getByName(LOOPBACK), 0));
                ports[i] = sockets[i].getLocalPort();
            }
            return ports;
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
        finally
        {
            for (final DatagramSocket socket : sockets)
            {
                if (socket != null)
                {
                    socket.close();
                }
            }
        }
    }

    /**
     * The media driver every transport benchmark runs on, for both the jmir and the raw side: SHARED threading with
     * a backoff idle strategy (2-core friendly, as the net module's default), directory deleted on start and
     * shutdown.
     */
    static MediaDriver launchSharedDriver(final String directory)
    {
        return MediaDriver.launch(new MediaDriver.Context()
            .aeronDirectoryName(directory)
            .threadingMode(ThreadingMode.SHARED)
            .sharedIdleStrategy(new BackoffIdleStrategy())
            .dirDeleteOnStart(true)
            .dirDeleteOnShutdown(true));
    }

    static File uniqueDir(final String prefix)
    {
        final File shm = new File("/dev/shm");
        final File base = shm.isDirectory() ? shm : new File(System.getProperty("java.io.tmpdir"));
        return new File(base, prefix + "-" + UUID.randomUUID());
    }

    /**
     * Encode a SendMessage event (envelope included) for a net module.
     */
    static Event sendMessage(
        final int netModuleId, final int destinationModule, final int destination, final int messageLength)
    {
        final UnsafeBuffer payload = new UnsafeBuffer(new byte[messageLength + 64]);
        final SendMessageEncoder encoder = new SendMessageEncoder();
        encoder.wrapAndApplyHeader(payload, 0, new MessageHeaderEncoder())
            .destinationModule(destinationModule)
            .destinationsCount(1).next().nodeId(destination);
        encoder.putMessage(new UnsafeBuffer(new byte[messageLength]), 0, messageLength);
        final int payloadLength = MessageHeaderEncoder.ENCODED_LENGTH + encoder.encodedLength();
        final UnsafeBuffer envelope = new UnsafeBuffer(new byte[payloadLength + EnvelopeLayout.OVERHEAD]);
        final int length = EnvelopeLayout.write(envelope, 0, netModuleId, 1, payload, 0, payloadLength);
        return new Event().wrap(envelope, 0, length);
    }

    /**
     * A module context of a node with a fixed id, node count and module count.
     */
    static ModuleContext context(final int nodeId, final int nodeCount, final int moduleCount)
    {
        final SchemaRegistry schemas = new SchemaRegistry();
        return new ModuleContext()
        {
            public int nodeId()
            {
                return nodeId;
            }

            public int nodeCount()
            {
                return nodeCount;
            }

            public int selfId()
            {
                return 0;
            }

            public int moduleId(final String name)
            {
                throw new ConfigurationException("modules[" + name + "]", "unknown in benchmark context");
            }

            public boolean hasModule(final String name)
            {
                return false;
            }

            public String moduleName(final int id)
            {
                return "module-" + id;
            }

            public int moduleCount()
            {
                return moduleCount;
            }

            public SchemaRegistry schemas()
            {
                return schemas;
            }
        };
    }

    /**
     * The transport context of one of two benchmark nodes on loopback: cluster 1, both endpoints, 16 KiB messages, an
     * external media driver.
     */
    static TransportContext netContext(final int nodeId, final int[] ports, final byte[] secret, final String dir)
    {
        return new TransportContext()
            .nodeId(nodeId)
            .clusterId(1)
            .clusterSecret(secret)
            .endpoint(0, LOOPBACK + ":" + ports[0])
            .endpoint(1, LOOPBACK + ":" + ports[1])
            .maxMessageSize(16 * 1024)
            .externalDriver(dir);
    }
}
