package io.jmir.codecs;

import io.jmir.codecs.engine.ClientRequestDecoder;
import io.jmir.codecs.engine.ClientRequestEncoder;
import io.jmir.codecs.engine.MessageHeaderDecoder;
import io.jmir.codecs.engine.MessageHeaderEncoder;
import io.jmir.codecs.engine.Scheme;
import io.jmir.codecs.engine.TickDecoder;
import io.jmir.codecs.engine.TickEncoder;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Version N (the engine schema, version 1) and a hypothetical N+1 (test schema, version 2, adds Tick.periodNs and
 * ClientRequest.deadlineNs with sinceVersion=2) read each other's messages.
 */
class SchemaEvolutionTest
{
    private final UnsafeBuffer buffer = new UnsafeBuffer(new byte[1024]);
    private final MessageHeaderDecoder header = new MessageHeaderDecoder();

    @Test
    void shouldHaveNextVersionOfSameSchema()
    {
        assertThat(io.jmir.codecs.engine.next.TickEncoder.SCHEMA_ID).isEqualTo(TickEncoder.SCHEMA_ID);
        assertThat(io.jmir.codecs.engine.next.TickEncoder.SCHEMA_VERSION).isEqualTo(TickEncoder.SCHEMA_VERSION + 1);
        assertThat(io.jmir.codecs.engine.next.TickEncoder.BLOCK_LENGTH).isGreaterThan(TickEncoder.BLOCK_LENGTH);
    }

    @Test
    void shouldReadNextVersionTickWithOldDecoder()
    {
        new io.jmir.codecs.engine.next.TickEncoder()
            .wrapAndApplyHeader(buffer, 0, new io.jmir.codecs.engine.next.MessageHeaderEncoder())
            .nowNs(123).tickCount(7).periodNs(1000);
        header.wrap(buffer, 0);
        final TickDecoder decoder = new TickDecoder()
            .wrap(buffer, MessageHeaderDecoder.ENCODED_LENGTH, header.blockLength(), header.version());
        assertThat(header.version()).isEqualTo(2);
        assertThat(decoder.nowNs()).isEqualTo(123);
        assertThat(decoder.tickCount()).isEqualTo(7);
    }

    @Test
    void shouldReadOldVersionTickWithNextDecoderAndSeeAbsentField()
    {
        new TickEncoder().wrapAndApplyHeader(buffer, 0, new MessageHeaderEncoder()).nowNs(5).tickCount(6);
        header.wrap(buffer, 0);
        final io.jmir.codecs.engine.next.TickDecoder decoder = new io.jmir.codecs.engine.next.TickDecoder()
            .wrap(buffer, MessageHeaderDecoder.ENCODED_LENGTH, header.blockLength(), header.version());
        assertThat(decoder.nowNs()).isEqualTo(5);
        assertThat(decoder.tickCount()).isEqualTo(6);
        assertThat(decoder.periodNs()).isEqualTo(io.jmir.codecs.engine.next.TickDecoder.periodNsNullValue());
    }

    @Test
    void shouldReadVarDataAcrossVersionsInBothDirections()
    {
        final byte[] payload = "put k v".getBytes(StandardCharsets.US_ASCII);
        final byte[] auth = {1, 2, 3, 4};

        new io.jmir.codecs.engine.next.ClientRequestEncoder()
            .wrapAndApplyHeader(buffer, 0, new io.jmir.codecs.engine.next.MessageHeaderEncoder())
            .clientId(9).requestNo(10).scheme(io.jmir.codecs.engine.next.Scheme.HMAC_SHA256).deadlineNs(77)
            .putPayload(payload, 0, payload.length).putAuthenticator(auth, 0, auth.length);
        header.wrap(buffer, 0);
        final ClientRequestDecoder oldDecoder = new ClientRequestDecoder()
            .wrap(buffer, MessageHeaderDecoder.ENCODED_LENGTH, header.blockLength(), header.version());
        assertThat(oldDecoder.clientId()).isEqualTo(9);
        assertThat(oldDecoder.scheme()).isEqualTo(Scheme.HMAC_SHA256);
        final byte[] readPayload = new byte[oldDecoder.payloadLength()];
        oldDecoder.getPayload(readPayload, 0, readPayload.length);
        assertThat(readPayload).isEqualTo(payload);
        final byte[] readAuth = new byte[oldDecoder.authenticatorLength()];
        oldDecoder.getAuthenticator(readAuth, 0, readAuth.length);
        assertThat(readAuth).isEqualTo(auth);

        new ClientRequestEncoder().wrapAndApplyHeader(buffer, 0, new MessageHeaderEncoder())
            .clientId(11).requestNo(12).scheme(Scheme.ED25519)
            .putPayload(payload, 0, payload.length).putAuthenticator(auth, 0, auth.length);
        header.wrap(buffer, 0);
        final io.jmir.codecs.engine.next.ClientRequestDecoder newDecoder =
            new io.jmir.codecs.engine.next.ClientRequestDecoder()
                .wrap(buffer, MessageHeaderDecoder.ENCODED_LENGTH, header.blockLength(), header.version());
        assertThat(newDecoder.requestNo()).isEqualTo(12);
        assertThat(newDecoder.deadlineNs())
            .isEqualTo(io.jmir.codecs.engine.next.ClientRequestDecoder.deadlineNsNullValue());
        final byte[] newPayload = new byte[newDecoder.payloadLength()];
        newDecoder.getPayload(newPayload, 0, newPayload.length);
        assertThat(newPayload).isEqualTo(payload);
    }
}
