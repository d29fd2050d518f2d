package io.jmir.engine.demo;

import io.jmir.codecs.EngineEvents;
import io.jmir.codecs.EnvelopeLayout;
import io.jmir.codecs.engine.DeliverBatchDecoder;
import io.jmir.engine.Emitter;
import io.jmir.engine.Event;
import io.jmir.engine.Module;
import io.jmir.engine.modules.PayloadCursor;
import io.jmir.engine.modules.hasher.HasherModule;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The {@code app} of an echo node: records every delivered request in delivery order and keeps a running
 * SHA-256 state digest over them:
 * <pre>
 *   state(0) = 32 zero bytes
 *   state(i) = SHA-256(state(i-1) || sequenceNumber (8 LE) || clientId (8 LE) || requestNo (8 LE)
 *                      || payload length (4 LE) || payload)
 * </pre>
 * The state digest depends on delivery order, which echo broadcast does not fix; to compare what nodes (or
 * runtimes) delivered regardless of order use {@link #requests()} — sorted — or {@link #requestSetDigest()}.
 * <p>
 * <b>Threading:</b> {@link #onEvent} runs on the app's thread; every accessor is synchronized with it, so
 * they may be called from any thread at any time — while the node runs or after it stopped — and return
 * copies. {@link #awaitDeliveries} blocks the caller (never the app) until enough deliveries arrived.
 */
public final class EchoApp implements Module
{
    /**
     * One delivered request.
     *
     * @param sequenceNumber position of its batch at this node.
     * @param clientId       client id.
     * @param requestNo      client's request number.
     * @param payload        payload bytes (a copy owned by the record).
     */
    public record Delivery(long sequenceNumber, long clientId, long requestNo, byte[] payload)
    {
        @Override
        public boolean equals(final Object other)
        {
            return other instanceof Delivery d && d.sequenceNumber == sequenceNumber && d.clientId == clientId &&
                d.requestNo == requestNo && Arrays.equals(d.payload, payload);
        }

        @Override
        public int hashCode()
        {
            return (Long.hashCode(sequenceNumber) * 31 + Long.hashCode(clientId)) * 31 + Long.hashCode(requestNo) +
                Arrays.hashCode(payload);
        }

        @Override
        public String toString()
        {
            return "Delivery{seq=" + sequenceNumber + ", clientId=" + clientId + ", requestNo=" + requestNo +
                ", payload=" + HexFormat.of().formatHex(payload) + '}';
        }
    }

    /**
     * A delivered request without its position: what is compared across nodes and runtimes.
     *
     * @param clientId  client id.
     * @param requestNo client's request number.
     * @param payload   payload as hex.
     */
    public record Request(long clientId, long requestNo, String payload)
    {
    }

    private static final Comparator<Request> REQUEST_ORDER = Comparator.comparingLong(Request::clientId)
        .thenComparingLong(Request::requestNo).thenComparing(Request::payload);

    private final PayloadCursor cursor = new PayloadCursor();
    private final DeliverBatchDecoder batchDecoder = new DeliverBatchDecoder();
    private final MessageDigest sha256 = HasherModule.newSha256();
    private final ByteBuffer fields = ByteBuffer.allocate(28).order(ByteOrder.LITTLE_ENDIAN);
    private final List<Delivery> deliveries = new ArrayList<>();
    private byte[] state = new byte[32];
    private long batches;
    private long malformed;

    /**
     * {@inheritDoc}
     */
    @Override
    public void onEvent(final Event event, final Emitter emitter)
    {
        if (event.schemaId() != EnvelopeLayout.ENGINE_SCHEMA_ID || event.templateId() != EngineEvents.DELIVER_BATCH)
        {
            return;
        }
        if (!wellFormed(event))
        {
            synchronized (this)
            {
                malformed++;
            }
            return;
        }
        final DeliverBatchDecoder batch = event.decode(batchDecoder);
        final long sequenceNumber = batch.sequenceNumber();
        synchronized (this)
        {
            for (final DeliverBatchDecoder.RequestsDecoder request : batch.requests())
            {
                final long clientId = request.clientId();
                final long requestNo = request.requestNo();
                final byte[] payload = new byte[request.payloadLength()];
                request.getPayload(payload, 0, payload.length);
                deliveries.add(new Delivery(sequenceNumber, clientId, requestNo, payload));
                fields.clear();
                fields.putLong(sequenceNumber).putLong(clientId).putLong(requestNo).putInt(payload.length);
                sha256.update(state);
                sha256.update(fields.array());
                sha256.update(payload);
                state = sha256.digest();
            }
            batches++;
            notifyAll();
        }
    }

    /**
     * @return deliveries in delivery order (a copy).
     */
    public synchronized List<Delivery> deliveries()
    {
        return new ArrayList<>(deliveries);
    }

    /**
     * @return number of requests delivered.
     */
    public synchronized int deliveryCount()
    {
        return deliveries.size();
    }

    /**
     * @return batches received.
     */
    public synchronized long batches()
    {
        return batches;
    }

    /**
     * @return malformed batches dropped.
     */
    public synchronized long malformed()
    {
        return malformed;
    }

    /**
     * @return the running state digest (a copy).
     */
    public synchronized byte[] stateDigest()
    {
        return state.clone();
    }

    /**
     * @return delivered requests without positions, sorted by (clientId, requestNo, payload): equal on nodes
     * that delivered the same requests in any order.
     */
    public synchronized List<Request> requests()
    {
        final List<Request> requests = new ArrayList<>(deliveries.size());
        for (final Delivery delivery : deliveries)
        {
            requests.add(new Request(delivery.clientId(), delivery.requestNo(),
                HexFormat.of().formatHex(delivery.payload())));
        }
        requests.sort(REQUEST_ORDER);
        return requests;
    }

    /**
     * @return SHA-256 over {@link #requests()} (each as clientId, requestNo, payload hex): an order-independent
     * fingerprint of what was delivered.
     */
    public byte[] requestSetDigest()
    {
        final MessageDigest digest = HasherModule.newSha256();
        final ByteBuffer header = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
        for (final Request request : requests())
        {
            header.clear();
            header.putLong(request.clientId()).putLong(request.requestNo());
            digest.update(header.array());
            digest.update(request.payload().getBytes(StandardCharsets.US_ASCII));
            digest.update((byte)0);
        }
        return digest.digest();
    }

    /**
     * Block the calling thread until at least {@code count} requests were delivered or the timeout passed.
     *
     * @param count   deliveries to wait for.
     * @param timeout longest wait.
     * @param unit    of the timeout.
     * @return true when {@code count} deliveries arrived.
     * @throws InterruptedException when interrupted while waiting.
     */
    public synchronized boolean awaitDeliveries(final int count, final long timeout, final TimeUnit unit)
        throws InterruptedException
    {
        final long deadline = System.nanoTime() + unit.toNanos(timeout);
        while (deliveries.size() < count)
        {
            final long remainingNs = deadline - System.nanoTime();
            if (remainingNs <= 0)
            {
                return false;
            }
            TimeUnit.NANOSECONDS.timedWait(this, remainingNs);
        }
        return true;
    }

    private boolean wellFormed(final Event event)
    {
        if (!cursor.wrap(event, DeliverBatchDecoder.BLOCK_LENGTH))
        {
            return false;
        }
        final int count = cursor.group(DeliverBatchDecoder.RequestsDecoder.sbeBlockLength());
        for (int i = 0; i < count && cursor.nextEntry(); i++)
        {
            cursor.varData();
        }
        return cursor.valid();
    }
}
