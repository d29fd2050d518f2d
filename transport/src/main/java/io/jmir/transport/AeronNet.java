package io.jmir.transport;

import io.aeron.Aeron;
import io.aeron.ChannelUriStringBuilder;
import io.aeron.ControlledFragmentAssembler;
import io.aeron.ExclusivePublication;
import io.aeron.Publication;
import io.aeron.Subscription;
import io.aeron.driver.MediaDriver;
import io.aeron.exceptions.AeronException;
import io.aeron.exceptions.RegistrationException;
import io.aeron.logbuffer.ControlledFragmentHandler.Action;
import io.aeron.logbuffer.Header;
import io.jmir.engine.ConfigurationException;
import io.jmir.engine.Emitter;
import org.agrona.CloseHelper;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.ManyToOneConcurrentArrayQueue;

/**
 * The {@code net} module on Aeron UDP. Each node listens on one UDP endpoint and holds one exclusive
 * publication per peer (docs/adr/0020-transport-per-peer-exclusive-publications.md). The messages of
 * {@code SendMessage} events are coalesced per destination peer until the end of the batch
 * ({@link #onEndOfBatch}, or the next duty cycle) into frames of up to {@link TransportContext#batchLength()}
 * bytes, each authenticated with one MAC; frames received on the node's subscription are verified and each
 * message is delivered as {@code MessageReceived} to the module it names. Frames larger than the MTU are
 * fragmented by Aeron and reassembled here.
 * <p>
 * <b>Never blocks.</b> An offer that is back-pressured or in an admin action is retried at most
 * {@link TransportContext#sendRetries()} times at once, then the message is dropped and counted; a peer that is
 * not connected (not up yet, or gone) is dropped and counted at once — traffic flows as soon as it is up. The
 * protocols tolerate loss by retransmission. Receiving stops (without consuming) while the emitter is
 * back-pressured and reads at most {@link TransportContext#fragmentLimit()} fragments per duty cycle.
 * <p>
 * <b>Never trusts the network.</b> Truncated or malformed frames, another cluster's frames, unknown senders,
 * frames for another node, bad MACs, oversized messages and unknown modules are dropped and counted by
 * {@link DropReason}; nothing received can throw.
 * <p>
 * <b>Lifecycle.</b> {@link #launch(TransportContext)} starts the embedded media driver (unless an external one is
 * configured), connects the client, binds the endpoint and creates the publications and the counters;
 * {@link #close()} (also called by {@link #onClose()}) releases all of it and deletes the embedded driver's
 * directory. If the client loses its driver, {@link #doWork} throws so that the engine reports the module failed.
 * <p>
 * <b>Threading:</b> module methods run on the thread of the net module's stage; {@link #counters()} and
 * {@link #isConnected(int)} may be read from any thread while the module is open.
 */
public final class AeronNet extends AbstractNet implements AutoCloseable
{
    private final MediaDriver driver;
    private final Aeron aeron;
    private final String aeronDirectoryName;
    private final boolean embeddedDriver;
    private final int streamId;
    private final int sendRetries;
    private final int fragmentLimit;
    private final String[] channels;
    private final ExclusivePublication[] publications;
    private final long[] pendingRegistrations;
    private final Subscription subscription;
    private final HmacSha256[] macs;
    private final FrameWriter[] batches;
    private final FrameWriter single;
    private final FrameVerifier verifier;
    private final ControlledFragmentAssembler assembler;
    private final ManyToOneConcurrentArrayQueue<Integer> closedSessions = new ManyToOneConcurrentArrayQueue<>(1024);
    private int pendingCount;
    private int pendingBatches;
    private Emitter pollEmitter;
    private boolean closed;

    private AeronNet(
        final TransportContext context, final MediaDriver driver, final Aeron aeron, final NetCounters counters)
    {
        super(context.nodeId(), context.nodeCount(), context.maxMessageSize(), counters, context.errorHandler());
        this.driver = driver;
        this.aeron = aeron;
        this.aeronDirectoryName = context.aeronDirectoryName();
        this.embeddedDriver = context.embeddedDriver();
        this.streamId = context.streamId();
        this.sendRetries = context.sendRetries();
        this.fragmentLimit = context.fragmentLimit();
        final String[] endpoints = context.endpoints();
        macs = new HmacSha256[nodeCount];
        batches = new FrameWriter[nodeCount];
        channels = new String[nodeCount];
        publications = new ExclusivePublication[nodeCount];
        pendingRegistrations = new long[nodeCount];
        for (int peer = 0; peer < nodeCount; peer++)
        {
            if (peer != nodeId)
            {
                macs[peer] = new HmacSha256(context.key(peer));
                if (context.batchLength() > 0)
                {
                    batches[peer] = new FrameWriter(
                        context.clusterId(), nodeId, peer, macs[peer], context.batchLength());
                }
                channels[peer] = new ChannelUriStringBuilder().media("udp").endpoint(endpoints[peer])
                    .mtu(context.mtu()).termLength(context.termLength()).build();
            }
            pendingRegistrations[peer] = Aeron.NULL_VALUE;
        }
        single = new FrameWriter(context.clusterId(), nodeId, nodeId, null,
            FrameCodec.singleMessageFrameLength(maxMessageSize));
        verifier = new FrameVerifier(context.clusterId(), nodeId, macs, maxMessageSize, context.maxFrameLength());
        assembler = new ControlledFragmentAssembler(this::onFragment);
        try
        {
            subscription = aeron.addSubscription("aeron:udp?endpoint=" + endpoints[nodeId], streamId, null,
                image -> closedSessions.offer(image.sessionId()));
        }
        catch (final RegistrationException ex)
        {
            throw new ConfigurationException("endpoints[" + nodeId + "]",
                "cannot receive on " + endpoints[nodeId] + ": " + ex.getMessage());
        }
        for (int peer = 0; peer < nodeCount; peer++)
        {
            if (peer != nodeId)
            {
                publications[peer] = aeron.addExclusivePublication(channels[peer], streamId);
            }
        }
    }

    /**
     * Start the transport of one node.
     *
     * @param context configuration; concluded here.
     * @return the net module, ready to be registered in the node's definition.
     * @throws ConfigurationException naming the setting when the configuration is invalid or the endpoint cannot
     *                                be bound.
     */
    public static AeronNet launch(final TransportContext context)
    {
        context.conclude();
        MediaDriver driver = null;
        Aeron aeron = null;
        NetCounters counters = null;
        try
        {
            if (context.embeddedDriver())
            {
                AeronDirectories.deleteStale(context.dirBase(), context.clusterId(), context.nodeId());
                driver = MediaDriver.launch(driverContext(context));
            }
            final Aeron.Context clientContext = new Aeron.Context()
                .aeronDirectoryName(context.aeronDirectoryName())
                .errorHandler(context.errorHandler())
                .clientName("jmir-net cluster=" + context.clusterId() + " node=" + context.nodeId());
            if (context.clientCustomizer() != null)
            {
                context.clientCustomizer().accept(clientContext);
            }
            aeron = Aeron.connect(clientContext);
            counters = new NetCounters(context.clusterId(), context.nodeId(), context.nodeCount(), aeron::addCounter);
            aeron.addCloseHandler(counters::snapshotAndDetach);
            return new AeronNet(context, driver, aeron, counters);
        }
        catch (final RuntimeException ex)
        {
            if (counters != null)
            {
                counters.snapshotAndDetach();
            }
            CloseHelper.quietCloseAll(aeron, driver);
            if (context.embeddedDriver())
            {
                AeronDirectories.delete(context.aeronDirectoryName());
            }
            throw ex;
        }
    }

    private static MediaDriver.Context driverContext(final TransportContext context)
    {
        final MediaDriver.Context driverContext = new MediaDriver.Context()
            .aeronDirectoryName(context.aeronDirectoryName())
            .dirDeleteOnStart(true)
            .dirDeleteOnShutdown(true)
            .warnIfDirectoryExists(false)
            .threadingMode(context.threadingMode())
            .errorHandler(context.errorHandler())
            .sharedIdleStrategy(context.newIdleStrategy())
            .sharedNetworkIdleStrategy(context.newIdleStrategy())
            .conductorIdleStrategy(context.newIdleStrategy())
            .senderIdleStrategy(context.newIdleStrategy())
            .receiverIdleStrategy(context.newIdleStrategy());
        if (context.driverCustomizer() != null)
        {
            context.driverCustomizer().accept(driverContext);
        }
        return driverContext;
    }

    /**
     * Poll the node's subscription: verify each frame and deliver it, at most the fragment limit per call, and
     * nothing while the emitter is back-pressured. Also completes re-created publications and frees the
     * reassembly buffers of peers' sessions that went away (a peer restarted).
     *
     * @param nowNs   current time (unused).
     * @param emitter to emit {@code MessageReceived} with.
     * @return fragments read plus publications completed.
     * @throws IllegalStateException when the Aeron client has lost its media driver.
     */
    @Override
    public int doWork(final long nowNs, final Emitter emitter)
    {
        if (closed)
        {
            return 0;
        }
        if (aeron.isClosed())
        {
            throw new IllegalStateException("node " + nodeId + ": Aeron client is closed (media driver at " +
                aeronDirectoryName + " stopped or timed out)");
        }
        int work = flushBatches();
        if (pendingCount > 0)
        {
            work += completePendingPublications();
        }
        if (!closedSessions.isEmpty())
        {
            work += closedSessions.drain(sessionId -> assembler.freeSessionBuffer(sessionId));
        }
        if (emitter.isBackPressured())
        {
            return work;
        }
        pollEmitter = emitter;
        try
        {
            work += subscription.controlledPoll(assembler, fragmentLimit);
        }
        finally
        {
            pollEmitter = null;
        }
        return work;
    }

    /**
     * Sends the messages coalesced during the batch: one frame per peer.
     *
     * @param emitter unused.
     */
    @Override
    public void onEndOfBatch(final Emitter emitter)
    {
        flushBatches();
    }

    /**
     * Closes the transport when the node stops.
     */
    @Override
    public void onClose()
    {
        close();
    }

    /**
     * Release the publications, the subscription, the counters (their last values stay readable), the client
     * and the embedded driver, and delete the embedded driver's directory. Idempotent.
     */
    @Override
    public void close()
    {
        if (closed)
        {
            return;
        }
        if (!aeron.isClosed())
        {
            flushBatches();
        }
        closed = true;
        counters.snapshotAndDetach();
        CloseHelper.quietCloseAll(aeron, driver);
        if (embeddedDriver)
        {
            AeronDirectories.delete(aeronDirectoryName);
        }
    }

    /**
     * @param peer node id.
     * @return true when the publication to that peer is connected (the peer is up and acknowledging).
     */
    public boolean isConnected(final int peer)
    {
        final ExclusivePublication publication = peer >= 0 && peer < nodeCount ? publications[peer] : null;
        return !closed && publication != null && publication.isConnected();
    }

    /**
     * @return the Aeron directory of the driver this node uses (for {@code AeronStat}).
     */
    public String aeronDirectoryName()
    {
        return aeronDirectoryName;
    }

    /**
     * @return number of nodes in the cluster.
     */
    public int nodeCount()
    {
        return nodeCount;
    }

    @Override
    protected void sendToPeer(
        final int peer, final int destinationModule, final DirectBuffer buffer, final int offset, final int length)
    {
        final ExclusivePublication publication = publications[peer];
        if (closed || publication == null)
        {
            counters.onDrop(DropReason.SEND_PUBLICATION_CLOSED);
            return;
        }
        if (!publication.isConnected())
        {
            counters.onDrop(DropReason.SEND_NOT_CONNECTED);
            return;
        }
        final FrameWriter batch = batches[peer];
        if (batch != null && FrameCodec.OVERHEAD + length <= batch.capacity())
        {
            if (!batch.fits(length))
            {
                flush(peer, batch);
            }
            if (batch.isEmpty())
            {
                pendingBatches++;
            }
            batch.append(destinationModule, buffer, offset, length);
        }
        else
        {
            if (batch != null)
            {
                flush(peer, batch);
            }
            single.receiver(peer, macs[peer]);
            single.append(destinationModule, buffer, offset, length);
            offer(peer, single);
        }
    }

    private int flushBatches()
    {
        if (pendingBatches == 0)
        {
            return 0;
        }
        int flushed = 0;
        for (int peer = 0; peer < nodeCount; peer++)
        {
            final FrameWriter batch = batches[peer];
            if (batch != null && !batch.isEmpty())
            {
                flush(peer, batch);
                flushed++;
            }
        }
        return flushed;
    }

    private void flush(final int peer, final FrameWriter batch)
    {
        if (!batch.isEmpty())
        {
            pendingBatches--;
            offer(peer, batch);
        }
    }

    private void offer(final int peer, final FrameWriter writer)
    {
        final int messages = writer.count();
        final int frameLength = writer.finish();
        writer.reset();
        final ExclusivePublication publication = publications[peer];
        if (closed || publication == null)
        {
            counters.onDrop(DropReason.SEND_PUBLICATION_CLOSED, messages);
            return;
        }
        int retries = 0;
        while (true)
        {
            final long result = publication.offer(writer.buffer(), 0, frameLength);
            if (result > 0)
            {
                counters.onSent(peer, messages, frameLength);
                return;
            }
            if (result == Publication.NOT_CONNECTED)
            {
                counters.onDrop(DropReason.SEND_NOT_CONNECTED, messages);
                return;
            }
            if (result == Publication.CLOSED || result == Publication.MAX_POSITION_EXCEEDED)
            {
                counters.onDrop(DropReason.SEND_PUBLICATION_CLOSED, messages);
                recreatePublication(peer);
                return;
            }
            if (++retries > sendRetries)
            {
                counters.onDrop(result == Publication.BACK_PRESSURED ?
                    DropReason.SEND_BACK_PRESSURED : DropReason.SEND_ADMIN_ACTION, messages);
                return;
            }
            Thread.onSpinWait();
        }
    }

    private Action onFragment(final DirectBuffer buffer, final int offset, final int length, final Header header)
    {
        final Emitter emitter = pollEmitter;
        if (emitter.isBackPressured())
        {
            return Action.ABORT;
        }
        final DropReason reason = verifier.verify(buffer, offset, length);
        if (reason != null)
        {
            counters.onDrop(reason);
            return Action.CONTINUE;
        }
        final int sender = verifier.senderId();
        final DirectBuffer frame = verifier.buffer();
        final int entryBlockLength = verifier.entryBlockLength();
        int cursor = verifier.firstEntryOffset();
        int delivered = 0;
        for (int i = 0, count = verifier.count(); i < count; i++)
        {
            final int destinationModule = frame.getShort(cursor, FrameCodec.BYTE_ORDER) & 0xFFFF;
            final int messageOffset = cursor + entryBlockLength + FrameCodec.LENGTH_PREFIX;
            final int messageLength = frame.getInt(cursor + entryBlockLength, FrameCodec.BYTE_ORDER);
            if (emitReceived(emitter, destinationModule, sender, frame, messageOffset, messageLength))
            {
                delivered++;
            }
            cursor = messageOffset + messageLength;
        }
        counters.onReceived(sender, delivered, length);
        return Action.CONTINUE;
    }

    private void recreatePublication(final int peer)
    {
        if (pendingRegistrations[peer] != Aeron.NULL_VALUE || aeron.isClosed())
        {
            return;
        }
        final ExclusivePublication old = publications[peer];
        publications[peer] = null;
        CloseHelper.quietClose(old);
        try
        {
            pendingRegistrations[peer] = aeron.asyncAddExclusivePublication(channels[peer], streamId);
            pendingCount++;
        }
        catch (final AeronException ex)
        {
            aeron.context().errorHandler().onError(ex);
        }
    }

    private int completePendingPublications()
    {
        int completed = 0;
        for (int peer = 0; peer < nodeCount; peer++)
        {
            final long registrationId = pendingRegistrations[peer];
            if (registrationId == Aeron.NULL_VALUE)
            {
                continue;
            }
            try
            {
                final ExclusivePublication publication = aeron.getExclusivePublication(registrationId);
                if (publication != null)
                {
                    publications[peer] = publication;
                    pendingRegistrations[peer] = Aeron.NULL_VALUE;
                    pendingCount--;
                    completed++;
                }
            }
            catch (final AeronException ex)
            {
                pendingRegistrations[peer] = Aeron.NULL_VALUE;
                pendingCount--;
                aeron.context().errorHandler().onError(ex);
                recreatePublication(peer);
            }
        }
        return completed;
    }
}
