package io.jmir.protocols.testkit;

import io.jmir.codecs.engine.ClientRequestEncoder;
import io.jmir.codecs.engine.MessageHeaderEncoder;
import io.jmir.codecs.engine.Scheme;
import io.jmir.protocols.clients.RequestAuth;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.security.GeneralSecurityException;

/**
 * Encodes authenticated ClientRequest events (engine schema) for a test client: Ed25519 signature (one for all
 * nodes) or HMAC-SHA256 (one per node). Not thread safe: one instance per client thread.
 */
public final class RequestFactory
{
    private final TestKeys keys;
    private final Scheme scheme;
    private final ClientRequestEncoder request = new ClientRequestEncoder();
    private final MessageHeaderEncoder header = new MessageHeaderEncoder();
    private final ExpandableArrayBuffer signable = new ExpandableArrayBuffer(1024);
    private final UnsafeBuffer payloadView = new UnsafeBuffer(0, 0);
    private final byte[] signature = new byte[64];
    private final Mac mac;
    private byte[] message = new byte[1024];

    public RequestFactory(final TestKeys keys, final Scheme scheme)
    {
        this.keys = keys;
        this.scheme = scheme;
        try
        {
            mac = Mac.getInstance("HmacSHA256");
        }
        catch (final GeneralSecurityException ex)
        {
            throw new IllegalStateException(ex);
        }
    }

    public Scheme scheme()
    {
        return scheme;
    }

    /**
     * Encode a request for a node at offset 0 of {@code into}. For Ed25519 the signature is computed only when
     * {@code resign} is true (the same signature serves every node).
     *
     * @return encoded length.
     */
    public int encode(final ExpandableArrayBuffer into, final int clientId, final long requestNo,
        final DirectBuffer payload, final int payloadOffset, final int payloadLength, final int nodeId,
        final boolean resign)
    {
        final int length = RequestAuth.signable(signable, 0, clientId, requestNo, payload, payloadOffset,
            payloadLength);
        if (message.length < length)
        {
            message = new byte[Math.max(length, 2 * message.length)];
        }
        signable.getBytes(0, message, 0, length);
        final int signatureLength;
        if (scheme == Scheme.ED25519)
        {
            if (resign)
            {
                keys.sign(clientId, message, length, signature);
            }
            signatureLength = 64;
        }
        else
        {
            try
            {
                mac.init(new SecretKeySpec(keys.macKey(clientId, nodeId), "HmacSHA256"));
                mac.update(message, 0, length);
                mac.doFinal(signature, 0);
            }
            catch (final GeneralSecurityException ex)
            {
                throw new IllegalStateException(ex);
            }
            signatureLength = 32;
        }
        payloadView.wrap(payload, payloadOffset, payloadLength);
        request.wrapAndApplyHeader(into, 0, header).clientId(clientId).requestNo(requestNo).scheme(scheme)
            .putPayload(payloadView, 0, payloadLength).putAuthenticator(signature, 0, signatureLength);
        return MessageHeaderEncoder.ENCODED_LENGTH + request.encodedLength();
    }
}
