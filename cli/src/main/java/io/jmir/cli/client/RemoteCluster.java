package io.jmir.cli.client;

import io.aeron.Aeron;
import io.aeron.FragmentAssembler;
import io.aeron.Publication;
import io.aeron.Subscription;
import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;
import io.aeron.logbuffer.Header;
import io.jmir.cli.config.ClusterConfig;
import io.jmir.cli.config.KeyFiles;
import io.jmir.codecs.engine.Scheme;
import io.jmir.examples.client.ClientAuthenticator;
import io.jmir.examples.client.ClusterClient;
import io.jmir.examples.client.Ed25519Authenticator;
import io.jmir.examples.client.HmacAuthenticator;
import io.jmir.examples.client.RequestSender;
import org.agrona.CloseHelper;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Clients of a running cluster, in another process: an embedded Aeron media driver (its own directory under
 * {@code /dev/shm}, deleted on close), one publication to every node's client endpoint, one reply subscription on
 * an ephemeral UDP port of {@code replyHost}, and a receiver thread that checks every reply's MAC and hands it to
 * the {@link ClusterClient} of its client id (which completes a request on f + 1 matching replies). It is the
 * {@link RequestSender} of those clients: {@link #client(int, int)} builds one from the client's key file.
 * Replies that are malformed, for unknown clients, or whose MAC does not verify are counted ({@link #badReplies()})
 * and dropped.
 * <p>
 * <b>Threading:</b> {@link #send} may be called by several client threads at once; the receiver thread calls
 * the clients' {@code onReply}; statistics may be read from any thread.
 */
public final class RemoteCluster implements RequestSender, AutoCloseable
{
    private final int nodeCount;
    private final ClusterConfig config;
    private final MediaDriver driver;
    private final Aeron aeron;
    private final Publication[] publications;
    private final Subscription subscription;
    private final byte[] replyEndpoint;
    private final AtomicReferenceArray<ClusterClient> clients;
    private final AtomicReferenceArray<Mac[]> replyMacs;
    private final AtomicLongArray deliveredSeqNo;
    private final AtomicLongArray repliesByNode;
    private final AtomicLong badReplies = new AtomicLong();
    private final AtomicLong droppedSends = new AtomicLong();
    private final ThreadLocal<ExpandableArrayBuffer> frames =
        ThreadLocal.withInitial(() -> new ExpandableArrayBuffer(1024));
    private final byte[] receivedMac = new byte[ClientFrames.MAC_LENGTH];
    private final byte[] expectedMac = new byte[ClientFrames.MAC_LENGTH];
    private final Thread receiver;
    private volatile boolean running = true;

    /**
     * Start the client side and wait until every node's client endpoint is connected (or the timeout passes:
     * sends to unconnected nodes are dropped and counted, clients retransmit).
     *
     * @param config         the cluster.
     * @param replyHost      address of this machine the nodes can reach (127.0.0.1 on one machine).
     * @param connectTimeout longest wait for the connections, in ms.
     */
    public RemoteCluster(final ClusterConfig config, final String replyHost, final long connectTimeout)
    {
        this.config = config;
        this.nodeCount = config.nodes().size();
        final String directory = ClientDirectories.create(config.aeronDirBase());
        MediaDriver launched = null;
        Aeron connected = null;
        try
        {
            launched = MediaDriver.launch(new MediaDriver.Context().aeronDirectoryName(directory)
                .dirDeleteOnStart(true).dirDeleteOnShutdown(true).threadingMode(ThreadingMode.SHARED)
                .sharedIdleStrategy(new BackoffIdleStrategy()));
            connected = Aeron.connect(new Aeron.Context().aeronDirectoryName(directory).clientName("jmir-client"));
        }
        catch (final RuntimeException ex)
        {
            CloseHelper.quietCloseAll(connected, launched);
            ClientDirectories.delete(directory);
            throw ex;
        }
        driver = launched;
        aeron = connected;
        publications = new Publication[nodeCount];
        for (int node = 0; node < nodeCount; node++)
        {
            publications[node] = aeron.addPublication("aeron:udp?endpoint=" + config.node(node).clientAddress(),
                ClientFrames.STREAM_ID);
        }
        subscription = aeron.addSubscription("aeron:udp?endpoint=" + replyHost + ":0", ClientFrames.STREAM_ID);
        replyEndpoint = ClientFrames.endpointBytes(resolvedEndpoint(replyHost));
        clients = new AtomicReferenceArray<>(config.clientCount());
        replyMacs = new AtomicReferenceArray<>(config.clientCount());
        deliveredSeqNo = new AtomicLongArray(nodeCount);
        repliesByNode = new AtomicLongArray(nodeCount);
        for (int node = 0; node < nodeCount; node++)
        {
            deliveredSeqNo.set(node, -1);
        }
        receiver = new Thread(this::receive, "jmir-client-replies");
        receiver.setDaemon(true);
        receiver.start();
        awaitConnected(connectTimeout);
    }

    private String resolvedEndpoint(final String replyHost)
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true)
        {
            final List<String> addresses = subscription.localSocketAddresses();
            if (!addresses.isEmpty())
            {
                final String bound = addresses.get(0);
                return replyHost + bound.substring(bound.lastIndexOf(':'));
            }
            if (System.nanoTime() > deadline)
            {
                throw new IllegalStateException("reply subscription on " + replyHost + " did not bind");
            }
            java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
        }
    }

    private void awaitConnected(final long timeoutMs)
    {
        final long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        for (final Publication publication : publications)
        {
            while (!publication.isConnected() && System.nanoTime() < deadline)
            {
                java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
            }
        }
    }

    /**
     * Create and register a client with its keys from the key directory.
     *
     * @param clientId    client id.
     * @param maxInFlight most outstanding requests (at most half the cluster's watermark window).
     * @return the client.
     */
    public ClusterClient client(final int clientId, final int maxInFlight)
    {
        final KeyFiles.ClientKeys keys = KeyFiles.clientKeys(config, clientId);
        final ClientAuthenticator authenticator = config.clientAuth() == Scheme.ED25519 ?
            new Ed25519Authenticator(keys.privateKey(), keys.publicKey()) : new HmacAuthenticator(keys.macKeys());
        final Mac[] macs = new Mac[nodeCount];
        try
        {
            for (int node = 0; node < nodeCount; node++)
            {
                macs[node] = Mac.getInstance("HmacSHA256");
                macs[node].init(new SecretKeySpec(keys.macKeys()[node], "HmacSHA256"));
            }
        }
        catch (final GeneralSecurityException ex)
        {
            throw new IllegalStateException("HmacSHA256 unavailable", ex);
        }
        final ClusterClient client = new ClusterClient(clientId, nodeCount, config.f(), authenticator, this,
            maxInFlight);
        replyMacs.set(clientId, macs);
        clients.set(clientId, client);
        return client;
    }

    @Override
    public boolean send(final int nodeId, final DirectBuffer buffer, final int offset, final int length)
    {
        final ExpandableArrayBuffer frame = frames.get();
        final int messageOffset = ClientFrames.writeRequestPrefix(frame, replyEndpoint);
        frame.putBytes(messageOffset, buffer, offset, length);
        final long result = publications[nodeId].offer(frame, 0, messageOffset + length);
        if (result > 0)
        {
            return true;
        }
        droppedSends.incrementAndGet();
        return false;
    }

    private void receive()
    {
        final FragmentAssembler assembler = new FragmentAssembler(this::onReply);
        final IdleStrategy idle = new BackoffIdleStrategy(100, 10, TimeUnit.MICROSECONDS.toNanos(1),
            TimeUnit.MICROSECONDS.toNanos(200));
        while (running)
        {
            try
            {
                idle.idle(subscription.poll(assembler, 256));
            }
            catch (final RuntimeException ex)
            {
                if (running)
                {
                    badReplies.incrementAndGet();
                }
            }
        }
    }

    private void onReply(final DirectBuffer buffer, final int offset, final int length, final Header header)
    {
        final int resultLength = ClientFrames.replyResultLength(buffer, offset, length);
        final int nodeId = resultLength < 0 ? -1 : buffer.getInt(offset + 4, java.nio.ByteOrder.LITTLE_ENDIAN);
        final long clientId = resultLength < 0 ? -1 : buffer.getLong(offset + 8, java.nio.ByteOrder.LITTLE_ENDIAN);
        if (nodeId < 0 || nodeId >= nodeCount || clientId < 0 || clientId >= clients.length() ||
            clients.get((int)clientId) == null)
        {
            badReplies.incrementAndGet();
            return;
        }
        final Mac mac = replyMacs.get((int)clientId)[nodeId];
        final int macOffset = ClientFrames.REPLY_HEADER_LENGTH + resultLength;
        final byte[] bytes = new byte[macOffset];
        buffer.getBytes(offset, bytes);
        mac.update(bytes);
        try
        {
            mac.doFinal(expectedMac, 0);
        }
        catch (final javax.crypto.ShortBufferException ex)
        {
            throw new IllegalStateException(ex);
        }
        buffer.getBytes(offset + macOffset, receivedMac);
        if (!MessageDigest.isEqual(expectedMac, receivedMac))
        {
            badReplies.incrementAndGet();
            return;
        }
        final long requestNo = buffer.getLong(offset + 16, java.nio.ByteOrder.LITTLE_ENDIAN);
        final long seqNo = buffer.getLong(offset + 24, java.nio.ByteOrder.LITTLE_ENDIAN);
        repliesByNode.incrementAndGet(nodeId);
        deliveredSeqNo.accumulateAndGet(nodeId, seqNo, Math::max);
        clients.get((int)clientId).onReply(nodeId, requestNo, buffer, offset + ClientFrames.REPLY_HEADER_LENGTH,
            resultLength);
    }

    /**
     * @param nodeId a node.
     * @return highest sequence number of a batch that node replied from (-1 before the first reply).
     */
    public long deliveredSeqNo(final int nodeId)
    {
        return deliveredSeqNo.get(nodeId);
    }

    /**
     * @param nodeId a node.
     * @return replies received from that node.
     */
    public long replies(final int nodeId)
    {
        return repliesByNode.get(nodeId);
    }

    /**
     * @param nodeId a node.
     * @return true when the publication to that node's client endpoint is connected.
     */
    public boolean isConnected(final int nodeId)
    {
        return publications[nodeId].isConnected();
    }

    /**
     * @return replies dropped as malformed, unknown or badly authenticated.
     */
    public long badReplies()
    {
        return badReplies.get();
    }

    /**
     * @return sends dropped (node not connected or back-pressured); the clients retransmit.
     */
    public long droppedSends()
    {
        return droppedSends.get();
    }

    /**
     * @return the nodes.
     */
    public int nodeCount()
    {
        return nodeCount;
    }

    /**
     * Stop the receiver, close the publications, the client and the driver, delete the driver's directory.
     */
    @Override
    public void close()
    {
        running = false;
        try
        {
            receiver.join(TimeUnit.SECONDS.toMillis(5));
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
        CloseHelper.quietCloseAll(aeron, driver);
        ClientDirectories.delete(driver.aeronDirectoryName());
    }
}
