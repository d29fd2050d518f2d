package io.jmir.protocols.testkit;

import io.jmir.codecs.EngineEvents;
import io.jmir.codecs.engine.MessageHeaderDecoder;
import io.jmir.codecs.engine.RequestStoreGcDecoder;
import io.jmir.codecs.engine.RequestStorePutDecoder;
import io.jmir.engine.Emitter;
import io.jmir.engine.Event;
import io.jmir.engine.Module;

import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

/**
 * Stand-in in-memory "reqstore" until io.jmir.engine.modules.reqstore lands: RequestStorePut keeps the payload by
 * (client id, request number) with its retention index; RequestStoreGc drops entries below an index.
 */
public final class TestRequestStoreModule implements Module
{
    private final RequestStorePutDecoder put = new RequestStorePutDecoder();
    private final RequestStoreGcDecoder gc = new RequestStoreGcDecoder();
    private final Map<Long, Map<Long, Long>> retention = new HashMap<>();
    private final Map<String, byte[]> payloads = new HashMap<>();
    private long puts;
    private long gcs;
    private int size;

    @Override
    public void onEvent(final Event event, final Emitter emitter)
    {
        if (event.schemaId() != MessageHeaderDecoder.SCHEMA_ID)
        {
            return;
        }
        if (event.templateId() == EngineEvents.REQUEST_STORE_PUT)
        {
            event.decode(put);
            final long clientId = put.clientId();
            final long requestNo = put.requestNo();
            final long index = put.retentionIndex();
            final byte[] payload = new byte[put.payloadLength()];
            put.getPayload(payload, 0, payload.length);
            if (retention.computeIfAbsent(clientId, k -> new HashMap<>()).put(requestNo, index) == null)
            {
                size++;
            }
            payloads.put(clientId + ":" + requestNo, payload);
            puts++;
        }
        else if (event.templateId() == EngineEvents.REQUEST_STORE_GC)
        {
            event.decode(gc);
            final long index = gc.retentionIndex();
            for (final Map.Entry<Long, Map<Long, Long>> client : retention.entrySet())
            {
                final Iterator<Map.Entry<Long, Long>> it = client.getValue().entrySet().iterator();
                while (it.hasNext())
                {
                    final Map.Entry<Long, Long> e = it.next();
                    if (e.getValue() < index)
                    {
                        payloads.remove(client.getKey() + ":" + e.getKey());
                        it.remove();
                        size--;
                    }
                }
            }
            gcs++;
        }
    }

    public boolean contains(final long clientId, final long requestNo)
    {
        return payloads.containsKey(clientId + ":" + requestNo);
    }

    public int size()
    {
        return size;
    }

    public long puts()
    {
        return puts;
    }

    public long gcs()
    {
        return gcs;
    }
}
