package io.jmir.transport;

import io.jmir.engine.ConfigurationException;
import org.agrona.collections.Int2ObjectHashMap;

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
     * The keys one node shares with each peer: explicit ones where given, derived ones otherwise.
     *
     * @param nodeId        the node.
     * @param nodeCount     nodes in the cluster.
     * @param clusterId     id of the cluster.
     * @param clusterSecret shared secret, or null when every peer has an explicit key.
     * @param explicitKeys  explicit keys by peer id.
     * @return keys indexed by peer id (null for the node itself).
     * @throws ConfigurationException naming {@code clusterSecret} or {@code peerKey[id]} when a key is missing or
     *                                an explicit key names no peer.
     */
    static byte[][] forNode(
        final int nodeId,
        final int nodeCount,
        final int clusterId,
        final byte[] clusterSecret,
        final Int2ObjectHashMap<byte[]> explicitKeys)
    {
        for (final int peer : explicitKeys.keySet())
        {
            if (peer < 0 || peer >= nodeCount || peer == nodeId)
            {
                throw new ConfigurationException("peerKey[" + peer + "]", "not a peer of node " + nodeId);
            }
        }
        final byte[][] keys = new byte[nodeCount][];
        for (int peer = 0; peer < nodeCount; peer++)
        {
            final byte[] explicit = explicitKeys.get(peer);
            if (peer == nodeId)
            {
                continue;
            }
            if (explicit == null && clusterSecret == null)
            {
                throw new ConfigurationException("clusterSecret",
                    "required (or an explicit peerKey for every peer; missing for node " + peer + ")");
            }
            keys[peer] = explicit != null ? explicit.clone() : derive(clusterSecret, clusterId, nodeId, peer);
        }
        return keys;
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
