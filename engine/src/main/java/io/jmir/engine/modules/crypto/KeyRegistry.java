package io.jmir.engine.modules.crypto;

import io.jmir.codecs.engine.PrincipalKind;
import io.jmir.engine.ConfigurationException;
import org.agrona.collections.Long2ObjectHashMap;
import org.agrona.collections.LongArrayList;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;

import java.nio.charset.StandardCharsets;

/**
 * The keys of a cluster: Ed25519 key pairs or public keys of nodes and clients, and the cluster secret from
 * which every pairwise HMAC-SHA256 key is derived.
 * <p>
 * <b>Pairwise MAC keys.</b> Both ends of a pair derive the same key without exchanging anything:
 * <pre>
 *   macKey(a, b) = HMAC-SHA256(key = clusterSecret,
 *                              "jmir-mac" (8 ASCII bytes) || kind(lo) (1 byte) || id(lo) (8 bytes LE)
 *                                                         || kind(hi) (1 byte) || id(hi) (8 bytes LE))
 * </pre>
 * where lo and hi are the two principals ordered by (kind code, id) — NODE (1) before CLIENT (2), then the
 * smaller id — so {@code macKey(a, b) == macKey(b, a)}. Pairs are (node, node) and (node, client). Whoever
 * knows the cluster secret can derive every pairwise key: in a deployment it is handed only to the nodes,
 * and clients receive their own pairwise keys out of band.
 * <p>
 * <b>Deterministic keys</b> for tests and demos ({@link #deterministic(byte[], int, int)}):
 * {@code clusterSecret = SHA-256("jmir-cluster-secret" || seed)} and the 32-byte Ed25519 private key of a
 * principal is {@code SHA-256("jmir-ed25519" || seed || kind (1 byte) || id (8 bytes LE))}. Never use them
 * outside tests: anyone who knows the seed knows every key.
 * <p>
 * <b>Threading:</b> built on one thread before the nodes that use it start; read-only afterwards, when any
 * thread may read it (node start publishes it safely).
 */
public final class KeyRegistry
{
    /** Shortest cluster secret accepted. */
    public static final int MIN_SECRET_LENGTH = 16;
    /** Length of an Ed25519 signature. */
    public static final int SIGNATURE_LENGTH = Ed25519PrivateKeyParameters.SIGNATURE_SIZE;
    /** Length of an HMAC-SHA256 MAC. */
    public static final int MAC_LENGTH = HmacKey.MAC_LENGTH;

    private static final byte[] MAC_LABEL = "jmir-mac".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] SECRET_LABEL = "jmir-cluster-secret".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] ED25519_LABEL = "jmir-ed25519".getBytes(StandardCharsets.US_ASCII);

    private final HmacKey clusterKey;
    private final Long2ObjectHashMap<Ed25519PublicKeyParameters> nodePublicKeys = new Long2ObjectHashMap<>();
    private final Long2ObjectHashMap<Ed25519PublicKeyParameters> clientPublicKeys = new Long2ObjectHashMap<>();
    private final Long2ObjectHashMap<Ed25519PrivateKeyParameters> nodePrivateKeys = new Long2ObjectHashMap<>();
    private final Long2ObjectHashMap<Ed25519PrivateKeyParameters> clientPrivateKeys = new Long2ObjectHashMap<>();
    private final LongArrayList clientIds = new LongArrayList();

    /**
     * @param clusterSecret secret shared by the nodes, at least {@link #MIN_SECRET_LENGTH} bytes (copied).
     * @throws ConfigurationException naming {@code clusterSecret} when too short.
     */
    public KeyRegistry(final byte[] clusterSecret)
    {
        if (clusterSecret == null || clusterSecret.length < MIN_SECRET_LENGTH)
        {
            throw new ConfigurationException("clusterSecret",
                "must be at least " + MIN_SECRET_LENGTH + " bytes, was " +
                (clusterSecret == null ? "null" : clusterSecret.length + " bytes"));
        }
        this.clusterKey = new HmacKey(clusterSecret.clone());
    }

    /**
     * A registry whose every key derives from a seed (see the type description): key pairs for nodes
     * {@code 0..nodeCount-1} and clients {@code 0..clientCount-1}. For tests and demos only.
     *
     * @param seed        any bytes.
     * @param nodeCount   nodes to create key pairs for.
     * @param clientCount clients to create key pairs for.
     * @return the registry.
     */
    public static KeyRegistry deterministic(final byte[] seed, final int nodeCount, final int clientCount)
    {
        final SHA256Digest digest = new SHA256Digest();
        final byte[] secret = new byte[32];
        digest.update(SECRET_LABEL, 0, SECRET_LABEL.length);
        digest.update(seed, 0, seed.length);
        digest.doFinal(secret, 0);
        final KeyRegistry registry = new KeyRegistry(secret);
        for (int i = 0; i < nodeCount; i++)
        {
            registry.addKeyPair(PrincipalKind.NODE, i, derivePrivateKey(seed, PrincipalKind.NODE, i));
        }
        for (int i = 0; i < clientCount; i++)
        {
            registry.addKeyPair(PrincipalKind.CLIENT, i, derivePrivateKey(seed, PrincipalKind.CLIENT, i));
        }
        return registry;
    }

    /**
     * {@link #deterministic(byte[], int, int)} with the seed's 8 little-endian bytes.
     *
     * @param seed        any number.
     * @param nodeCount   nodes to create key pairs for.
     * @param clientCount clients to create key pairs for.
     * @return the registry.
     */
    public static KeyRegistry deterministic(final long seed, final int nodeCount, final int clientCount)
    {
        final byte[] bytes = new byte[8];
        putLong(bytes, 0, seed);
        return deterministic(bytes, nodeCount, clientCount);
    }

    /**
     * The deterministic Ed25519 private key of a principal (see the type description).
     *
     * @param seed any bytes.
     * @param kind of the principal.
     * @param id   of the principal.
     * @return its private key.
     */
    public static Ed25519PrivateKeyParameters derivePrivateKey(
        final byte[] seed, final PrincipalKind kind, final long id)
    {
        final SHA256Digest digest = new SHA256Digest();
        final byte[] block = new byte[9];
        block[0] = (byte)kind.value();
        putLong(block, 1, id);
        final byte[] privateKey = new byte[32];
        digest.update(ED25519_LABEL, 0, ED25519_LABEL.length);
        digest.update(seed, 0, seed.length);
        digest.update(block, 0, block.length);
        digest.doFinal(privateKey, 0);
        return new Ed25519PrivateKeyParameters(privateKey, 0);
    }

    /**
     * Register a principal's key pair (its public key included).
     *
     * @param kind       of the principal.
     * @param id         of the principal.
     * @param privateKey its private key.
     * @return this.
     * @throws IllegalArgumentException when the kind is neither NODE nor CLIENT.
     */
    public KeyRegistry addKeyPair(final PrincipalKind kind, final long id, final Ed25519PrivateKeyParameters privateKey)
    {
        requireKind(kind);
        privateKeys(kind).put(id, privateKey);
        return addPublicKey(kind, id, privateKey.generatePublicKey());
    }

    /**
     * Register a principal's public key.
     *
     * @param kind      of the principal.
     * @param id        of the principal.
     * @param publicKey its public key.
     * @return this.
     * @throws IllegalArgumentException when the kind is neither NODE nor CLIENT.
     */
    public KeyRegistry addPublicKey(final PrincipalKind kind, final long id, final Ed25519PublicKeyParameters publicKey)
    {
        requireKind(kind);
        if (publicKeys(kind).put(id, publicKey) == null && kind == PrincipalKind.CLIENT)
        {
            clientIds.addLong(id);
        }
        return this;
    }

    /**
     * Register a client that authenticates with MACs only (no public key).
     *
     * @param clientId of the client.
     * @return this.
     */
    public KeyRegistry addClient(final long clientId)
    {
        if (!clientIds.containsLong(clientId))
        {
            clientIds.addLong(clientId);
        }
        return this;
    }

    /**
     * @param kind of the principal (null or unknown kinds have no key).
     * @param id   of the principal.
     * @return its public key, or null when unknown.
     */
    public Ed25519PublicKeyParameters publicKey(final PrincipalKind kind, final long id)
    {
        final Long2ObjectHashMap<Ed25519PublicKeyParameters> keys = publicKeys(kind);
        return keys == null ? null : keys.get(id);
    }

    /**
     * @param kind of the principal.
     * @param id   of the principal.
     * @return its private key, or null when this registry does not hold it.
     */
    public Ed25519PrivateKeyParameters privateKey(final PrincipalKind kind, final long id)
    {
        final Long2ObjectHashMap<Ed25519PrivateKeyParameters> keys = privateKeys(kind);
        return keys == null ? null : keys.get(id);
    }

    /**
     * @param clientId a client id.
     * @return true when the client is registered (with a public key or for MACs).
     */
    public boolean isKnownClient(final long clientId)
    {
        return clientIds.containsLong(clientId);
    }

    /**
     * @return ids of the registered clients, in registration order (a copy).
     */
    public long[] clientIds()
    {
        return clientIds.toLongArray();
    }

    /**
     * The pairwise HMAC-SHA256 key of two principals (see the type description); symmetric in its arguments.
     *
     * @param kindA kind of one principal.
     * @param idA   id of one principal.
     * @param kindB kind of the other.
     * @param idB   id of the other.
     * @return the 32-byte key.
     * @throws IllegalArgumentException when a kind is neither NODE nor CLIENT.
     */
    public byte[] macKey(final PrincipalKind kindA, final long idA, final PrincipalKind kindB, final long idB)
    {
        requireKind(kindA);
        requireKind(kindB);
        final boolean aFirst = kindA.value() < kindB.value() || (kindA == kindB && idA <= idB);
        final byte[] data = new byte[MAC_LABEL.length + 18];
        System.arraycopy(MAC_LABEL, 0, data, 0, MAC_LABEL.length);
        int offset = MAC_LABEL.length;
        data[offset] = (byte)(aFirst ? kindA : kindB).value();
        putLong(data, offset + 1, aFirst ? idA : idB);
        offset += 9;
        data[offset] = (byte)(aFirst ? kindB : kindA).value();
        putLong(data, offset + 1, aFirst ? idB : idA);
        final byte[] key = new byte[MAC_LENGTH];
        new HmacKey.Mac().compute(clusterKey, data, 0, data.length, key, 0);
        return key;
    }

    private Long2ObjectHashMap<Ed25519PublicKeyParameters> publicKeys(final PrincipalKind kind)
    {
        if (kind == PrincipalKind.NODE)
        {
            return nodePublicKeys;
        }
        return kind == PrincipalKind.CLIENT ? clientPublicKeys : null;
    }

    private Long2ObjectHashMap<Ed25519PrivateKeyParameters> privateKeys(final PrincipalKind kind)
    {
        if (kind == PrincipalKind.NODE)
        {
            return nodePrivateKeys;
        }
        return kind == PrincipalKind.CLIENT ? clientPrivateKeys : null;
    }

    private static void requireKind(final PrincipalKind kind)
    {
        if (kind != PrincipalKind.NODE && kind != PrincipalKind.CLIENT)
        {
            throw new IllegalArgumentException("principal kind must be NODE or CLIENT, was " + kind);
        }
    }

    private static void putLong(final byte[] bytes, final int offset, final long value)
    {
        for (int i = 0; i < 8; i++)
        {
            bytes[offset + i] = (byte)(value >>> (8 * i));
        }
    }
}
