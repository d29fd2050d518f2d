package io.jmir.engine.modules.crypto;

import org.bouncycastle.crypto.digests.SHA256Digest;

import java.util.Arrays;

/**
 * An HMAC-SHA256 key with its inner and outer pad states precomputed (RFC 2104), so a MAC costs two digest
 * state copies and no allocation. Immutable after construction: the states are only read (copied from), so
 * one instance may be used by several threads at once.
 */
final class HmacKey
{
    static final int BLOCK_LENGTH = 64;
    static final int MAC_LENGTH = 32;

    private final SHA256Digest innerState = new SHA256Digest();
    private final SHA256Digest outerState = new SHA256Digest();

    HmacKey(final byte[] key)
    {
        final byte[] block = new byte[BLOCK_LENGTH];
        if (key.length > BLOCK_LENGTH)
        {
            final SHA256Digest digest = new SHA256Digest();
            digest.update(key, 0, key.length);
            digest.doFinal(block, 0);
        }
        else
        {
            System.arraycopy(key, 0, block, 0, key.length);
        }
        final byte[] pad = new byte[BLOCK_LENGTH];
        for (int i = 0; i < BLOCK_LENGTH; i++)
        {
            pad[i] = (byte)(block[i] ^ 0x36);
        }
        innerState.update(pad, 0, BLOCK_LENGTH);
        for (int i = 0; i < BLOCK_LENGTH; i++)
        {
            pad[i] = (byte)(block[i] ^ 0x5c);
        }
        outerState.update(pad, 0, BLOCK_LENGTH);
        Arrays.fill(block, (byte)0);
        Arrays.fill(pad, (byte)0);
    }

    SHA256Digest innerState()
    {
        return innerState;
    }

    SHA256Digest outerState()
    {
        return outerState;
    }

    /**
     * Working state for computing MACs: one per thread.
     */
    static final class Mac
    {
        private final SHA256Digest work = new SHA256Digest();
        private final byte[] innerHash = new byte[MAC_LENGTH];
        private final byte[] expected = new byte[MAC_LENGTH];

        void compute(
            final HmacKey key, final byte[] message, final int offset, final int length, final byte[] out,
            final int outOffset)
        {
            work.reset(key.innerState);
            work.update(message, offset, length);
            work.doFinal(innerHash, 0);
            work.reset(key.outerState);
            work.update(innerHash, 0, MAC_LENGTH);
            work.doFinal(out, outOffset);
        }

        boolean verify(
            final HmacKey key,
            final byte[] message,
            final int offset,
            final int length,
            final byte[] mac,
            final int macOffset,
            final int macLength)
        {
            if (macLength != MAC_LENGTH)
            {
                return false;
            }
            compute(key, message, offset, length, expected, 0);
            int difference = 0;
            for (int i = 0; i < MAC_LENGTH; i++)
            {
                difference |= expected[i] ^ mac[macOffset + i];
            }
            return difference == 0;
        }
    }
}
