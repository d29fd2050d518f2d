package io.jmir.cli.client;

import io.aeron.Aeron;
import io.aeron.FragmentAssembler;
import io.aeron.Publication;
import io.aeron.Subscription;
import io.aeron.exceptions.RegistrationException;
import io.aeron.logbuffer.Header;
import io.jmir.codecs.engine.PrincipalKind;
import io.jmir.engine.ConfigurationException;
import io.jmir.engine.Emitter;
import io.jmir.engine.Event;
import io.jmir.engine.Module;
import io.jmir.engine.ModuleContext;
import io.jmir.engine.modules.crypto.KeyRegistry;
import io.jmir.protocols.app.ReplySink;
import org.agrona.CloseHelper;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.security.GeneralSecurityException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * A node's client endpoint ({@code clientnet} module plus the node's {@link ReplySink}): receives request frames
 * ({@link ClientFrames}) from clients on its own UDP endpoint and hands each well-formed ClientRequest to the
 * {@code clients} module (which checks its authenticator); sends each reply, MAC'd with the client-node key, to the
 * reply endpoint the client named in its latest request frame (one Aeron publication per client, re-created when the
 * client moves, at most once per second; created asynchronously so the stage thread never waits for the driver).
 * <p>
 * <b>Bad input</b> (truncated frames, bad magic, malformed ClientRequests, unknown client ids, oversized payloads)
 * is counted ({@link #malformed()}) and dropped; nothing received can throw. Receiving pauses while the node is
 * back-pressured. Replies to clients with no endpoint yet, or whose publication is back-pressured or not
 * connected, are counted ({@link #repliesDropped()}) and dropped: clients retransmit.
 * <p>
 * <b>Threading:</b> module methods run on the {@code clientnet} stage thread; {@link #onReply} runs on the
 * {@code replies} stage thread (publications are thread safe; the reply encoder and MACs belong to that thread);
 * counters may be read from any thread.
 */
public final class ClientEndpoint implements Module, ReplySink, AutoCloseable
{
    private static final long MOVE_INTERVAL_NS = TimeUnit.SECONDS.toNanos(1);
    private static final int FRAGMENT_LIMIT = 64;

    private final int nodeId;
    private final int clientCount;
    private final int maxPayload;
    private final KeyRegistry keys;
    private final Aeron aeron;
    private final Subscription subscription;
    private final FragmentAssembler assembler;
    private final AtomicReferenceArray<Publication> replyPublications;
    private final String[] replyEndpoints;
    private final long[] movedAtNs;
    private final long[] pendingRegistration;
    private final org.agrona.collections.IntArrayList pendingClients = new org.agrona.collections.IntArrayList();
    private final Mac[] macs;
    private final ExpandableArrayBuffer replyBuffer = new ExpandableArrayBuffer(1024);
    private final AtomicLong received = new AtomicLong();
    private final AtomicLong malformed = new AtomicLong();
    private final AtomicLong ignored = new AtomicLong();
    private final AtomicLong repliesSent = new AtomicLong();
    private final AtomicLong repliesDropped = new AtomicLong();
    private Emitter pollEmitter;
    private int clientsModule = -1;
    private long nowNs;

    /**
     * Bind the endpoint.
     *
     * @param aeronDirectory media driver directory (the node's, see {@code AeronNet#aeronDirectoryName()}).
     * @param endpoint       host:port to receive requests on.
     * @param nodeId         this node.
     * @param clientCount    client ids are below this.
     * @param maxPayload     largest request payload accepted.
     * @param keys           the node's key registry (client-node MAC keys).
     * @throws ConfigurationException naming {@code clientAddress} when the endpoint cannot be bound.
     */
    public ClientEndpoint(final String aeronDirectory, final String endpoint, final int nodeId, final int clientCount,
        final int maxPayload, final KeyRegistry keys)
    {
        this.nodeId = nodeId;
        this.clientCount = clientCount;
        this.maxPayload = maxPayload;
        this.keys = keys;
        this.replyPublications = new AtomicReferenceArray<>(clientCount);
        this.replyEndpoints = new String[clientCount];
        this.movedAtNs = new long[clientCount];
        this.pendingRegistration = new long[clientCount];
        this.macs = new Mac[clientCount];
        this.aeron = Aeron.connect(new Aeron.Context().aeronDirectoryName(aeronDirectory)
            .clientName("jmir-clientnet node=" + nodeId));
        try
        {
            subscription = aeron.addSubscription("aeron:udp?endpoint=" + endpoint, ClientFrames.STREAM_ID);
        }
        catch (final RegistrationException ex)
        {
            CloseHelper.quietClose(aeron);
            throw new ConfigurationException("nodes[" + nodeId + "].clientAddress",
                "cannot receive on " + endpoint + ": " + ex.getMessage());
        }
        assembler = new FragmentAssembler(this::onFragment);
    }

    @Override
    public void onAttach(final ModuleContext context)
    {
        clientsModule = context.moduleId("clients");
    }

    @Override
    public void onEvent(final Event event, final Emitter emitter)
    {
        ignored.incrementAndGet();
    }

    @Override
    public int doWork(final long nowNs, final Emitter emitter)
    {
        if (emitter.isBackPressured())
        {
            return 0;
        }
        this.nowNs = nowNs;
        final int completed = completePendingPublications();
        pollEmitter = emitter;
        try
        {
            return completed + subscription.poll(assembler, FRAGMENT_LIMIT);
        }
        finally
        {
            pollEmitter = null;
        }
    }

    @Override
    public long nextDeadlineNs()
    {
        return 0;
    }

    private void onFragment(final DirectBuffer buffer, final int offset, final int length, final Header header)
    {
        received.incrementAndGet();
        final int messageOffset = ClientFrames.requestMessageOffset(buffer, offset, length);
        if (messageOffset < 0 || !ClientFrames.isWellFormedRequest(buffer, offset + messageOffset,
            length - messageOffset, maxPayload, clientCount))
        {
            malformed.incrementAndGet();
            return;
        }
        final int clientId = (int)ClientFrames.requestClientId(buffer, offset + messageOffset);
        final String current = replyEndpoints[clientId];
        final int endpointLength = messageOffset - ClientFrames.ENDPOINT_OFFSET;
        if (current == null || current.length() != endpointLength || !sameEndpoint(current, buffer, offset))
        {
            move(clientId, ClientFrames.replyEndpoint(buffer, offset));
        }
        pollEmitter.emit(clientsModule, buffer, offset + messageOffset, length - messageOffset);
    }

    private static boolean sameEndpoint(final String current, final DirectBuffer buffer, final int offset)
    {
        for (int i = 0; i < current.length(); i++)
        {
            if (current.charAt(i) != buffer.getByte(offset + ClientFrames.ENDPOINT_OFFSET + i))
            {
                return false;
            }
        }
        return true;
    }

    private void move(final int clientId, final String endpoint)
    {
        if (replyEndpoints[clientId] != null && nowNs - movedAtNs[clientId] < MOVE_INTERVAL_NS)
        {
            return;
        }
        try
        {
            if (pendingRegistration[clientId] != 0)
            {
                aeron.asyncRemovePublication(pendingRegistration[clientId]);
            }
            else
            {
                pendingClients.addInt(clientId);
            }
            pendingRegistration[clientId] = aeron.asyncAddPublication("aeron:udp?endpoint=" + endpoint,
                ClientFrames.STREAM_ID);
        }
        catch (final RuntimeException ex)
        {
            malformed.incrementAndGet();
            return;
        }
        replyEndpoints[clientId] = endpoint;
        movedAtNs[clientId] = nowNs;
    }

    private int completePendingPublications()
    {
        int completed = 0;
        for (int i = pendingClients.size() - 1; i >= 0; i--)
        {
            final int clientId = pendingClients.getInt(i);
            Publication publication = null;
            boolean failed = false;
            try
            {
                publication = aeron.getPublication(pendingRegistration[clientId]);
            }
            catch (final RuntimeException ex)
            {
                failed = true;
                malformed.incrementAndGet();
            }
            if (publication != null || failed)
            {
                pendingRegistration[clientId] = 0;
                pendingClients.fastUnorderedRemove(i);
                if (publication != null)
                {
                    CloseHelper.quietClose(replyPublications.getAndSet(clientId, publication));
                }
                else
                {
                    replyEndpoints[clientId] = null;
                }
                completed++;
            }
        }
        return completed;
    }

    @Override
    public void onReply(final int node, final long clientId, final long requestNo, final long seqNo,
        final DirectBuffer result, final int offset, final int length)
    {
        final Publication publication = clientId >= 0 && clientId < clientCount ?
            replyPublications.get((int)clientId) : null;
        if (publication == null || !publication.isConnected())
        {
            repliesDropped.incrementAndGet();
            return;
        }
        replyBuffer.checkLimit(ClientFrames.REPLY_HEADER_LENGTH + length + ClientFrames.MAC_LENGTH);
        final int frameLength = ClientFrames.writeReply(replyBuffer, nodeId, clientId, requestNo, seqNo, result,
            offset, length, mac((int)clientId));
        final long position = publication.offer(replyBuffer, 0, frameLength);
        if (position > 0)
        {
            repliesSent.incrementAndGet();
        }
        else
        {
            repliesDropped.incrementAndGet();
        }
    }

    private Mac mac(final int clientId)
    {
        Mac mac = macs[clientId];
        if (mac == null)
        {
            try
            {
                mac = Mac.getInstance("HmacSHA256");
                mac.init(new SecretKeySpec(keys.macKey(PrincipalKind.NODE, nodeId, PrincipalKind.CLIENT, clientId),
                    "HmacSHA256"));
            }
            catch (final GeneralSecurityException ex)
            {
                throw new IllegalStateException("HmacSHA256 unavailable", ex);
            }
            macs[clientId] = mac;
        }
        return mac;
    }

    @Override
    public void onClose()
    {
        close();
    }

    /**
     * Release the subscription, the reply publications and the Aeron client. Idempotent.
     */
    @Override
    public void close()
    {
        for (int i = 0; i < clientCount; i++)
        {
            CloseHelper.quietClose(replyPublications.getAndSet(i, null));
        }
        CloseHelper.quietClose(aeron);
    }

    /**
     * @return request frames received.
     */
    public long received()
    {
        return received.get();
    }

    /**
     * @return events sent to this module (Init; it takes none).
     */
    public long ignoredEvents()
    {
        return ignored.get();
    }

    /**
     * @return frames dropped as malformed.
     */
    public long malformed()
    {
        return malformed.get();
    }

    /**
     * @return replies sent.
     */
    public long repliesSent()
    {
        return repliesSent.get();
    }

    /**
     * @return replies dropped (no endpoint, not connected, back-pressured).
     */
    public long repliesDropped()
    {
        return repliesDropped.get();
    }
}
