package io.jmir.protocols.testkit;

import io.jmir.codecs.engine.PrincipalKind;
import io.jmir.engine.modules.crypto.KeyRegistry;
import org.bouncycastle.math.ec.rfc8032.Ed25519;

/**
 * The keys of a test cluster: the engine's deterministic {@link KeyRegistry} (Ed25519 key pairs of nodes and
 * clients, pairwise HMAC keys derived from the cluster secret) plus the client-side views a client library needs.
 * Thread safe (read-only after construction).
 */
public final class TestKeys
{
    private final KeyRegistry registry;
    private final byte[][] privateKeys;
    private final byte[][] publicKeys;
    private final byte[][][] macKeys;

    public TestKeys(final long seed, final int clientCount, final int nodeCount)
    {
        registry = KeyRegistry.deterministic(seed, nodeCount, clientCount);
        privateKeys = new byte[clientCount][];
        publicKeys = new byte[clientCount][];
        macKeys = new byte[clientCount][nodeCount][];
        for (int c = 0; c < clientCount; c++)
        {
            privateKeys[c] = registry.privateKey(PrincipalKind.CLIENT, c).getEncoded();
            publicKeys[c] = registry.publicKey(PrincipalKind.CLIENT, c).getEncoded();
            for (int n = 0; n < nodeCount; n++)
            {
                macKeys[c][n] = registry.macKey(PrincipalKind.NODE, n, PrincipalKind.CLIENT, c);
            }
        }
    }

    public KeyRegistry registry()
    {
        return registry;
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
}
