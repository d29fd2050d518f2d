package io.jmir.protocols.iss;

import io.jmir.codecs.engine.HashRequestEncoder;
import io.jmir.codecs.engine.HashResultDecoder;
import io.jmir.engine.EventBuilder;
import io.jmir.protocols.clients.RequestAuth;
import io.jmir.protocols.codecs.MessageHeaderDecoder;
import io.jmir.protocols.codecs.MessageHeaderEncoder;
import io.jmir.protocols.codecs.WalBatchPayloadsDecoder;
import io.jmir.protocols.codecs.WalBatchPayloadsEncoder;
import io.jmir.protocols.pbft.PbftOrderer;
import io.jmir.protocols.pbft.PbftSlot;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Request payloads for a node that lost them (ADR 0014): a node that restarted, or missed messages, may accept a
 * pre-prepare whose requests it never received — the clients already have their replies and will not send them
 * again. Peers retransmitting an epoch to it ({@link IssEpoch#retransmit}) also send, per slot, the payloads they
 * hold (a BatchPayloads message, the same layout as the WAL entry). The receiver checks them against the request
 * digests of the slot's accepted batch: the hasher digests {@link RequestAuth#signable} bytes of each request, and
 * only requests whose digest matches the batch's reference are admitted into the pool; the slot's orderer then
 * re-checks the batch. Wrong payloads are counted and dropped. At most {@value #MAX_PENDING} checks are in flight.
 * <p>
 * <b>Threading:</b> protocol module thread only.
 */
final class IssPayloadFetch
{
    private static final int MAX_PENDING = 8;

    private final io.jmir.codecs.engine.MessageHeaderEncoder engineHeader =
        new io.jmir.codecs.engine.MessageHeaderEncoder();
    private final MessageHeaderEncoder header = new MessageHeaderEncoder();
    private final MessageHeaderDecoder headerDecoder = new MessageHeaderDecoder();
    private final WalBatchPayloadsEncoder encoder = new WalBatchPayloadsEncoder();
    private final WalBatchPayloadsDecoder decoder = new WalBatchPayloadsDecoder();
    private final HashRequestEncoder hash = new HashRequestEncoder();
    private final ExpandableArrayBuffer out = new ExpandableArrayBuffer(4096);
    private final ExpandableArrayBuffer signable = new ExpandableArrayBuffer(1024);
    private final UnsafeBuffer view = new UnsafeBuffer(0, 0);
    private final UnsafeBuffer payloadView = new UnsafeBuffer(0, 0);
    private final ExpandableArrayBuffer[] pending = new ExpandableArrayBuffer[MAX_PENDING];
    private final long[] pendingSeqNo = new long[MAX_PENDING];
    private final int[] pendingLength = new int[MAX_PENDING];
    private final IssModule iss;
    private final RequestPool pool;
    private final IssPublisher publisher;
    private long admitted;
    private long rejected;

    IssPayloadFetch(final IssModule iss, final RequestPool pool, final IssPublisher publisher)
    {
        this.iss = iss;
        this.pool = pool;
        this.publisher = publisher;
        for (int i = 0; i < MAX_PENDING; i++)
        {
            pending[i] = new ExpandableArrayBuffer(1024);
            pendingSeqNo[i] = -1;
        }
    }

    long admitted()
    {
        return admitted;
    }

    long rejected()
    {
        return rejected;
    }

    /**
     * Send one node the payloads of a slot's batch, when this node still holds all of them.
     */
    void send(final int to, final long epoch, final PbftSlot slot)
    {
        final int count = slot.requestCount();
        for (int i = 0; i < count; i++)
        {
            if (!pool.holds(slot.clientId(i), slot.requestNo(i)))
            {
                return;
            }
        }
        final WalBatchPayloadsEncoder.RequestsEncoder requests = encoder.wrapAndApplyHeader(out, 0, header)
            .epoch(epoch).seqNo(slot.seqNo()).requestsCount(count);
        for (int i = 0; i < count; i++)
        {
            final long clientId = slot.clientId(i);
            final long requestNo = slot.requestNo(i);
            requests.next().clientId(clientId).requestNo(requestNo)
                .putPayload(pool.payload(clientId, requestNo), 0, pool.payloadLength(clientId, requestNo));
        }
        publisher.send(to, out, 0, MessageHeaderEncoder.ENCODED_LENGTH + encoder.encodedLength());
    }

    /**
     * Payloads from a peer for a slot: when the slot's accepted batch waits for requests and the message names
     * exactly its requests, have their digests computed.
     */
    void onPayloads(final DirectBuffer buffer, final int offset, final int length)
    {
        headerDecoder.wrap(buffer, offset);
        decoder.wrap(buffer, offset + MessageHeaderDecoder.ENCODED_LENGTH, headerDecoder.blockLength(),
            headerDecoder.version());
        final long seqNo = decoder.seqNo();
        final IssEpoch epoch = seqNo < 0 ? null : iss.epochOf(seqNo);
        if (epoch == null || !epoch.contains(seqNo) || decoder.epoch() != epoch.epoch)
        {
            return;
        }
        final PbftSlot slot = epoch.slot(seqNo);
        int free = -1;
        for (int i = 0; i < MAX_PENDING; i++)
        {
            if (pendingSeqNo[i] == seqNo)
            {
                return;
            }
            free = pendingSeqNo[i] < 0 ? i : free;
        }
        if (free < 0 || !slot.isWaitingForRequests() || !matches(slot, buffer, offset, length))
        {
            return;
        }
        pending[free].putBytes(0, buffer, offset, length);
        pendingSeqNo[free] = seqNo;
        pendingLength[free] = length;
        requestDigests(free);
    }

    private boolean matches(final PbftSlot slot, final DirectBuffer buffer, final int offset, final int length)
    {
        final int end = offset + length;
        if (decoder.limit() + 4 > end)
        {
            rejected++;
            return false;
        }
        final WalBatchPayloadsDecoder.RequestsDecoder requests = decoder.requests();
        if (requests.count() != slot.requestCount())
        {
            rejected++;
            return false;
        }
        int i = 0;
        while (requests.hasNext())
        {
            if (decoder.limit() + WalBatchPayloadsDecoder.RequestsDecoder.sbeBlockLength() + 4 > end)
            {
                rejected++;
                return false;
            }
            requests.next();
            final int at = decoder.limit();
            if (requests.clientId() != slot.clientId(i) || requests.requestNo() != slot.requestNo(i) ||
                at + 4 > offset + length || at + 4L + requests.payloadLength() > offset + length)
            {
                rejected++;
                return false;
            }
            requests.skipPayload();
            i++;
        }
        return true;
    }

    private void requestDigests(final int index)
    {
        view.wrap(pending[index], 0, pendingLength[index]);
        headerDecoder.wrap(view, 0);
        decoder.wrap(view, MessageHeaderDecoder.ENCODED_LENGTH, headerDecoder.blockLength(), headerDecoder.version());
        final WalBatchPayloadsDecoder.RequestsDecoder requests = decoder.requests();
        final EventBuilder b = publisher.toHasher();
        final HashRequestEncoder.ItemsEncoder items = hash.wrapAndApplyHeader(b.buffer(), b.payloadOffset(),
            engineHeader).correlationId(IssPublisher.KIND_PAYLOADS | index).itemsCount(requests.count());
        while (requests.hasNext())
        {
            requests.next();
            final long clientId = requests.clientId();
            final long requestNo = requests.requestNo();
            requests.wrapPayload(payloadView);
            final int signed = RequestAuth.signable(signable, 0, clientId, requestNo, payloadView, 0,
                payloadView.capacity());
            items.next().putData(signable, 0, signed);
        }
        b.payload(hash).commit();
    }

    /**
     * The hasher's digests of a pending message's requests: admit those matching the slot's batch.
     */
    void onDigests(final int index, final HashResultDecoder result)
    {
        if (index < 0 || index >= MAX_PENDING || pendingSeqNo[index] < 0)
        {
            return;
        }
        final long seqNo = pendingSeqNo[index];
        pendingSeqNo[index] = -1;
        final IssEpoch epoch = iss.epochOf(seqNo);
        if (epoch == null || !epoch.contains(seqNo))
        {
            return;
        }
        final PbftSlot slot = epoch.slot(seqNo);
        view.wrap(pending[index], 0, pendingLength[index]);
        headerDecoder.wrap(view, 0);
        decoder.wrap(view, MessageHeaderDecoder.ENCODED_LENGTH, headerDecoder.blockLength(), headerDecoder.version());
        final WalBatchPayloadsDecoder.RequestsDecoder requests = decoder.requests();
        final HashResultDecoder.DigestsDecoder digests = result.digests();
        if (!slot.isWaitingForRequests() || digests.count() != requests.count() ||
            requests.count() != slot.requestCount())
        {
            return;
        }
        int i = 0;
        while (requests.hasNext() && digests.hasNext())
        {
            requests.next();
            digests.next();
            requests.wrapPayload(payloadView);
            if (digestEquals(digests, slot, i))
            {
                digests.getDigest(signable.byteArray(), 0, 32);
                if (pool.admit(requests.clientId(), requests.requestNo(), signable, 0, payloadView, 0,
                    payloadView.capacity()) == RequestPool.ADMITTED)
                {
                    admitted++;
                }
            }
            else
            {
                rejected++;
            }
            i++;
        }
        final PbftOrderer orderer = epoch.ordererOf(seqNo);
        orderer.retryWaiting();
    }

    private static boolean digestEquals(final HashResultDecoder.DigestsDecoder digests, final PbftSlot slot,
        final int index)
    {
        final int at = slot.requestDigestOffset(index);
        for (int b = 0; b < 32; b++)
        {
            if ((byte)digests.digest(b) != slot.batch().getByte(at + b))
            {
                return false;
            }
        }
        return true;
    }
}
