package io.jmir.examples.client;

import io.jmir.codecs.engine.Scheme;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.security.GeneralSecurityException;

/**
 * HMAC-SHA256 request authenticators, one per node, with the client's pairwise key for that node.
 * <p>
 * <b>Threading:</b> not thread safe (holds Mac instances).
 */
public final class HmacAuthenticator implements ClientAuthenticator
{
    private final Mac[] macs;

    /**
     * @param keysByNode the pairwise key shared with each node, indexed by node id.
     */
    public HmacAuthenticator(final byte[][] keysByNode)
    {
        macs = new Mac[keysByNode.length];
        try
        {
            for (int i = 0; i < keysByNode.length; i++)
            {
                macs[i] = Mac.getInstance("HmacSHA256");
                macs[i].init(new SecretKeySpec(keysByNode[i], "HmacSHA256"));
            }
        }
        catch (final GeneralSecurityException ex)
        {
            throw new IllegalStateException("HmacSHA256 unavailable", ex);
        }
    }

    @Override
    public Scheme scheme()
    {
        return Scheme.HMAC_SHA256;
    }

    @Override
    public boolean perNode()
    {
        return true;
    }

    @Override
    public byte[] authenticate(final int nodeId, final byte[] message, final int length)
    {
        final Mac mac = macs[nodeId];
        mac.update(message, 0, length);
        return mac.doFinal();
    }
}
