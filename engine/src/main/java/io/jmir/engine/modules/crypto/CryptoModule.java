package io.jmir.engine.modules.crypto;

import io.jmir.codecs.EngineEvents;
import io.jmir.codecs.EnvelopeLayout;
import io.jmir.codecs.engine.BooleanType;
import io.jmir.codecs.engine.MessageHeaderEncoder;
import io.jmir.codecs.engine.PrincipalKind;
import io.jmir.codecs.engine.Scheme;
import io.jmir.codecs.engine.SignRequestDecoder;
import io.jmir.codecs.engine.SignResultEncoder;
import io.jmir.codecs.engine.VerifyRequestDecoder;
import io.jmir.codecs.engine.VerifyResultEncoder;
import io.jmir.engine.ConfigurationException;
import io.jmir.engine.Emitter;
import io.jmir.engine.Event;
import io.jmir.engine.EventBuilder;
import io.jmir.engine.Module;
import io.jmir.engine.ModuleContext;
import io.jmir.engine.modules.PayloadCursor;
import org.agrona.collections.Long2ObjectHashMap;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;

import java.util.concurrent.TimeUnit;

/**
 * The {@code crypto} module: signs and verifies with the keys of a {@link KeyRegistry}, replying to the
 * requesting module ({@link Event#source()}) with the request's correlation id.
 * <ul>
 *   <li>SignRequest → SignResult: scheme ED25519 signs with this node's own private key; HMAC_SHA256 MACs with
 *   the pairwise key shared with the named principal (see {@link KeyRegistry} for the derivation). When no
 *   key is available (no own private key, unknown peer, unknown scheme) or the request is malformed, the
 *   result carries an empty signature.</li>
 *   <li>VerifyRequest → VerifyResult: one outcome per item plus {@code allValid}. An unknown principal, an
 *   unknown scheme or kind, a signature of the wrong length or a bad signature make the item invalid; a
 *   request whose body runs past its payload gets {@code allValid = FALSE} and no per-item results. Nothing
 *   here throws for bad input.</li>
 * </ul>
 * <b>Workers.</b> With {@link #workers(int) workers(0)} (the default, and what simulations use) requests are
 * verified inline, deterministically. With N &gt; 0 each VerifyRequest is copied into one of
 * {@link #maxInFlight(int)} job slots and its items are verified by N worker threads (verification is
 * stateless); results are emitted from the module's own thread in {@link #doWork} — emitters are single
 * threaded — in request order. While work is in flight {@link #nextDeadlineNs()} returns 0 so that the stage
 * keeps polling. When every slot is in flight a new request waits (parked, on the module's thread) for the
 * oldest to complete: the workers depend on nothing else, so this cannot deadlock. SignRequests are always
 * served inline and may overtake VerifyResults still in flight.
 * <p>
 * <b>Threading:</b> configure before the node is built; callbacks run on the module's thread; worker threads
 * start at the first VerifyRequest and stop in {@link #onClose()}. Counters are plain fields: read them on the
 * module's thread or after the node stopped.
 */
public final class CryptoModule implements Module
{
    /** Most worker threads. */
    public static final int MAX_WORKERS = 64;
    /** Default bound on VerifyRequests in flight with workers. */
    public static final int DEFAULT_MAX_IN_FLIGHT = 256;

    private final KeyRegistry registry;
    private final MessageHeaderEncoder headerEncoder = new MessageHeaderEncoder();
    private final SignRequestDecoder signDecoder = new SignRequestDecoder();
    private final SignResultEncoder signEncoder = new SignResultEncoder();
    private final VerifyRequestDecoder verifyDecoder = new VerifyRequestDecoder();
    private final VerifyResultEncoder verifyEncoder = new VerifyResultEncoder();
    private final PayloadCursor cursor = new PayloadCursor();
    private final Ed25519Signer signer = new Ed25519Signer();
    private final HmacKey.Mac mac = new HmacKey.Mac();
    private final byte[] macOut = new byte[KeyRegistry.MAC_LENGTH];
    private final Verifier inlineVerifier = new Verifier();
    private final VerifyJob inlineJob = new VerifyJob();
    private final Long2ObjectHashMap<HmacKey> clientMacKeys = new Long2ObjectHashMap<>();
    private int workerCount;
    private int maxInFlight = DEFAULT_MAX_IN_FLIGHT;
    private boolean attached;
    private int nodeId;
    private HmacKey[] nodeMacKeys = new HmacKey[0];
    private Ed25519PrivateKeyParameters ownKey;
    private VerifyWorkers workers;
    private byte[] scratch = new byte[256];
    private long signRequests;
    private long signFailures;
    private long verifyRequests;
    private long verifiedItems;
    private long invalidItems;
    private long malformedRequests;
    private long ignoredEvents;

    /**
     * @param registry keys of the cluster.
     */
    public CryptoModule(final KeyRegistry registry)
    {
        this.registry = registry;
    }

    /**
     * @param workers verification threads; 0 (default) verifies inline and deterministically.
     * @return this.
     * @throws ConfigurationException naming {@code crypto.workers} when outside [0, {@value #MAX_WORKERS}].
     */
    public CryptoModule workers(final int workers)
    {
        checkNotAttached();
        if (workers < 0 || workers > MAX_WORKERS)
        {
            throw new ConfigurationException("crypto.workers", "must be in [0, " + MAX_WORKERS + "], was " + workers);
        }
        this.workerCount = workers;
        return this;
    }

    /**
     * @param maxInFlight VerifyRequests the workers may hold at once: a power of two in [1, 65536].
     * @return this.
     * @throws ConfigurationException naming {@code crypto.maxInFlight} when invalid.
     */
    public CryptoModule maxInFlight(final int maxInFlight)
    {
        checkNotAttached();
        if (maxInFlight < 1 || maxInFlight > 65536 || Integer.bitCount(maxInFlight) != 1)
        {
            throw new ConfigurationException("crypto.maxInFlight",
                "must be a power of two in [1, 65536], was " + maxInFlight);
        }
        this.maxInFlight = maxInFlight;
        return this;
    }

    /**
     * Derive this node's pairwise MAC keys (with every node and every registered client) and find its own
     * private key.
     *
     * @param context of the node.
     */
    @Override
    public void onAttach(final ModuleContext context)
    {
        attached = true;
        nodeId = context.nodeId();
        nodeMacKeys = new HmacKey[context.nodeCount()];
        for (int i = 0; i < nodeMacKeys.length; i++)
        {
            nodeMacKeys[i] = new HmacKey(registry.macKey(PrincipalKind.NODE, nodeId, PrincipalKind.NODE, i));
        }
        for (final long clientId : registry.clientIds())
        {
            clientMacKeys.put(clientId,
                new HmacKey(registry.macKey(PrincipalKind.NODE, nodeId, PrincipalKind.CLIENT, clientId)));
        }
        ownKey = registry.privateKey(PrincipalKind.NODE, nodeId);
    }

    /**
     * {@inheritDoc}
     */
    @Override
    public void onEvent(final Event event, final Emitter emitter)
    {
        if (event.schemaId() != EnvelopeLayout.ENGINE_SCHEMA_ID)
        {
            ignoredEvents++;
            return;
        }
        final int templateId = event.templateId();
        if (templateId == EngineEvents.INIT)
        {
            return;
        }
        if ((templateId != EngineEvents.SIGN_REQUEST && templateId != EngineEvents.VERIFY_REQUEST) ||
            event.source() == EventBuilder.EXTERNAL_SOURCE)
        {
            ignoredEvents++;
            return;
        }
        if (!attached)
        {
            throw new IllegalStateException("crypto module used before onAttach: it does not know its node");
        }
        if (templateId == EngineEvents.SIGN_REQUEST)
        {
            onSignRequest(event, emitter);
        }
        else
        {
            onVerifyRequest(event, emitter);
        }
    }

    /**
     * Emit the results of completed VerifyRequests, in request order.
     *
     * @param nowNs   unused.
     * @param emitter to emit results with.
     * @return number of results emitted.
     */
    @Override
    public int doWork(final long nowNs, final Emitter emitter)
    {
        if (workers == null)
        {
            return 0;
        }
        int work = 0;
        VerifyJob job;
        while ((job = workers.completedHead()) != null)
        {
            emitVerifyResult(job, emitter);
            workers.releaseHead();
            work++;
        }
        return work;
    }

    /**
     * @return 0 while VerifyRequests are with the workers (poll me), else {@link Long#MAX_VALUE}.
     */
    @Override
    public long nextDeadlineNs()
    {
        return workers != null && workers.hasInFlight() ? 0 : Long.MAX_VALUE;
    }

    /**
     * Stop the worker threads; results still in flight are abandoned.
     */
    @Override
    public void onClose()
    {
        if (workers != null)
        {
            workers.close();
        }
    }

    /**
     * Park the module's thread until the oldest VerifyRequest in flight is verified, so that the next
     * {@link #doWork} emits its result. For hosts and tests that drain the module; call it on the module's
     * thread only.
     *
     * @param timeout longest wait.
     * @param unit    of the timeout.
     * @return true when the oldest request is complete or none is in flight.
     */
    public boolean awaitOldestVerification(final long timeout, final TimeUnit unit)
    {
        return workers == null || workers.awaitHead(unit.toNanos(timeout));
    }

    /**
     * @return VerifyRequests with the workers, not yet emitted.
     */
    public int verificationsInFlight()
    {
        return workers == null ? 0 : workers.inFlight();
    }

    /**
     * @return true when no worker thread is alive (none started, or all stopped).
     */
    public boolean workersStopped()
    {
        return workers == null || workers.allWorkersStopped();
    }

    /**
     * @return SignRequests answered.
     */
    public long signRequests()
    {
        return signRequests;
    }

    /**
     * @return SignRequests answered with an empty signature (no key, unknown scheme, malformed).
     */
    public long signFailures()
    {
        return signFailures;
    }

    /**
     * @return VerifyRequests answered.
     */
    public long verifyRequests()
    {
        return verifyRequests;
    }

    /**
     * @return items verified (valid or not).
     */
    public long verifiedItems()
    {
        return verifiedItems;
    }

    /**
     * @return items found invalid.
     */
    public long invalidItems()
    {
        return invalidItems;
    }

    /**
     * @return requests whose body ran past their payload (answered as invalid) or was too short to answer.
     */
    public long malformedRequests()
    {
        return malformedRequests;
    }

    /**
     * @return events of other types, and requests from outside the node, ignored.
     */
    public long ignoredEvents()
    {
        return ignoredEvents;
    }

    private void onSignRequest(final Event event, final Emitter emitter)
    {
        if (event.blockLength() < SignRequestDecoder.BLOCK_LENGTH)
        {
            malformedRequests++;
            return;
        }
        final boolean wellFormed = cursor.wrap(event, SignRequestDecoder.BLOCK_LENGTH) && cursor.varData() >= 0;
        final SignRequestDecoder request = event.decode(signDecoder);
        final EventBuilder builder = emitter.event(event.source());
        final SignResultEncoder result = signEncoder
            .wrapAndApplyHeader(builder.buffer(), builder.payloadOffset(), headerEncoder)
            .correlationId(request.correlationId());
        final short scheme = request.schemeRaw();
        signRequests++;
        if (!wellFormed)
        {
            malformedRequests++;
            signFailures++;
            result.scheme(Scheme.NULL_VAL).putSignature(macOut, 0, 0);
        }
        else if (scheme == Scheme.ED25519.value() && ownKey != null)
        {
            final int length = copyMessage(request);
            signer.init(true, ownKey);
            signer.update(scratch, 0, length);
            final byte[] signature = signer.generateSignature();
            result.scheme(Scheme.ED25519).putSignature(signature, 0, signature.length);
        }
        else if (scheme == Scheme.HMAC_SHA256.value() &&
            macKey(request.principalKindRaw(), request.principalId()) != null)
        {
            final int length = copyMessage(request);
            mac.compute(macKey(request.principalKindRaw(), request.principalId()), scratch, 0, length, macOut, 0);
            result.scheme(Scheme.HMAC_SHA256).putSignature(macOut, 0, macOut.length);
        }
        else
        {
            signFailures++;
            result.scheme(knownScheme(scheme)).putSignature(macOut, 0, 0);
        }
        builder.payload(result).commit();
    }

    private int copyMessage(final SignRequestDecoder request)
    {
        final int length = request.messageLength();
        if (scratch.length < length)
        {
            scratch = new byte[Math.max(length, scratch.length << 1)];
        }
        return request.getMessage(scratch, 0, length);
    }

    private void onVerifyRequest(final Event event, final Emitter emitter)
    {
        if (event.blockLength() < VerifyRequestDecoder.BLOCK_LENGTH)
        {
            malformedRequests++;
            return;
        }
        final boolean wellFormed = checkVerifyBounds(event);
        if (workerCount == 0)
        {
            fillJob(inlineJob, event, wellFormed);
            for (int i = 0; i < inlineJob.count; i++)
            {
                inlineJob.valid[i] = inlineVerifier.verify(inlineJob, i);
            }
            emitVerifyResult(inlineJob, emitter);
            inlineJob.releaseKeys();
            return;
        }
        if (workers == null)
        {
            workers = new VerifyWorkers(workerCount, maxInFlight, "jmir-crypto-" + nodeId);
        }
        while (workers.isFull())
        {
            if (workers.awaitHead(TimeUnit.SECONDS.toNanos(1)))
            {
                doWork(0, emitter);
            }
        }
        fillJob(workers.claim(), event, wellFormed);
        workers.publish();
    }

    private boolean checkVerifyBounds(final Event event)
    {
        cursor.wrap(event, VerifyRequestDecoder.BLOCK_LENGTH);
        final int count = cursor.group(VerifyRequestDecoder.ItemsDecoder.sbeBlockLength());
        for (int i = 0; i < count && cursor.nextEntry(); i++)
        {
            cursor.varData();
            cursor.varData();
        }
        return cursor.valid();
    }

    private void fillJob(final VerifyJob job, final Event event, final boolean wellFormed)
    {
        final VerifyRequestDecoder request = event.decode(verifyDecoder);
        if (!wellFormed)
        {
            job.reset(request.correlationId(), event.source(), 0);
            job.malformed = true;
            return;
        }
        final VerifyRequestDecoder.ItemsDecoder items = request.items();
        final int count = items.count();
        job.reset(request.correlationId(), event.source(), count);
        for (int i = 0; i < count; i++)
        {
            items.next();
            final short scheme = items.schemeRaw();
            final short kind = items.principalKindRaw();
            final long principalId = items.principalId();
            final int messageLength = items.messageLength();
            final int messageOffset = job.reserve(messageLength);
            items.getMessage(job.data, messageOffset, messageLength);
            final int signatureLength = items.signatureLength();
            final int signatureOffset = job.reserve(signatureLength);
            items.getSignature(job.data, signatureOffset, signatureLength);
            job.messageOffset[i] = messageOffset;
            job.messageLength[i] = messageLength;
            job.signatureOffset[i] = signatureOffset;
            job.signatureLength[i] = signatureLength;
            job.valid[i] = false;
            if (scheme == Scheme.ED25519.value())
            {
                job.scheme[i] = VerifyJob.ED25519;
                job.key[i] = registry.publicKey(PrincipalKind.get(validKind(kind)), principalId);
            }
            else if (scheme == Scheme.HMAC_SHA256.value())
            {
                job.scheme[i] = VerifyJob.HMAC;
                job.key[i] = macKey(kind, principalId);
            }
            else
            {
                job.scheme[i] = VerifyJob.INVALID;
                job.key[i] = null;
            }
        }
    }

    private void emitVerifyResult(final VerifyJob job, final Emitter emitter)
    {
        final EventBuilder builder = emitter.event(job.replyTo);
        final VerifyResultEncoder result = verifyEncoder
            .wrapAndApplyHeader(builder.buffer(), builder.payloadOffset(), headerEncoder)
            .correlationId(job.correlationId);
        boolean allValid = !job.malformed;
        final VerifyResultEncoder.ResultsEncoder results = result.resultsCount(job.count);
        for (int i = 0; i < job.count; i++)
        {
            final boolean valid = job.valid[i];
            allValid &= valid;
            if (!valid)
            {
                invalidItems++;
            }
            results.next().valid(valid ? BooleanType.TRUE : BooleanType.FALSE);
        }
        result.allValid(allValid ? BooleanType.TRUE : BooleanType.FALSE);
        builder.payload(result).commit();
        verifyRequests++;
        verifiedItems += job.count;
        if (job.malformed)
        {
            malformedRequests++;
        }
    }

    private HmacKey macKey(final short kind, final long principalId)
    {
        if (kind == PrincipalKind.NODE.value())
        {
            return principalId >= 0 && principalId < nodeMacKeys.length ? nodeMacKeys[(int)principalId] : null;
        }
        return kind == PrincipalKind.CLIENT.value() ? clientMacKeys.get(principalId) : null;
    }

    private static Scheme knownScheme(final short scheme)
    {
        if (scheme == Scheme.ED25519.value())
        {
            return Scheme.ED25519;
        }
        return scheme == Scheme.HMAC_SHA256.value() ? Scheme.HMAC_SHA256 : Scheme.NULL_VAL;
    }

    private static short validKind(final short kind)
    {
        return kind == PrincipalKind.NODE.value() || kind == PrincipalKind.CLIENT.value() ?
            kind : PrincipalKind.NULL_VAL.value();
    }

    private void checkNotAttached()
    {
        if (attached)
        {
            throw new IllegalStateException("configure the crypto module before the node is built");
        }
    }
}
