package io.jmir.protocols.clients;

import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;

/**
 * Requests staged together for one VerifyRequest and one HashRequest: their signed bytes
 * ({@link RequestAuth#signable}), authenticators, and — once the answers are in — validity and digests. Reused
 * (pooled by the tracker); grows to the largest batch seen.
 * <p>
 * <b>Threading:</b> the client tracker's thread only.
 */
final class PendingBatch
{
    final ExpandableArrayBuffer records = new ExpandableArrayBuffer(4096);
    long id;
    int count;
    int length;
    int[] signableOffsets = new int[64];
    int[] signableLengths = new int[64];
    int[] authOffsets = new int[64];
    int[] authLengths = new int[64];
    boolean[] valid = new boolean[64];
    byte[] digests = new byte[64 * 32];
    boolean verified;
    boolean hashed;

    void reset(final long id)
    {
        this.id = id;
        count = 0;
        length = 0;
        verified = false;
        hashed = false;
    }

    int bytes()
    {
        return length;
    }

    void add(final long clientId, final long requestNo, final DirectBuffer payload, final DirectBuffer auth)
    {
        if (count == valid.length)
        {
            final int capacity = count * 2;
            signableOffsets = java.util.Arrays.copyOf(signableOffsets, capacity);
            signableLengths = java.util.Arrays.copyOf(signableLengths, capacity);
            authOffsets = java.util.Arrays.copyOf(authOffsets, capacity);
            authLengths = java.util.Arrays.copyOf(authLengths, capacity);
            valid = java.util.Arrays.copyOf(valid, capacity);
            digests = java.util.Arrays.copyOf(digests, capacity * 32);
        }
        signableOffsets[count] = length;
        final int signableLength = RequestAuth.signable(records, length, clientId, requestNo, payload, 0,
            payload.capacity());
        signableLengths[count] = signableLength;
        length += signableLength;
        authOffsets[count] = length;
        authLengths[count] = auth.capacity();
        records.putBytes(length, auth, 0, auth.capacity());
        length += auth.capacity();
        valid[count] = false;
        count++;
    }

    long clientId(final int i)
    {
        return records.getLong(signableOffsets[i], java.nio.ByteOrder.LITTLE_ENDIAN);
    }

    long requestNo(final int i)
    {
        return records.getLong(signableOffsets[i] + 8, java.nio.ByteOrder.LITTLE_ENDIAN);
    }

    int payloadOffset(final int i)
    {
        return signableOffsets[i] + RequestAuth.PREFIX_LENGTH;
    }

    int payloadLength(final int i)
    {
        return signableLengths[i] - RequestAuth.PREFIX_LENGTH;
    }
}
