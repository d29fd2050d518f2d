package io.jmir.transport;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;

/**
 * Derivation of the pairwise frame keys from the cluster secret.
 * <pre>
 *   key(i, j) = HMAC-SHA256(clusterSecret, "jmir-transport-pairwise-key-v1" || le32(clusterId) || le32(min(i, j))
 *                                          || le32(max(i, j)))
 * </pre>
 * The key of a pair is symmetric (both directions use it); frames carry the receiver id so a frame cannot be
 * reflected back to its sender. Every holder of the cluster secret can derive every key: keys set explicitly per
 * peer ({@link TransportContext#peerKey(int, byte[])}) replace derived ones where nodes must not be able to
 * impersonate each other. Called once at startup; allocation here is fine.
 */
final class PairwiseKeys
{
    /** Domain separation label of the derivation. */
    static final String LABEL = "jmir-transport-pairwise-key-v1";

    private PairwiseKeys()
    {
    }

    /**
     * @param clusterSecret shared secret of the cluster.
     * @param clusterId     id of the cluster.
     * @param nodeA         one node of the pair.
     * @param nodeB         the other node.
     * @return the 32-byte key of the pair.
     */
    static byte[] derive(final byte[] clusterSecret, final int clusterId, final int nodeA, final int nodeB)
    {
        final byte[] label = LABEL.getBytes(StandardCharsets.US_ASCII);
        final ByteBuffer input = ByteBuffer.allocate(label.length + 12).order(ByteOrder.LITTLE_ENDIAN);
        input.put(label).putInt(clusterId).putInt(Math.min(nodeA, nodeB)).putInt(Math.max(nodeA, nodeB));
        try
        {
            final Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(clusterSecret, "HmacSHA256"));
            return mac.doFinal(input.array());
        }
        catch (final GeneralSecurityException ex)
        {
            throw new IllegalStateException("HmacSHA256 is not available in this JVM", ex);
        }
    }
}
