package io.jmir.protocols.testkit;

import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.math.ec.rfc8032.Ed25519;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Deterministic keys of a test cluster's clients: an Ed25519 key pair per client (private key = SHA-256 of a seed
 * and the client id) and a pairwise HMAC-SHA256 key per (client, node). Stand-in for the engine's KeyRegistry
 * until it lands. Thread safe (immutable after construction).
 */
public final class TestKeys
{
    private final byte[][] privateKeys;
    private final byte[][] publicKeys;
    private final byte[][][] macKeys;

    public TestKeys(final long seed, final int clientCount, final int nodeCount)
    {
        privateKeys = new byte[clientCount][];
        publicKeys = new byte[clientCount][];
        macKeys = new byte[clientCount][nodeCount][];
        for (int c = 0; c < clientCount; c++)
        {
            privateKeys[c] = sha256("ed25519:" + seed + ":" + c);
            publicKeys[c] = new Ed25519PrivateKeyParameters(privateKeys[c], 0).generatePublicKey().getEncoded();
            for (int n = 0; n < nodeCount; n++)
            {
                macKeys[c][n] = sha256("hmac:" + seed + ":" + c + ":" + n);
            }
        }
    }

    public int clientCount()
    {
        return privateKeys.length;
    }

    public byte[] publicKey(final int clientId)
    {
        return publicKeys[clientId];
    }

    public byte[] privateKey(final int clientId)
    {
        return privateKeys[clientId];
    }

    public byte[] macKey(final int clientId, final int nodeId)
    {
        return macKeys[clientId][nodeId];
    }

    /** Ed25519 signature of message[0, length) by the client. */
    public void sign(final int clientId, final byte[] message, final int length, final byte[] signature)
    {
        Ed25519.sign(privateKeys[clientId], 0, publicKeys[clientId], 0, message, 0, length, signature, 0);
    }

    private static byte[] sha256(final String text)
    {
        try
        {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        }
        catch (final NoSuchAlgorithmException ex)
        {
            throw new IllegalStateException(ex);
        }
    }
}
