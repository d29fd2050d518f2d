package io.jmir.benchmarks.transport;

import java.security.DigestException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * HMAC-SHA256 for the "raw Aeron + the same authentication" baseline of {@link OneToOneUdpThroughputBenchmark}:
 * the same computation as the net module's MAC (JDK SHA-256 {@code MessageDigest}, key pads computed once, inner
 * and outer hash per message), allocation free, so that the baseline does the authentication work the issue
 * requires of every frame and nothing else.
 * <p>
 * <b>Threading:</b> one instance per thread.
 */
final class BaselineHmac
{
    /** Bytes of a MAC. */
    static final int MAC_LENGTH = 32;
    private static final int BLOCK_LENGTH = 64;

    private final MessageDigest digest;
    private final byte[] innerPad = new byte[BLOCK_LENGTH];
    private final byte[] outerPad = new byte[BLOCK_LENGTH];
    private final byte[] innerHash = new byte[MAC_LENGTH];
    private final byte[] expected = new byte[MAC_LENGTH];

    BaselineHmac(final byte[] key)
    {
        try
        {
            digest = MessageDigest.getInstance("SHA-256");
        }
        catch (final NoSuchAlgorithmException ex)
        {
            throw new IllegalStateException(ex);
        }
        for (int i = 0; i < BLOCK_LENGTH; i++)
        {
            final byte b = i < key.length ? key[i] : 0;
            innerPad[i] = (byte)(b ^ 0x36);
            outerPad[i] = (byte)(b ^ 0x5c);
        }
    }

    void compute(final byte[] data, final int offset, final int length, final byte[] out, final int outOffset)
    {
        try
        {
            digest.reset();
            digest.update(innerPad, 0, BLOCK_LENGTH);
            digest.update(data, offset, length);
            digest.digest(innerHash, 0, MAC_LENGTH);
            digest.update(outerPad, 0, BLOCK_LENGTH);
            digest.update(innerHash, 0, MAC_LENGTH);
            digest.digest(out, outOffset, MAC_LENGTH);
        }
        catch (final DigestException ex)
        {
            throw new IllegalStateException(ex);
        }
    }

    boolean verify(final byte[] data, final int offset, final int length, final byte[] mac, final int macOffset)
    {
        compute(data, offset, length, expected, 0);
        int difference = 0;
        for (int i = 0; i < MAC_LENGTH; i++)
        {
            difference |= expected[i] ^ mac[macOffset + i];
        }
        return difference == 0;
    }
}
