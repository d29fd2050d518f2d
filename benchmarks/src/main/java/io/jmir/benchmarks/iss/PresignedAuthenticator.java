package io.jmir.benchmarks.iss;

import io.jmir.codecs.engine.Scheme;
import io.jmir.examples.client.ClientAuthenticator;
import io.jmir.protocols.clients.RequestAuth;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.bouncycastle.math.ec.rfc8032.Ed25519;

import java.util.function.LongFunction;

/**
 * Ed25519 signatures computed before the measurement for request numbers 0 .. count-1 (the payload of request n
 * must be {@code payloads.apply(n)}), so that the clients' signing — done on other machines in a deployment — does
 * not take CPU from the 4 nodes sharing this machine's 2 cores. Requests beyond the precomputed range are signed
 * live. The caller guarantees that request n carries {@code payloads.apply(n)}.
 * <p>
 * <b>Threading:</b> one client thread.
 */
final class PresignedAuthenticator implements ClientAuthenticator
{
    private final byte[] privateKey;
    private final byte[] publicKey;
    private final byte[][] signatures;

    PresignedAuthenticator(final long clientId, final byte[] privateKey, final byte[] publicKey, final int count,
        final LongFunction<byte[]> payloads)
    {
        this.privateKey = privateKey.clone();
        this.publicKey = publicKey.clone();
        signatures = new byte[count][];
        final ExpandableArrayBuffer signable = new ExpandableArrayBuffer(1024);
        byte[] message = new byte[1024];
        for (int n = 0; n < count; n++)
        {
            final byte[] payload = payloads.apply(n);
            final int length = RequestAuth.signable(signable, 0, clientId, n, new UnsafeBuffer(payload), 0,
                payload.length);
            if (message.length < length)
            {
                message = new byte[length];
            }
            signable.getBytes(0, message, 0, length);
            signatures[n] = new byte[Ed25519.SIGNATURE_SIZE];
            Ed25519.sign(privateKey, 0, publicKey, 0, message, 0, length, signatures[n], 0);
        }
    }

    @Override
    public Scheme scheme()
    {
        return Scheme.ED25519;
    }

    @Override
    public boolean perNode()
    {
        return false;
    }

    @Override
    public byte[] authenticate(final int nodeId, final byte[] message, final int length)
    {
        final long requestNo = new UnsafeBuffer(message).getLong(8, java.nio.ByteOrder.LITTLE_ENDIAN);
        if (requestNo >= 0 && requestNo < signatures.length)
        {
            return signatures[(int)requestNo];
        }
        final byte[] signature = new byte[Ed25519.SIGNATURE_SIZE];
        Ed25519.sign(privateKey, 0, publicKey, 0, message, 0, length, signature, 0);
        return signature;
    }
}
