package io.jmir.examples.kv;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import java.nio.charset.StandardCharsets;

/**
 * Wire format of key-value commands and results (request payloads and reply results of {@link KvStore}). Little
 * endian, length-prefixed:
 * <pre>
 *   PUT     = 1 | keyLen:u16 | key | valueLen:i32 | value
 *   GET     = 2 | keyLen:u16 | key
 *   DELETE  = 3 | keyLen:u16 | key
 *   CAS     = 4 | keyLen:u16 | key | expectedLen:i32 (-1 = absent) | expected | valueLen:i32 | value
 *   result  = status:u8 (0 OK, 1 NOT_FOUND, 2 CAS_FAILED, 3 BAD_COMMAND) | valueLen:i32 | value
 * </pre>
 * PUT returns OK with the previous value (empty if none); GET returns OK with the value or NOT_FOUND; DELETE
 * returns OK with the removed value or NOT_FOUND; CAS returns OK when the current value equalled the expected one
 * (absent when expectedLen is -1) and was replaced, else CAS_FAILED with the current value.
 * <p>
 * <b>Threading:</b> stateless; any thread.
 */
public final class KvCommands
{
    /** Put. */
    public static final byte PUT = 1;
    /** Get. */
    public static final byte GET = 2;
    /** Delete. */
    public static final byte DELETE = 3;
    /** Compare and set. */
    public static final byte CAS = 4;
    /** Result status: done. */
    public static final byte OK = 0;
    /** Result status: key absent. */
    public static final byte NOT_FOUND = 1;
    /** Result status: compare-and-set did not match. */
    public static final byte CAS_FAILED = 2;
    /** Result status: payload is not a valid command. */
    public static final byte BAD_COMMAND = 3;
    /** Longest key in bytes. */
    public static final int MAX_KEY = 1024;

    private KvCommands()
    {
    }

    /**
     * @param key   key.
     * @param value value.
     * @return encoded PUT.
     */
    public static byte[] put(final String key, final byte[] value)
    {
        final byte[] k = key.getBytes(StandardCharsets.UTF_8);
        final java.nio.ByteBuffer b = buffer(1 + 2 + k.length + 4 + value.length);
        return b.put(PUT).putShort((short)k.length).put(k).putInt(value.length).put(value).array();
    }

    /**
     * @param key key.
     * @return encoded GET.
     */
    public static byte[] get(final String key)
    {
        return keyOnly(GET, key);
    }

    /**
     * @param key key.
     * @return encoded DELETE.
     */
    public static byte[] delete(final String key)
    {
        return keyOnly(DELETE, key);
    }

    /**
     * @param key      key.
     * @param expected expected current value, null for "absent".
     * @param value    new value.
     * @return encoded CAS.
     */
    public static byte[] compareAndSet(final String key, final byte[] expected, final byte[] value)
    {
        final byte[] k = key.getBytes(StandardCharsets.UTF_8);
        final int expectedLength = expected == null ? 0 : expected.length;
        final java.nio.ByteBuffer b = buffer(1 + 2 + k.length + 4 + expectedLength + 4 + value.length);
        b.put(CAS).putShort((short)k.length).put(k).putInt(expected == null ? -1 : expected.length);
        if (expected != null)
        {
            b.put(expected);
        }
        return b.putInt(value.length).put(value).array();
    }

    /**
     * @param result encoded result.
     * @return its status byte.
     */
    public static byte status(final byte[] result)
    {
        return result[0];
    }

    /**
     * @param result encoded result.
     * @return its value bytes.
     */
    public static byte[] value(final byte[] result)
    {
        final java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(result).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        b.get();
        final byte[] value = new byte[b.getInt()];
        b.get(value);
        return value;
    }

    static int writeResult(final MutableDirectBuffer into, final byte status, final byte[] value)
    {
        into.putByte(0, status);
        final int length = value == null ? 0 : value.length;
        into.putInt(1, length, java.nio.ByteOrder.LITTLE_ENDIAN);
        if (length > 0)
        {
            into.putBytes(5, value);
        }
        return 5 + length;
    }

    static int keyLength(final DirectBuffer payload)
    {
        return payload.getShort(1, java.nio.ByteOrder.LITTLE_ENDIAN) & 0xFFFF;
    }

    private static byte[] keyOnly(final byte op, final String key)
    {
        final byte[] k = key.getBytes(StandardCharsets.UTF_8);
        return buffer(1 + 2 + k.length).put(op).putShort((short)k.length).put(k).array();
    }

    private static java.nio.ByteBuffer buffer(final int length)
    {
        return java.nio.ByteBuffer.allocate(length).order(java.nio.ByteOrder.LITTLE_ENDIAN);
    }
}
