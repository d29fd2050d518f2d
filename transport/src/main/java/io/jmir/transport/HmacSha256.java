package io.jmir.transport;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * HMAC-SHA256 (RFC 2104) with one fixed key, computed on a reused {@link MessageDigest} so that a MAC costs no
 * allocation. {@code javax.crypto.Mac.doFinal} allocates a 32-byte array per call on JDK 17 (measured: 48 B per
 * MAC), which the frame path cannot afford; this class produces the same bytes (checked against
 * {@code javax.crypto.Mac} in tests) with the JDK's SHA-256 implementation and its intrinsics.
 * <p>
 * The net module's frame MAC; public so that benchmarks can give raw Aeron the same authentication work.
 * <p>
 * <b>Threading:</b> not thread safe; one instance per key per thread.
 */
public final class HmacSha256
{
    /** Length of a MAC in bytes. */
    public static final int MAC_LENGTH = 32;
    private static final int BLOCK_LENGTH = 64;
    private static final byte IPAD = 0x36;
    private static final byte OPAD = 0x5c;

    private final MessageDigest digest;
    private final byte[] innerPad = new byte[BLOCK_LENGTH];
    private final byte[] outerPad = new byte[BLOCK_LENGTH];
    private final byte[] innerHash = new byte[MAC_LENGTH];
    private final byte[] expected = new byte[MAC_LENGTH];

    /**
     * @param key secret key of any length (keys longer than 64 bytes are hashed first, as RFC 2104 says).
     */
    public HmacSha256(final byte[] key)
    {
        digest = newDigest();
        final byte[] k = key.length > BLOCK_LENGTH ? digest.digest(key) : key;
        for (int i = 0; i < BLOCK_LENGTH; i++)
        {
            final byte b = i < k.length ? k[i] : 0;
            innerPad[i] = (byte)(b ^ IPAD);
            outerPad[i] = (byte)(b ^ OPAD);
        }
    }

    /**
     * Compute the MAC of a range of bytes.
     *
     * @param data      holding the bytes.
     * @param offset    of the first byte.
     * @param length    number of bytes.
     * @param out       receives the MAC.
     * @param outOffset where the MAC is written.
     */
    public void compute(final byte[] data, final int offset, final int length, final byte[] out, final int outOffset)
    {
        // The digest is always left reset: digest(...) resets it, and a failure resets it before propagating.
        try
        {
            digest.update(innerPad, 0, BLOCK_LENGTH);
            digest.update(data, offset, length);
            digest.digest(innerHash, 0, MAC_LENGTH);
            digest.update(outerPad, 0, BLOCK_LENGTH);
            digest.update(innerHash, 0, MAC_LENGTH);
            digest.digest(out, outOffset, MAC_LENGTH);
        }
        catch (final java.security.DigestException ex)
        {
            digest.reset();
            throw new IllegalStateException("SHA-256 digest failed", ex);
        }
        catch (final RuntimeException ex)
        {
            digest.reset();
            throw ex;
        }
    }

    /**
     * Check a MAC in constant time (with respect to the MAC bytes).
     *
     * @param data      holding the authenticated bytes.
     * @param offset    of the first byte.
     * @param length    number of bytes.
     * @param mac       holding the MAC to check.
     * @param macOffset of the MAC.
     * @return true when the MAC matches.
     */
    public boolean verify(final byte[] data, final int offset, final int length, final byte[] mac, final int macOffset)
    {
        compute(data, offset, length, expected, 0);
        int difference = 0;
        for (int i = 0; i < MAC_LENGTH; i++)
        {
            difference |= expected[i] ^ mac[macOffset + i];
        }
        return difference == 0;
    }

    static MessageDigest newDigest()
    {
        try
        {
            return MessageDigest.getInstance("SHA-256");
        }
        catch (final NoSuchAlgorithmException ex)
        {
            throw new IllegalStateException("SHA-256 is not available in this JVM", ex);
        }
    }
}
