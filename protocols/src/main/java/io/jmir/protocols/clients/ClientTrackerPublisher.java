package io.jmir.protocols.clients;

import io.jmir.codecs.engine.HashRequestEncoder;
import io.jmir.codecs.engine.MessageHeaderEncoder;
import io.jmir.codecs.engine.PrincipalKind;
import io.jmir.codecs.engine.RequestStorePutEncoder;
import io.jmir.codecs.engine.Scheme;
import io.jmir.codecs.engine.VerifyRequestEncoder;
import io.jmir.engine.Emitter;
import io.jmir.engine.EventBuilder;
import io.jmir.protocols.codecs.RequestsReadyEncoder;

/**
 * Encodes the client tracker's events: one VerifyRequest and one HashRequest per staged batch; per valid request a
 * RequestStorePut, the last carrying the RequestsReady follow-up for the protocol. No allocation.
 * <p>
 * <b>Threading:</b> the client tracker's thread only.
 */
final class ClientTrackerPublisher
{
    private final MessageHeaderEncoder header = new MessageHeaderEncoder();
    private final io.jmir.protocols.codecs.MessageHeaderEncoder issHeader =
        new io.jmir.protocols.codecs.MessageHeaderEncoder();
    private final VerifyRequestEncoder verify = new VerifyRequestEncoder();
    private final HashRequestEncoder hash = new HashRequestEncoder();
    private final RequestStorePutEncoder put = new RequestStorePutEncoder();
    private final RequestsReadyEncoder ready = new RequestsReadyEncoder();
    private int cryptoId;
    private int hasherId;
    private int storeId;
    private int issId;

    void moduleIds(final int crypto, final int hasher, final int store, final int iss)
    {
        cryptoId = crypto;
        hasherId = hasher;
        storeId = store;
        issId = iss;
    }

    void verifyAndHash(final Emitter emitter, final PendingBatch batch, final Scheme scheme)
    {
        EventBuilder b = emitter.event(cryptoId);
        final VerifyRequestEncoder.ItemsEncoder items = verify.wrapAndApplyHeader(b.buffer(), b.payloadOffset(),
            header).correlationId(batch.id).itemsCount(batch.count);
        for (int i = 0; i < batch.count; i++)
        {
            items.next().scheme(scheme).principalKind(PrincipalKind.CLIENT).principalId(batch.clientId(i))
                .putMessage(batch.records, batch.signableOffsets[i], batch.signableLengths[i])
                .putSignature(batch.records, batch.authOffsets[i], batch.authLengths[i]);
        }
        b.payload(verify).commit();

        b = emitter.event(hasherId);
        final HashRequestEncoder.ItemsEncoder hashItems = hash.wrapAndApplyHeader(b.buffer(), b.payloadOffset(),
            header).correlationId(batch.id).itemsCount(batch.count);
        for (int i = 0; i < batch.count; i++)
        {
            hashItems.next().putData(batch.records, batch.signableOffsets[i], batch.signableLengths[i]);
        }
        b.payload(hash).commit();
    }

    void storeAndRelease(final Emitter emitter, final PendingBatch batch, final int validCount, final long epoch)
    {
        int remaining = validCount;
        for (int i = 0; i < batch.count; i++)
        {
            if (!batch.valid[i])
            {
                continue;
            }
            remaining--;
            final EventBuilder b = emitter.event(storeId);
            put.wrapAndApplyHeader(b.buffer(), b.payloadOffset(), header).clientId(batch.clientId(i))
                .requestNo(batch.requestNo(i)).retentionIndex(epoch)
                .putPayload(batch.records, batch.payloadOffset(i), batch.payloadLength(i));
            b.payload(put);
            if (remaining == 0)
            {
                b.followUp(issId);
                final RequestsReadyEncoder.RequestsEncoder requests = ready.wrapAndApplyHeader(b.buffer(),
                    b.payloadOffset(), issHeader).requestsCount(validCount);
                for (int j = 0; j < batch.count; j++)
                {
                    if (batch.valid[j])
                    {
                        requests.next().clientId(batch.clientId(j)).requestNo(batch.requestNo(j))
                            .putDigest(batch.digests, 32 * j, 32)
                            .putPayload(batch.records, batch.payloadOffset(j), batch.payloadLength(j));
                    }
                }
                b.payload(ready).end();
            }
            b.commit();
        }
    }
}
