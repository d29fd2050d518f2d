package io.jmir.protocols.clients;

import io.jmir.codecs.EngineEvents;
import io.jmir.codecs.engine.ClientRequestDecoder;
import io.jmir.codecs.engine.HashResultDecoder;
import io.jmir.codecs.engine.MessageHeaderDecoder;
import io.jmir.codecs.engine.Scheme;
import io.jmir.codecs.engine.VerifyResultDecoder;
import io.jmir.engine.ConfigurationException;
import io.jmir.engine.Emitter;
import io.jmir.engine.Event;
import io.jmir.engine.Module;
import io.jmir.engine.ModuleContext;
import io.jmir.protocols.codecs.ClientProgressDecoder;
import io.jmir.protocols.iss.IssConfig;
import org.agrona.collections.Long2ObjectHashMap;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.ArrayDeque;

/**
 * The client tracker ("clients" module): admits client requests into the protocol.
 * <ol>
 *   <li>ClientRequest in (from the node's edge). Rejected and counted: unknown client, wrong scheme, payload above
 *   {@code maxRequestBytes}, request number outside the client's watermark window
 *   [low, low + clientWatermarkWindow), and duplicates: a request number already admitted (or being verified) is
 *   dropped, so a request resubmitted to every node many times enters the protocol at most once per node.</li>
 *   <li>Accepted requests are staged and, at the end of the input batch, checked in one VerifyRequest to the
 *   crypto module (Ed25519 signature or HMAC per the cluster's {@code clientAuthScheme}) and digested in one
 *   HashRequest to the hasher, both over {@link RequestAuth#signable} bytes.</li>
 *   <li>When both answers are in, each valid request is stored with a RequestStorePut to the request store; the
 *   last put carries, as follow-up, one RequestsReady event for the protocol: the protocol gets a reference only
 *   after the payload is stored. Invalid ones are counted and their number freed for a correct resubmission.</li>
 *   <li>ClientProgress from the protocol (at epoch starts) moves the low watermarks; the request store retention
 *   index of new requests is the epoch.</li>
 * </ol>
 * Module names it resolves at attach: crypto, hasher, reqstore, iss.
 * <p>
 * <b>Threading:</b> its stage thread (or the simulation) only; see {@link Module}. Deterministic.
 */
public final class ClientTrackerModule implements Module
{
    private final IssConfig config;
    private final ClientRequestDecoder request = new ClientRequestDecoder();
    private final VerifyResultDecoder verifyResult = new VerifyResultDecoder();
    private final HashResultDecoder hashResult = new HashResultDecoder();
    private final ClientProgressDecoder progress = new ClientProgressDecoder();
    private final UnsafeBuffer payloadView = new UnsafeBuffer(0, 0);
    private final UnsafeBuffer authView = new UnsafeBuffer(0, 0);
    private final Long2ObjectHashMap<PendingBatch> inFlight = new Long2ObjectHashMap<>();
    private final ArrayDeque<PendingBatch> free = new ArrayDeque<>();
    private final ClientTrackerPublisher publisher;
    private final long[] low;
    private final long[][] admitted;
    private final int window;
    private final int maxStagedBytes;
    private PendingBatch staged;
    private long nextBatchId = 1;
    private long epoch;
    private long accepted;
    private long duplicates;
    private long outOfWindow;
    private long invalid;
    private long malformed;

    /**
     * @param config         cluster parameters (validated here).
     * @param maxStagedBytes most request bytes checked in one VerifyRequest/HashRequest and released in one
     *                       RequestsReady; must fit the slot capacity of the crypto, hasher, reqstore and protocol
     *                       modules.
     */
    public ClientTrackerModule(final IssConfig config, final int maxStagedBytes)
    {
        this.config = config.conclude();
        if (maxStagedBytes < config.maxRequestBytes() + 256)
        {
            throw new ConfigurationException("maxStagedBytes", "must be at least maxRequestBytes + 256 = " +
                (config.maxRequestBytes() + 256) + ", was " + maxStagedBytes);
        }
        this.maxStagedBytes = maxStagedBytes;
        this.window = config.clientWatermarkWindow();
        this.low = new long[config.clientCount()];
        this.admitted = new long[config.clientCount()][];
        this.publisher = new ClientTrackerPublisher();
    }

    @Override
    public void onAttach(final ModuleContext context)
    {
        publisher.moduleIds(context.moduleId("crypto"), context.moduleId("hasher"), context.moduleId("reqstore"),
            context.moduleId("iss"));
    }

    @Override
    public void onEvent(final Event event, final Emitter emitter)
    {
        if (event.schemaId() == MessageHeaderDecoder.SCHEMA_ID)
        {
            switch (event.templateId())
            {
                case EngineEvents.CLIENT_REQUEST:
                    onClientRequest(event, emitter);
                    break;
                case EngineEvents.VERIFY_RESULT:
                    onVerifyResult(event, emitter);
                    break;
                case EngineEvents.HASH_RESULT:
                    onHashResult(event, emitter);
                    break;
                default:
                    malformed++;
                    break;
            }
        }
        else if (event.schemaId() == io.jmir.protocols.codecs.MessageHeaderDecoder.SCHEMA_ID &&
            event.templateId() == ClientProgressDecoder.TEMPLATE_ID)
        {
            onProgress(event);
        }
        else
        {
            malformed++;
        }
    }

    @Override
    public void onEndOfBatch(final Emitter emitter)
    {
        flush(emitter);
    }

    private void onClientRequest(final Event event, final Emitter emitter)
    {
        event.decode(request);
        final long clientId = request.clientId();
        final long requestNo = request.requestNo();
        final Scheme scheme = request.scheme();
        request.wrapPayload(payloadView);
        request.wrapAuthenticator(authView);
        if (clientId < 0 || clientId >= low.length || scheme != config.clientAuthScheme() ||
            payloadView.capacity() > config.maxRequestBytes() || authView.capacity() > 128)
        {
            malformed++;
            return;
        }
        final int client = (int)clientId;
        if (requestNo < low[client] || requestNo >= low[client] + window)
        {
            outOfWindow++;
            return;
        }
        long[] bits = admitted[client];
        if (bits == null)
        {
            bits = new long[window / 64];
            admitted[client] = bits;
        }
        final int index = (int)(requestNo % window);
        if ((bits[index >> 6] & (1L << index)) != 0)
        {
            duplicates++;
            return;
        }
        bits[index >> 6] |= 1L << index;
        if (staged != null && staged.bytes() + payloadView.capacity() + authView.capacity() + 64 > maxStagedBytes)
        {
            flush(emitter);
        }
        if (staged == null)
        {
            staged = free.isEmpty() ? new PendingBatch() : free.poll();
            staged.reset(nextBatchId++);
        }
        staged.add(clientId, requestNo, payloadView, authView);
    }

    private void flush(final Emitter emitter)
    {
        if (staged == null)
        {
            return;
        }
        final PendingBatch batch = staged;
        staged = null;
        inFlight.put(batch.id, batch);
        publisher.verifyAndHash(emitter, batch, config.clientAuthScheme());
    }

    private void onVerifyResult(final Event event, final Emitter emitter)
    {
        event.decode(verifyResult);
        final PendingBatch batch = inFlight.get(verifyResult.correlationId());
        if (batch == null || batch.verified)
        {
            malformed++;
            return;
        }
        final VerifyResultDecoder.ResultsDecoder results = verifyResult.results();
        int i = 0;
        while (results.hasNext() && i < batch.count)
        {
            batch.valid[i++] = results.next().valid() == io.jmir.codecs.engine.BooleanType.TRUE;
        }
        batch.verified = true;
        complete(batch, emitter);
    }

    private void onHashResult(final Event event, final Emitter emitter)
    {
        event.decode(hashResult);
        final PendingBatch batch = inFlight.get(hashResult.correlationId());
        if (batch == null || batch.hashed)
        {
            malformed++;
            return;
        }
        final HashResultDecoder.DigestsDecoder digests = hashResult.digests();
        int i = 0;
        while (digests.hasNext() && i < batch.count)
        {
            digests.next().getDigest(batch.digests, 32 * i++, 32);
        }
        batch.hashed = i == batch.count;
        complete(batch, emitter);
    }

    private void complete(final PendingBatch batch, final Emitter emitter)
    {
        if (!batch.verified || !batch.hashed)
        {
            return;
        }
        inFlight.remove(batch.id);
        int validCount = 0;
        for (int i = 0; i < batch.count; i++)
        {
            if (batch.valid[i])
            {
                validCount++;
            }
            else
            {
                invalid++;
                final long requestNo = batch.requestNo(i);
                final int client = (int)batch.clientId(i);
                final int index = (int)(requestNo % window);
                if (requestNo >= low[client] && requestNo < low[client] + window)
                {
                    admitted[client][index >> 6] &= ~(1L << index);
                }
            }
        }
        accepted += validCount;
        publisher.storeAndRelease(emitter, batch, validCount, epoch);
        free.add(batch);
    }

    private void onProgress(final Event event)
    {
        event.decode(progress);
        epoch = Math.max(epoch, progress.epoch());
        final ClientProgressDecoder.ClientsDecoder clients = progress.clients();
        while (clients.hasNext())
        {
            clients.next();
            final long clientId = clients.clientId();
            final long newLow = clients.lowWatermark();
            if (clientId < 0 || clientId >= low.length)
            {
                malformed++;
                continue;
            }
            final int client = (int)clientId;
            final long[] bits = admitted[client];
            for (long r = low[client]; r < newLow && bits != null && r < low[client] + window; r++)
            {
                final int index = (int)(r % window);
                bits[index >> 6] &= ~(1L << index);
            }
            low[client] = Math.max(low[client], newLow);
        }
    }

    /**
     * @return requests admitted into the protocol (valid, stored, released).
     */
    public long accepted()
    {
        return accepted;
    }

    /**
     * @return requests dropped as duplicates.
     */
    public long duplicates()
    {
        return duplicates;
    }

    /**
     * @return requests dropped outside the client's watermark window.
     */
    public long outOfWindow()
    {
        return outOfWindow;
    }

    /**
     * @return requests with a bad signature or MAC.
     */
    public long invalid()
    {
        return invalid;
    }

    /**
     * @return malformed or unexpected events.
     */
    public long malformed()
    {
        return malformed;
    }

    /**
     * @return verification batches in flight (memory-bound checks).
     */
    public int inFlightBatches()
    {
        return inFlight.size();
    }
}
