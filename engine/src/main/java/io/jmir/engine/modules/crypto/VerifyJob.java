package io.jmir.engine.modules.crypto;

/**
 * One VerifyRequest copied out of its event: the items' bytes in one array, each item's resolved key (an
 * Ed25519 public key, an {@link HmacKey}, or null for an unknown principal or unusable scheme) and the
 * per-item outcome. Arrays only grow. Filled by the module's thread before the job is published to the
 * workers; {@link #valid} entries are written by the workers (distinct indices) and read by the module's
 * thread after every worker has passed the job.
 */
final class VerifyJob
{
    static final byte ED25519 = 1;
    static final byte HMAC = 2;
    static final byte INVALID = 0;

    long correlationId;
    boolean malformed;
    int replyTo;
    int count;
    int dataLength;
    byte[] data = new byte[1024];
    byte[] scheme = new byte[8];
    Object[] key = new Object[8];
    int[] messageOffset = new int[8];
    int[] messageLength = new int[8];
    int[] signatureOffset = new int[8];
    int[] signatureLength = new int[8];
    boolean[] valid = new boolean[8];

    void reset(final long correlationId, final int replyTo, final int count)
    {
        this.correlationId = correlationId;
        this.malformed = false;
        this.replyTo = replyTo;
        this.count = count;
        this.dataLength = 0;
        if (scheme.length < count)
        {
            final int capacity = Math.max(count, scheme.length << 1);
            scheme = new byte[capacity];
            key = new Object[capacity];
            messageOffset = new int[capacity];
            messageLength = new int[capacity];
            signatureOffset = new int[capacity];
            signatureLength = new int[capacity];
            valid = new boolean[capacity];
        }
    }

    /**
     * Reserve room for {@code length} more bytes of item data.
     *
     * @param length bytes to append.
     * @return offset in {@link #data} to write them at.
     */
    int reserve(final int length)
    {
        final int offset = dataLength;
        final long required = (long)offset + length;
        if (required > data.length)
        {
            if (required > Integer.MAX_VALUE - 8)
            {
                throw new IllegalArgumentException("verify request too large: " + required + " bytes");
            }
            final byte[] grown = new byte[(int)Math.max(required, Math.min(Integer.MAX_VALUE - 8L, 2L * data.length))];
            System.arraycopy(data, 0, grown, 0, offset);
            data = grown;
        }
        dataLength = (int)required;
        return offset;
    }

    void releaseKeys()
    {
        for (int i = 0; i < count; i++)
        {
            key[i] = null;
        }
    }
}
