package io.jmir.cli.client;

import io.jmir.codecs.engine.ClientRequestDecoder;
import io.jmir.codecs.engine.MessageHeaderDecoder;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import javax.crypto.Mac;
import javax.crypto.ShortBufferException;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * The wire format between clients and a node's client endpoint (Aeron UDP, little endian):
 * <pre>
 * request = magic 'JMRQ' (i32) | version 1 (u8) | replyEndpointLength L (u8, 1..255) | replyEndpoint (L ASCII bytes,
 *           host:port where the client receives replies) | ClientRequest (engine schema, with message header)
 * reply   = magic 'JMRP' (i32) | nodeId (i32) | clientId (i64) | requestNo (i64) | seqNo (i64) |
 *           resultLength R (i32) | result (R bytes) | HMAC-SHA256 over all bytes before it (32 bytes)
 * </pre>
 * The request's ClientRequest carries its own authenticator (signature or MAC, checked by the node's client
 * tracker); the reply MAC uses the pairwise client-node key, so a client accepts a reply only from the node it
 * names. The reply endpoint is not authenticated: a host that can spoof a client's UDP packets can divert that
 * client's replies (a liveness problem for that client, never a safety one).
 * <p>
 * <b>Threading:</b> stateless; any thread.
 */
public final class ClientFrames
{
    /** Request magic ('JMRQ' little endian). */
    public static final int REQUEST_MAGIC = 0x51524D4A;
    /** Reply magic ('JMRP' little endian). */
    public static final int REPLY_MAGIC = 0x50524D4A;
    /** Request frame version. */
    public static final byte VERSION = 1;
    /** Offset of the reply endpoint in a request frame. */
    public static final int ENDPOINT_OFFSET = 6;
    /** Length of the reply header (before the result). */
    public static final int REPLY_HEADER_LENGTH = 36;
    /** Length of the reply MAC. */
    public static final int MAC_LENGTH = 32;
    /** Aeron stream id of client requests and replies. */
    public static final int STREAM_ID = 1101;

    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;

    private ClientFrames()
    {
    }

    /**
     * Write a request frame's prefix.
     *
     * @param buffer   target.
     * @param endpoint reply endpoint bytes (ASCII).
     * @return offset where the ClientRequest message goes.
     */
    public static int writeRequestPrefix(final MutableDirectBuffer buffer, final byte[] endpoint)
    {
        buffer.putInt(0, REQUEST_MAGIC, LE);
        buffer.putByte(4, VERSION);
        buffer.putByte(5, (byte)endpoint.length);
        buffer.putBytes(ENDPOINT_OFFSET, endpoint);
        return ENDPOINT_OFFSET + endpoint.length;
    }

    /**
     * @param buffer frame.
     * @param offset of the frame.
     * @param length of the frame.
     * @return offset of the ClientRequest message relative to the frame start, or -1 when the prefix is invalid.
     */
    public static int requestMessageOffset(final DirectBuffer buffer, final int offset, final int length)
    {
        if (length < ENDPOINT_OFFSET + 1 || buffer.getInt(offset, LE) != REQUEST_MAGIC ||
            buffer.getByte(offset + 4) != VERSION)
        {
            return -1;
        }
        final int endpointLength = buffer.getByte(offset + 5) & 0xFF;
        if (endpointLength == 0 || ENDPOINT_OFFSET + endpointLength >= length)
        {
            return -1;
        }
        for (int i = 0; i < endpointLength; i++)
        {
            final byte b = buffer.getByte(offset + ENDPOINT_OFFSET + i);
            if (b <= ' ' || b > '~')
            {
                return -1;
            }
        }
        return ENDPOINT_OFFSET + endpointLength;
    }

    /**
     * @param buffer frame.
     * @param offset of the frame.
     * @return the reply endpoint of a request frame whose prefix was validated.
     */
    public static String replyEndpoint(final DirectBuffer buffer, final int offset)
    {
        return buffer.getStringWithoutLengthAscii(offset + ENDPOINT_OFFSET, buffer.getByte(offset + 5) & 0xFF);
    }

    /**
     * Check that a ClientRequest message is complete and consistent: engine schema header, ClientRequest template,
     * a block at least as long as this version's, both var-data fields inside the bounds, at most maxPayload
     * payload bytes and nothing after the message.
     *
     * @param buffer     holding it.
     * @param offset     of the message header.
     * @param length     bytes available.
     * @param maxPayload largest payload accepted.
     * @param clientCount client ids must be below this.
     * @return true when well formed.
     */
    public static boolean isWellFormedRequest(final DirectBuffer buffer, final int offset, final int length,
        final int maxPayload, final int clientCount)
    {
        final int headerLength = MessageHeaderDecoder.ENCODED_LENGTH;
        if (length < headerLength)
        {
            return false;
        }
        final int blockLength = buffer.getShort(offset, LE) & 0xFFFF;
        final int templateId = buffer.getShort(offset + 2, LE) & 0xFFFF;
        final int schemaId = buffer.getShort(offset + 4, LE) & 0xFFFF;
        if (schemaId != MessageHeaderDecoder.SCHEMA_ID || templateId != ClientRequestDecoder.TEMPLATE_ID ||
            blockLength < ClientRequestDecoder.BLOCK_LENGTH)
        {
            return false;
        }
        int cursor = headerLength + blockLength;
        if (cursor + 4 > length)
        {
            return false;
        }
        final long clientId = buffer.getLong(offset + headerLength, LE);
        if (clientId < 0 || clientId >= clientCount)
        {
            return false;
        }
        final long payloadLength = buffer.getInt(offset + cursor, LE) & 0xFFFF_FFFFL;
        if (payloadLength > maxPayload || cursor + 4 + payloadLength + 4 > length)
        {
            return false;
        }
        cursor += 4 + (int)payloadLength;
        final long authLength = buffer.getInt(offset + cursor, LE) & 0xFFFF_FFFFL;
        return cursor + 4 + authLength == length;
    }

    /**
     * @param buffer holding a well-formed ClientRequest.
     * @param offset of its header.
     * @return its client id.
     */
    public static long requestClientId(final DirectBuffer buffer, final int offset)
    {
        return buffer.getLong(offset + MessageHeaderDecoder.ENCODED_LENGTH, LE);
    }

    /**
     * Encode a reply frame, MAC included.
     *
     * @param into      target.
     * @param nodeId    node.
     * @param clientId  client.
     * @param requestNo request number.
     * @param seqNo     sequence number of its batch.
     * @param result    result bytes.
     * @param offset    of the result.
     * @param length    of the result.
     * @param mac       initialised with the client-node key.
     * @return frame length.
     */
    @SuppressWarnings("checkstyle:ParameterNumber")
    public static int writeReply(final MutableDirectBuffer into, final int nodeId, final long clientId,
        final long requestNo, final long seqNo, final DirectBuffer result, final int offset, final int length,
        final Mac mac)
    {
        into.putInt(0, REPLY_MAGIC, LE);
        into.putInt(4, nodeId, LE);
        into.putLong(8, clientId, LE);
        into.putLong(16, requestNo, LE);
        into.putLong(24, seqNo, LE);
        into.putInt(32, length, LE);
        into.putBytes(REPLY_HEADER_LENGTH, result, offset, length);
        final int macOffset = REPLY_HEADER_LENGTH + length;
        mac.update(into.byteArray(), 0, macOffset);
        try
        {
            mac.doFinal(into.byteArray(), macOffset);
        }
        catch (final ShortBufferException ex)
        {
            throw new IllegalStateException(ex);
        }
        return macOffset + MAC_LENGTH;
    }

    /**
     * @param buffer frame.
     * @param offset of the frame.
     * @param length of the frame.
     * @return result length of a structurally valid reply frame, or -1.
     */
    public static int replyResultLength(final DirectBuffer buffer, final int offset, final int length)
    {
        if (length < REPLY_HEADER_LENGTH + MAC_LENGTH || buffer.getInt(offset, LE) != REPLY_MAGIC)
        {
            return -1;
        }
        final int resultLength = buffer.getInt(offset + 32, LE);
        return resultLength >= 0 && REPLY_HEADER_LENGTH + resultLength + MAC_LENGTH == length ? resultLength : -1;
    }

    /**
     * @param text host:port.
     * @return the ASCII bytes, checked for length.
     */
    public static byte[] endpointBytes(final String text)
    {
        final byte[] bytes = text.getBytes(StandardCharsets.US_ASCII);
        if (bytes.length == 0 || bytes.length > 255)
        {
            throw new IllegalArgumentException("reply endpoint must be 1..255 ASCII bytes: " + text);
        }
        return bytes;
    }
}
