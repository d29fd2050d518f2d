package io.jmir.engine.sim;

import io.jmir.codecs.engine.ClientRequestEncoder;
import io.jmir.codecs.engine.MessageHeaderEncoder;
import io.jmir.codecs.engine.Scheme;
import io.jmir.codecs.engine.TickEncoder;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Encodes the payloads tests submit to simulated nodes.
 */
final class SimEvents
{
    private SimEvents()
    {
    }

    static UnsafeBuffer clientRequest(final long clientId, final long requestNo)
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[128]);
        final ClientRequestEncoder encoder = new ClientRequestEncoder()
            .wrapAndApplyHeader(buffer, 0, new MessageHeaderEncoder())
            .clientId(clientId)
            .requestNo(requestNo)
            .scheme(Scheme.HMAC_SHA256)
            .putPayload(new byte[] {1, 2, 3}, 0, 3)
            .putAuthenticator(new byte[0], 0, 0);
        return new UnsafeBuffer(buffer, 0, MessageHeaderEncoder.ENCODED_LENGTH + encoder.encodedLength());
    }

    static UnsafeBuffer tick(final long tickCount)
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[MessageHeaderEncoder.ENCODED_LENGTH +
            TickEncoder.BLOCK_LENGTH]);
        new TickEncoder().wrapAndApplyHeader(buffer, 0, new MessageHeaderEncoder()).nowNs(0).tickCount(tickCount);
        return buffer;
    }
}
