package io.jmir.examples.client;

import io.jmir.codecs.engine.Scheme;
import org.bouncycastle.math.ec.rfc8032.Ed25519;

/**
 * Ed25519 request signatures (BouncyCastle's RFC 8032 code).
 * <p>
 * <b>Threading:</b> immutable keys; safe from any thread.
 */
public final class Ed25519Authenticator implements ClientAuthenticator
{
    private final byte[] privateKey;
    private final byte[] publicKey;

    /**
     * @param privateKey 32-byte private key.
     * @param publicKey  32-byte public key registered with the cluster.
     */
    public Ed25519Authenticator(final byte[] privateKey, final byte[] publicKey)
    {
        this.privateKey = privateKey.clone();
        this.publicKey = publicKey.clone();
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
        final byte[] signature = new byte[Ed25519.SIGNATURE_SIZE];
        Ed25519.sign(privateKey, 0, publicKey, 0, message, 0, length, signature, 0);
        return signature;
    }
}
