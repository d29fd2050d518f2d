package io.jmir.cli.client;

import io.jmir.codecs.engine.ClientRequestEncoder;
import io.jmir.codecs.engine.MessageHeaderEncoder;
import io.jmir.codecs.engine.Scheme;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import static org.assertj.core.api.Assertions.assertThat;

class ClientFramesTest
{
    private static int request(final ExpandableArrayBuffer frame, final long clientId, final int payload)
    {
        final int offset = ClientFrames.writeRequestPrefix(frame, ClientFrames.endpointBytes("127.0.0.1:4000"));
        final ClientRequestEncoder encoder = new ClientRequestEncoder();
        encoder.wrapAndApplyHeader(frame, offset, new MessageHeaderEncoder()).clientId(clientId).requestNo(7)
            .scheme(Scheme.HMAC_SHA256).putPayload(new byte[payload], 0, payload).putAuthenticator(new byte[32], 0, 32);
        return offset + MessageHeaderEncoder.ENCODED_LENGTH + encoder.encodedLength();
    }

    @Test
    void shouldAcceptAWellFormedRequestAndReadItsEndpointAndClient()
    {
        final ExpandableArrayBuffer frame = new ExpandableArrayBuffer();
        final int length = request(frame, 3, 100);
        final int messageOffset = ClientFrames.requestMessageOffset(frame, 0, length);
        assertThat(messageOffset).isEqualTo(6 + "127.0.0.1:4000".length());
        assertThat(ClientFrames.replyEndpoint(frame, 0)).isEqualTo("127.0.0.1:4000");
        assertThat(ClientFrames.isWellFormedRequest(frame, messageOffset, length - messageOffset, 4096, 16)).isTrue();
        assertThat(ClientFrames.requestClientId(frame, messageOffset)).isEqualTo(3);
    }

    @Test
    void shouldRejectUnknownClientsOversizedPayloadsTruncationAndTrailingBytes()
    {
        final ExpandableArrayBuffer frame = new ExpandableArrayBuffer();
        final int length = request(frame, 16, 100);
        final int at = ClientFrames.requestMessageOffset(frame, 0, length);
        assertThat(ClientFrames.isWellFormedRequest(frame, at, length - at, 4096, 16)).isFalse();
        assertThat(ClientFrames.isWellFormedRequest(frame, at, length - at, 99, 17)).isFalse();
        assertThat(ClientFrames.isWellFormedRequest(frame, at, length - at - 1, 4096, 17)).isFalse();
        assertThat(ClientFrames.isWellFormedRequest(frame, at, length - at + 1, 4096, 17)).isFalse();
        assertThat(ClientFrames.isWellFormedRequest(frame, at, length - at, 4096, 17)).isTrue();
    }

    @Test
    void shouldWriteRepliesWhoseMacCoversEveryByte() throws Exception
    {
        final Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(new byte[32], "HmacSHA256"));
        final ExpandableArrayBuffer frame = new ExpandableArrayBuffer();
        final int length = ClientFrames.writeReply(frame, 2, 5, 9, 11, new UnsafeBuffer(new byte[] {1, 2, 3}), 0, 3,
            mac);
        assertThat(ClientFrames.replyResultLength(frame, 0, length)).isEqualTo(3);
        assertThat(ClientFrames.replyResultLength(frame, 0, length - 1)).isEqualTo(-1);
        final byte[] expected = mac.doFinal(java.util.Arrays.copyOf(frame.byteArray(), length - 32));
        assertThat(java.util.Arrays.copyOfRange(frame.byteArray(), length - 32, length)).isEqualTo(expected);
    }

    @Property(tries = 500)
    void shouldNeverThrowOnArbitraryBytes(@ForAll @Size(max = 300) final byte[] bytes,
        @ForAll @IntRange(min = 0, max = 64) final int clients)
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(bytes);
        final int offset = ClientFrames.requestMessageOffset(buffer, 0, bytes.length);
        if (offset >= 0)
        {
            ClientFrames.isWellFormedRequest(buffer, offset, bytes.length - offset, 4096, clients);
        }
        ClientFrames.isWellFormedRequest(buffer, 0, bytes.length, 4096, clients);
        ClientFrames.replyResultLength(buffer, 0, bytes.length);
    }
}
