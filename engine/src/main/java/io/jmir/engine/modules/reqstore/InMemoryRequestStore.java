package io.jmir.engine.modules.reqstore;

import io.jmir.codecs.EngineEvents;
import io.jmir.codecs.EnvelopeLayout;
import io.jmir.codecs.engine.BooleanType;
import io.jmir.codecs.engine.MessageHeaderEncoder;
import io.jmir.codecs.engine.RequestStoreGcDecoder;
import io.jmir.codecs.engine.RequestStoreGetDecoder;
import io.jmir.codecs.engine.RequestStorePutDecoder;
import io.jmir.codecs.engine.RequestStoreResultEncoder;
import io.jmir.engine.ConfigurationException;
import io.jmir.engine.Emitter;
import io.jmir.engine.Event;
import io.jmir.engine.EventBuilder;
import io.jmir.engine.Module;
import io.jmir.engine.modules.PayloadCursor;
import org.agrona.collections.Long2ObjectHashMap;

import java.util.Iterator;

/**
 * The {@code reqstore} module kept in memory: request payloads by request id (client id, request number).
 * <ul>
 *   <li>RequestStorePut{clientId, requestNo, retentionIndex, payload} stores (or replaces) a payload.</li>
 *   <li>RequestStoreGet{correlationId, clientId, requestNo} → RequestStoreResult to the requesting module with
 *   {@code found} and the payload (empty when not found).</li>
 *   <li>RequestStoreGc{retentionIndex} drops every entry stored with a lower retention index.</li>
 * </ul>
 * <b>Bounded memory.</b> At most {@code maxEntries} entries and {@code maxBytes} payload bytes are held; a put
 * beyond either bound is refused and counted ({@link #rejectedPuts()}) — the protocol keeps the store small by
 * garbage collecting at stable checkpoints. Malformed events are counted and dropped.
 * <p>
 * Replacing an entry reuses its payload array when it fits; new entries allocate (this is the simulation and
 * test store; a persistent one lives in the journal module).
 * <p>
 * <b>Threading:</b> callbacks on the module's thread; accessors read plain fields: call them there or after the
 * node stopped.
 */
public final class InMemoryRequestStore implements Module
{
    /** Default bound on entries. */
    public static final int DEFAULT_MAX_ENTRIES = 1 << 20;
    /** Default bound on stored payload bytes. */
    public static final long DEFAULT_MAX_BYTES = 256L << 20;

    private static final byte[] EMPTY = new byte[0];

    private final RequestStorePutDecoder putDecoder = new RequestStorePutDecoder();
    private final RequestStoreGetDecoder getDecoder = new RequestStoreGetDecoder();
    private final RequestStoreGcDecoder gcDecoder = new RequestStoreGcDecoder();
    private final RequestStoreResultEncoder resultEncoder = new RequestStoreResultEncoder();
    private final MessageHeaderEncoder headerEncoder = new MessageHeaderEncoder();
    private final PayloadCursor cursor = new PayloadCursor();
    private final Long2ObjectHashMap<Long2ObjectHashMap<Entry>> byClient = new Long2ObjectHashMap<>();
    private final int maxEntries;
    private final long maxBytes;
    private int entries;
    private long storedBytes;
    private long puts;
    private long hits;
    private long misses;
    private long collected;
    private long rejectedPuts;
    private long malformedEvents;
    private long ignoredEvents;

    private static final class Entry
    {
        long retentionIndex;
        byte[] payload;
        int length;
    }

    /**
     * A store with the default bounds.
     */
    public InMemoryRequestStore()
    {
        this(DEFAULT_MAX_ENTRIES, DEFAULT_MAX_BYTES);
    }

    /**
     * @param maxEntries most entries held.
     * @param maxBytes   most payload bytes held.
     * @throws ConfigurationException naming {@code reqstore.maxEntries} or {@code reqstore.maxBytes} when below 1.
     */
    public InMemoryRequestStore(final int maxEntries, final long maxBytes)
    {
        if (maxEntries < 1)
        {
            throw new ConfigurationException("reqstore.maxEntries", "must be >= 1, was " + maxEntries);
        }
        if (maxBytes < 1)
        {
            throw new ConfigurationException("reqstore.maxBytes", "must be >= 1, was " + maxBytes);
        }
        this.maxEntries = maxEntries;
        this.maxBytes = maxBytes;
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
        switch (event.templateId())
        {
            case EngineEvents.REQUEST_STORE_PUT:
                onPut(event);
                break;
            case EngineEvents.REQUEST_STORE_GET:
                onGet(event, emitter);
                break;
            case EngineEvents.REQUEST_STORE_GC:
                onGc(event);
                break;
            case EngineEvents.INIT:
                break;
            default:
                ignoredEvents++;
                break;
        }
    }

    /**
     * @return entries held.
     */
    public int size()
    {
        return entries;
    }

    /**
     * @return payload bytes held.
     */
    public long storedBytes()
    {
        return storedBytes;
    }

    /**
     * @return puts accepted.
     */
    public long puts()
    {
        return puts;
    }

    /**
     * @return gets that found their entry.
     */
    public long hits()
    {
        return hits;
    }

    /**
     * @return gets that did not.
     */
    public long misses()
    {
        return misses;
    }

    /**
     * @return entries dropped by garbage collection.
     */
    public long collected()
    {
        return collected;
    }

    /**
     * @return puts refused because the store was full.
     */
    public long rejectedPuts()
    {
        return rejectedPuts;
    }

    /**
     * @return malformed events dropped.
     */
    public long malformedEvents()
    {
        return malformedEvents;
    }

    /**
     * @return events of other types, and gets from outside the node, ignored.
     */
    public long ignoredEvents()
    {
        return ignoredEvents;
    }

    private void onPut(final Event event)
    {
        if (!cursor.wrap(event, RequestStorePutDecoder.BLOCK_LENGTH) || cursor.varData() < 0)
        {
            malformedEvents++;
            return;
        }
        final RequestStorePutDecoder put = event.decode(putDecoder);
        final long clientId = put.clientId();
        final long requestNo = put.requestNo();
        final long retentionIndex = put.retentionIndex();
        final int length = put.payloadLength();
        Long2ObjectHashMap<Entry> requests = byClient.get(clientId);
        Entry entry = requests == null ? null : requests.get(requestNo);
        final long previousLength = entry == null ? 0 : entry.length;
        if ((entry == null && entries == maxEntries) || storedBytes - previousLength + length > maxBytes)
        {
            rejectedPuts++;
            return;
        }
        if (requests == null)
        {
            requests = new Long2ObjectHashMap<>();
            byClient.put(clientId, requests);
        }
        if (entry == null)
        {
            entry = new Entry();
            entry.payload = EMPTY;
            requests.put(requestNo, entry);
            entries++;
        }
        if (entry.payload.length < length)
        {
            entry.payload = new byte[length];
        }
        put.getPayload(entry.payload, 0, length);
        entry.length = length;
        entry.retentionIndex = retentionIndex;
        storedBytes += length - previousLength;
        puts++;
    }

    private void onGet(final Event event, final Emitter emitter)
    {
        if (event.blockLength() < RequestStoreGetDecoder.BLOCK_LENGTH)
        {
            malformedEvents++;
            return;
        }
        if (event.source() == EventBuilder.EXTERNAL_SOURCE)
        {
            ignoredEvents++;
            return;
        }
        final RequestStoreGetDecoder get = event.decode(getDecoder);
        final long clientId = get.clientId();
        final long requestNo = get.requestNo();
        final Long2ObjectHashMap<Entry> requests = byClient.get(clientId);
        final Entry entry = requests == null ? null : requests.get(requestNo);
        final EventBuilder builder = emitter.event(event.source());
        final RequestStoreResultEncoder result = resultEncoder
            .wrapAndApplyHeader(builder.buffer(), builder.payloadOffset(), headerEncoder)
            .correlationId(get.correlationId())
            .clientId(clientId)
            .requestNo(requestNo)
            .found(entry != null ? BooleanType.TRUE : BooleanType.FALSE);
        if (entry != null)
        {
            result.putPayload(entry.payload, 0, entry.length);
            hits++;
        }
        else
        {
            result.putPayload(EMPTY, 0, 0);
            misses++;
        }
        builder.payload(result).commit();
    }

    private void onGc(final Event event)
    {
        if (event.blockLength() < RequestStoreGcDecoder.BLOCK_LENGTH)
        {
            malformedEvents++;
            return;
        }
        final long retentionIndex = event.decode(gcDecoder).retentionIndex();
        final Iterator<Long2ObjectHashMap<Entry>> clients = byClient.values().iterator();
        while (clients.hasNext())
        {
            final Long2ObjectHashMap<Entry> requests = clients.next();
            final Iterator<Entry> it = requests.values().iterator();
            while (it.hasNext())
            {
                final Entry entry = it.next();
                if (entry.retentionIndex < retentionIndex)
                {
                    it.remove();
                    entries--;
                    storedBytes -= entry.length;
                    collected++;
                }
            }
            if (requests.isEmpty())
            {
                clients.remove();
            }
        }
    }
}
