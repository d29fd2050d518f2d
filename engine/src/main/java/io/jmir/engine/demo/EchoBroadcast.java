package io.jmir.engine.demo;

import io.jmir.codecs.EngineEvents;
import io.jmir.codecs.EnvelopeLayout;
import io.jmir.codecs.echo.EchoDeliveredDecoder;
import io.jmir.codecs.echo.EchoEchoDecoder;
import io.jmir.codecs.echo.EchoSendDecoder;
import io.jmir.codecs.echo.EchoStartedDecoder;
import io.jmir.codecs.engine.ClientRequestDecoder;
import io.jmir.codecs.engine.HashResultDecoder;
import io.jmir.codecs.engine.MessageReceivedDecoder;
import io.jmir.codecs.engine.WalEntryLoadedDecoder;
import io.jmir.engine.ConfigurationException;
import io.jmir.engine.Emitter;
import io.jmir.engine.Event;
import io.jmir.engine.Module;
import io.jmir.engine.ModuleContext;
import io.jmir.engine.modules.PayloadCursor;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import static io.jmir.codecs.EnvelopeLayout.HEADER_LENGTH;
import static io.jmir.codecs.EnvelopeLayout.LENGTH_PREFIX;

/**
 * The echo broadcast toy protocol (Bracha-style, {@code f = (n - 1) / 3}, quorum {@code 2f + 1}), a small
 * deterministic protocol the engine's own tests run in both runtimes.
 * <ol>
 *   <li>ClientRequest{clientId, requestNo, payload} submitted to a node's protocol: the node takes its next
 *   sequence number {@code seq} and appends EchoStarted to the WAL; after the WAL processed it, SEND(origin,
 *   seq, value) goes to the other nodes (SendMessage to "net", destination module = this module) and to this
 *   node's own protocol (a follow-up EchoSend event).</li>
 *   <li>On the first SEND of an instance, accepted only from its origin, a node asks "hasher" for the value's
 *   digest (an event, never inline) and on the answer sends ECHO(origin, seq, digest) to the other nodes,
 *   counting its own.</li>
 *   <li>Once the value is known and 2f + 1 ECHOs carry its digest, the node delivers exactly once: WalAppend
 *   of EchoDelivered to "wal" with the follow-up DeliverBatch{sequenceNumber = local delivery position from
 *   0, requests = [(clientId, requestNo, payload)]} to "app" — the app sees it only after the WAL.</li>
 * </ol>
 * The value digest is SHA-256 of clientId (8 bytes LE) || requestNo (8 bytes LE) || payload. Echo broadcast
 * orders nothing: nodes (and runtimes) may deliver different broadcasts in different orders; what each node
 * delivers is the same set.
 * <p>
 * <b>Bounded state.</b> Per origin a window of {@code window} instances ({@link EchoInstances}): instances
 * below the window are finished and their messages late (ignored); the window advances past delivered
 * instances, and jumps forward when the origin itself sends a SEND beyond it (undelivered instances left
 * behind are abandoned and counted). ECHOs beyond the window are dropped and counted. Memory is
 * {@code nodeCount * window} instance slots whatever the run length.
 * <p>
 * <b>Recovery.</b> WalEntryLoaded records restore the next sequence number (EchoStarted) and the delivered
 * instances and delivery count (EchoDelivered); each recovered delivery is handed again to the app, which
 * after a restart is a fresh instance. Instances in progress at a crash are not resumed (no retransmission):
 * a restarted node may miss broadcasts that were in flight.
 * <p>
 * <b>Bad input.</b> Messages from unknown nodes, malformed messages, SENDs not sent by their origin and
 * events from the wrong module are counted and dropped; duplicates are counted and ignored.
 * <p>
 * <b>Threading:</b> callbacks on the module's thread. Deterministic: no clock, randomness, threads or I/O.
 * Counters are plain fields: read them there or after the node stopped.
 */
public final class EchoBroadcast implements Module
{
    /** Default instances kept per origin. */
    public static final int DEFAULT_WINDOW = 256;
    /** Sequence numbers stay below this (they share the hash correlation id with the origin). */
    public static final long SEQ_LIMIT = 1L << 48;

    private final int window;
    private final PayloadCursor cursor = new PayloadCursor();
    private final UnsafeBuffer view = new UnsafeBuffer(0, 0);
    private final ClientRequestDecoder clientRequest = new ClientRequestDecoder();
    private final MessageReceivedDecoder messageReceived = new MessageReceivedDecoder();
    private final HashResultDecoder hashResult = new HashResultDecoder();
    private final WalEntryLoadedDecoder walEntryLoaded = new WalEntryLoadedDecoder();
    private final EchoSendDecoder echoSend = new EchoSendDecoder();
    private final EchoEchoDecoder echoEcho = new EchoEchoDecoder();
    private final EchoStartedDecoder echoStarted = new EchoStartedDecoder();
    private final EchoDeliveredDecoder echoDelivered = new EchoDeliveredDecoder();
    private final byte[] digest = new byte[EchoInstances.DIGEST_LENGTH];
    private EchoPublisher publisher;
    private EchoInstances instances;
    private int nodeId;
    private int nodeCount;
    private int quorum;
    private int selfId;
    private int hasherId;
    private int walId;
    private long nextSeq;
    private long deliveryCount;
    private long broadcasts;
    private long recoveredDeliveries;
    private long malformed;
    private long unknownSenders;
    private long duplicates;
    private long late;
    private long outOfWindow;
    private long ignoredEvents;

    /**
     * With the default window.
     */
    public EchoBroadcast()
    {
        this(DEFAULT_WINDOW);
    }

    /**
     * @param window instances kept per origin, a power of two in [1, 65536].
     * @throws ConfigurationException naming {@code echo.window} when invalid.
     */
    public EchoBroadcast(final int window)
    {
        if (window < 1 || window > 65536 || Integer.bitCount(window) != 1)
        {
            throw new ConfigurationException("echo.window", "must be a power of two in [1, 65536], was " + window);
        }
        this.window = window;
    }

    /**
     * Resolve "net", "hasher", "wal" and "app"; size the state for the cluster.
     *
     * @param context of the node.
     */
    @Override
    public void onAttach(final ModuleContext context)
    {
        nodeId = context.nodeId();
        nodeCount = context.nodeCount();
        quorum = 2 * ((nodeCount - 1) / 3) + 1;
        selfId = context.selfId();
        hasherId = context.moduleId("hasher");
        walId = context.moduleId("wal");
        publisher = new EchoPublisher(nodeId, nodeCount, selfId, context.moduleId("net"), hasherId, walId,
            context.moduleId("app"));
        instances = new EchoInstances(nodeCount, window);
    }

    /**
     * {@inheritDoc}
     */
    @Override
    public void onEvent(final Event event, final Emitter emitter)
    {
        if (event.schemaId() == EchoNodes.SCHEMA_ID)
        {
            if (event.templateId() == EchoSendDecoder.TEMPLATE_ID && event.source() == selfId)
            {
                onMessage(nodeId, event.buffer(), event.payloadOffset(), event.payloadLength(), emitter);
            }
            else
            {
                ignoredEvents++;
            }
            return;
        }
        if (event.schemaId() != EnvelopeLayout.ENGINE_SCHEMA_ID)
        {
            ignoredEvents++;
            return;
        }
        switch (event.templateId())
        {
            case EngineEvents.CLIENT_REQUEST:
                onClientRequest(event, emitter);
                break;
            case EngineEvents.MESSAGE_RECEIVED:
                onMessageReceived(event, emitter);
                break;
            case EngineEvents.HASH_RESULT:
                onHashResult(event, emitter);
                break;
            case EngineEvents.WAL_ENTRY_LOADED:
                onWalEntryLoaded(event, emitter);
                break;
            case EngineEvents.INIT:
                break;
            default:
                ignoredEvents++;
                break;
        }
    }

    private void onClientRequest(final Event event, final Emitter emitter)
    {
        if (!cursor.wrap(event, ClientRequestDecoder.BLOCK_LENGTH) || cursor.varData() < 0 || cursor.varData() < 0)
        {
            malformed++;
            return;
        }
        if (nextSeq >= SEQ_LIMIT)
        {
            ignoredEvents++;
            return;
        }
        final ClientRequestDecoder request = event.decode(clientRequest);
        final long clientId = request.clientId();
        final long requestNo = request.requestNo();
        request.wrapPayload(view);
        publisher.startBroadcast(emitter, nextSeq++, clientId, requestNo, view, 0, view.capacity());
        broadcasts++;
    }

    private void onMessageReceived(final Event event, final Emitter emitter)
    {
        if (!cursor.wrap(event, MessageReceivedDecoder.BLOCK_LENGTH))
        {
            malformed++;
            return;
        }
        final int messageOffset = cursor.limit() + LENGTH_PREFIX;
        final int messageLength = cursor.varData();
        if (messageLength < 0)
        {
            malformed++;
            return;
        }
        final int fromNode = event.decode(messageReceived).fromNode();
        if (fromNode < 0 || fromNode >= nodeCount)
        {
            unknownSenders++;
            return;
        }
        onMessage(fromNode, event.buffer(), messageOffset, messageLength, emitter);
    }

    private void onMessage(
        final int fromNode, final DirectBuffer buffer, final int offset, final int length, final Emitter emitter)
    {
        if (length < HEADER_LENGTH || PayloadCursor.schemaId(buffer, offset) != EchoNodes.SCHEMA_ID)
        {
            malformed++;
            return;
        }
        final int templateId = PayloadCursor.templateId(buffer, offset);
        if (templateId == EchoSendDecoder.TEMPLATE_ID &&
            cursor.wrap(buffer, offset, length, EchoNodes.SCHEMA_ID, templateId, EchoSendDecoder.BLOCK_LENGTH) &&
            cursor.varData() >= 0)
        {
            echoSend.wrap(buffer, offset + HEADER_LENGTH, PayloadCursor.blockLength(buffer, offset),
                PayloadCursor.version(buffer, offset));
            onSend(fromNode, emitter);
        }
        else if (templateId == EchoEchoDecoder.TEMPLATE_ID &&
            cursor.wrap(buffer, offset, length, EchoNodes.SCHEMA_ID, templateId, EchoEchoDecoder.BLOCK_LENGTH))
        {
            echoEcho.wrap(buffer, offset + HEADER_LENGTH, PayloadCursor.blockLength(buffer, offset),
                PayloadCursor.version(buffer, offset));
            onEcho(fromNode, emitter);
        }
        else
        {
            malformed++;
        }
    }

    private void onSend(final int fromNode, final Emitter emitter)
    {
        final int origin = echoSend.origin();
        final long seq = echoSend.seq();
        if (origin != fromNode || seq < 0 || seq >= SEQ_LIMIT)
        {
            malformed++;
            return;
        }
        int slot = instances.slot(origin, seq);
        if (slot == EchoInstances.OUT_OF_WINDOW)
        {
            instances.advanceTo(origin, seq);
            slot = instances.slot(origin, seq);
        }
        if (slot == EchoInstances.LATE)
        {
            late++;
            return;
        }
        if (instances.has(slot, EchoInstances.VALUE_KNOWN))
        {
            duplicates++;
            return;
        }
        final long clientId = echoSend.clientId();
        final long requestNo = echoSend.requestNo();
        echoSend.wrapPayload(view);
        instances.value(slot, clientId, requestNo, view, 0, view.capacity());
        publisher.requestHash(emitter, correlationId(origin, seq), clientId, requestNo,
            instances.payload(slot), instances.payloadLength(slot));
    }

    private void onEcho(final int fromNode, final Emitter emitter)
    {
        final int origin = echoEcho.origin();
        final long seq = echoEcho.seq();
        if (origin < 0 || origin >= nodeCount || seq < 0 || seq >= SEQ_LIMIT)
        {
            malformed++;
            return;
        }
        final int slot = instances.slot(origin, seq);
        if (slot == EchoInstances.LATE)
        {
            late++;
            return;
        }
        if (slot == EchoInstances.OUT_OF_WINDOW)
        {
            outOfWindow++;
            return;
        }
        echoEcho.getDigest(digest, 0, digest.length);
        view.wrap(digest);
        if (!instances.echo(slot, fromNode, view, 0))
        {
            duplicates++;
            return;
        }
        tryDeliver(origin, slot, emitter);
    }

    private void onHashResult(final Event event, final Emitter emitter)
    {
        if (event.source() != hasherId || !cursor.wrap(event, HashResultDecoder.BLOCK_LENGTH) ||
            cursor.group(HashResultDecoder.DigestsDecoder.sbeBlockLength()) != 1 || !cursor.nextEntry())
        {
            malformed++;
            return;
        }
        final HashResultDecoder result = event.decode(hashResult);
        final long correlationId = result.correlationId();
        final int origin = (int)(correlationId >>> 48);
        final long seq = correlationId & (SEQ_LIMIT - 1);
        if (origin >= nodeCount)
        {
            malformed++;
            return;
        }
        final int slot = instances.slot(origin, seq);
        if (slot < 0 || !instances.has(slot, EchoInstances.VALUE_KNOWN) ||
            instances.has(slot, EchoInstances.DIGEST_KNOWN))
        {
            late++;
            return;
        }
        result.digests().next().getDigest(digest, 0, digest.length);
        instances.digest(slot, digest, 0);
        instances.ownEcho(slot, nodeId);
        publisher.echo(emitter, origin, seq, digest, 0);
        tryDeliver(origin, slot, emitter);
    }

    private void tryDeliver(final int origin, final int slot, final Emitter emitter)
    {
        if (!instances.has(slot, EchoInstances.VALUE_KNOWN) || instances.matchingEchoes(slot) < quorum)
        {
            return;
        }
        publisher.deliver(emitter, deliveryCount++, origin, instances.seq(slot), instances.clientId(slot),
            instances.requestNo(slot), instances.payload(slot), instances.payloadLength(slot));
        instances.markDelivered(origin, slot);
    }

    private void onWalEntryLoaded(final Event event, final Emitter emitter)
    {
        if (event.source() != walId || !cursor.wrap(event, WalEntryLoadedDecoder.BLOCK_LENGTH))
        {
            malformed++;
            return;
        }
        final int offset = cursor.limit() + LENGTH_PREFIX;
        final int length = cursor.varData();
        if (length < HEADER_LENGTH)
        {
            malformed++;
            return;
        }
        final DirectBuffer buffer = event.buffer();
        final int templateId = PayloadCursor.templateId(buffer, offset);
        final int blockLength = PayloadCursor.blockLength(buffer, offset);
        final int version = PayloadCursor.version(buffer, offset);
        if (templateId == EchoStartedDecoder.TEMPLATE_ID &&
            cursor.wrap(buffer, offset, length, EchoNodes.SCHEMA_ID, templateId, EchoStartedDecoder.BLOCK_LENGTH))
        {
            echoStarted.wrap(buffer, offset + HEADER_LENGTH, blockLength, version);
            nextSeq = Math.max(nextSeq, echoStarted.seq() + 1);
        }
        else if (templateId == EchoDeliveredDecoder.TEMPLATE_ID &&
            cursor.wrap(buffer, offset, length, EchoNodes.SCHEMA_ID, templateId, EchoDeliveredDecoder.BLOCK_LENGTH) &&
            cursor.varData() >= 0)
        {
            echoDelivered.wrap(buffer, offset + HEADER_LENGTH, blockLength, version);
            recoverDelivery(emitter);
        }
        else
        {
            malformed++;
        }
    }

    private void recoverDelivery(final Emitter emitter)
    {
        final int origin = echoDelivered.origin();
        final long seq = echoDelivered.seq();
        final long deliveryNo = echoDelivered.deliveryNo();
        if (origin < 0 || origin >= nodeCount || seq < 0 || seq >= SEQ_LIMIT || deliveryNo < 0)
        {
            malformed++;
            return;
        }
        int slot = instances.slot(origin, seq);
        if (slot == EchoInstances.OUT_OF_WINDOW)
        {
            instances.advanceTo(origin, seq);
            slot = instances.slot(origin, seq);
        }
        if (slot >= 0)
        {
            instances.markDelivered(origin, slot);
        }
        deliveryCount = Math.max(deliveryCount, deliveryNo + 1);
        final long clientId = echoDelivered.clientId();
        final long requestNo = echoDelivered.requestNo();
        echoDelivered.wrapPayload(view);
        publisher.redeliver(emitter, deliveryNo, clientId, requestNo, view, 0, view.capacity());
        recoveredDeliveries++;
    }

    private static long correlationId(final int origin, final long seq)
    {
        return ((long)origin << 48) | seq;
    }

    /**
     * @return broadcasts this node started.
     */
    public long broadcasts()
    {
        return broadcasts;
    }

    /**
     * @return deliveries so far (recovered ones included): the next delivery's position.
     */
    public long deliveries()
    {
        return deliveryCount;
    }

    /**
     * @return deliveries restored from the WAL at startup.
     */
    public long recoveredDeliveries()
    {
        return recoveredDeliveries;
    }

    /**
     * @return next sequence number this node broadcasts under.
     */
    public long nextSeq()
    {
        return nextSeq;
    }

    /**
     * @return malformed messages and events dropped (including SENDs not sent by their origin).
     */
    public long malformed()
    {
        return malformed;
    }

    /**
     * @return messages from node ids outside the cluster dropped.
     */
    public long unknownSenders()
    {
        return unknownSenders;
    }

    /**
     * @return duplicate SENDs and ECHOs ignored.
     */
    public long duplicates()
    {
        return duplicates;
    }

    /**
     * @return messages for finished instances ignored.
     */
    public long late()
    {
        return late;
    }

    /**
     * @return ECHOs beyond the window dropped.
     */
    public long outOfWindow()
    {
        return outOfWindow;
    }

    /**
     * @return undelivered instances abandoned when their origin moved a window ahead.
     */
    public long abandoned()
    {
        return instances == null ? 0 : instances.abandoned();
    }

    /**
     * @return events of other types or from the wrong module ignored.
     */
    public long ignoredEvents()
    {
        return ignoredEvents;
    }
}
