package io.jmir.protocols.clients;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * The bytes a client signs (Ed25519) or MACs (HMAC-SHA256 with its key for one node), and that the hasher hashes
 * into the request digest: {@code clientId (int64 LE) | requestNo (int64 LE) | payload}. Shared by the client
 * tracker and the client library so both sides agree.
 * <p>
 * <b>Threading:</b> stateless; any thread.
 */
public final class RequestAuth
{
    /** Bytes before the payload. */
    public static final int PREFIX_LENGTH = 16;

    private RequestAuth()
    {
    }

    /**
     * Write the signed bytes.
     *
     * @param into          destination buffer.
     * @param offset        where to write.
     * @param clientId      client id.
     * @param requestNo     request number.
     * @param payload       payload buffer.
     * @param payloadOffset offset of the payload.
     * @param payloadLength length of the payload.
     * @return number of bytes written.
     */
    public static int signable(
        final MutableDirectBuffer into,
        final int offset,
        final long clientId,
        final long requestNo,
        final DirectBuffer payload,
        final int payloadOffset,
        final int payloadLength)
    {
        into.putLong(offset, clientId, java.nio.ByteOrder.LITTLE_ENDIAN);
        into.putLong(offset + 8, requestNo, java.nio.ByteOrder.LITTLE_ENDIAN);
        into.putBytes(offset + PREFIX_LENGTH, payload, payloadOffset, payloadLength);
        return PREFIX_LENGTH + payloadLength;
    }
}
