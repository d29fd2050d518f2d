package io.jmir.examples.kv;

import io.jmir.protocols.app.Application;
import io.jmir.protocols.app.Batch;
import io.jmir.protocols.app.Results;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;

/**
 * Replicated key-value store: put, get, delete, compare-and-set ({@link KvCommands} is the wire format). Keys are
 * UTF-8 strings kept in a sorted map, so the snapshot (entries in key order) is byte-identical on every replica
 * with the same state. Malformed commands get a BAD_COMMAND result and change nothing.
 * <p>
 * <b>Threading:</b> as every {@link Application}: called only by the hosting app module's thread, one call at a
 * time. {@link #copyOfState()} is for tests after the node stopped (or from that thread).
 */
public final class KvStore implements Application
{
    private final TreeMap<String, byte[]> map = new TreeMap<>();
    private final ExpandableArrayBuffer result = new ExpandableArrayBuffer(256);
    private long applied;

    @Override
    public void apply(final long seqNo, final Batch batch, final Results results)
    {
        for (int i = 0; i < batch.size(); i++)
        {
            final int length = execute(batch.payload(i));
            results.set(i, result, 0, length);
            applied++;
        }
    }

    private int execute(final DirectBuffer payload)
    {
        final int length = payload.capacity();
        if (length < 3)
        {
            return KvCommands.writeResult(result, KvCommands.BAD_COMMAND, null);
        }
        final byte op = payload.getByte(0);
        final int keyLength = KvCommands.keyLength(payload);
        if (keyLength > KvCommands.MAX_KEY || 3 + keyLength > length)
        {
            return KvCommands.writeResult(result, KvCommands.BAD_COMMAND, null);
        }
        final byte[] keyBytes = new byte[keyLength];
        payload.getBytes(3, keyBytes);
        final String key = new String(keyBytes, StandardCharsets.UTF_8);
        int cursor = 3 + keyLength;
        switch (op)
        {
            case KvCommands.GET:
            {
                final byte[] value = map.get(key);
                return KvCommands.writeResult(result, value == null ? KvCommands.NOT_FOUND : KvCommands.OK, value);
            }
            case KvCommands.DELETE:
            {
                final byte[] value = map.remove(key);
                return KvCommands.writeResult(result, value == null ? KvCommands.NOT_FOUND : KvCommands.OK, value);
            }
            case KvCommands.PUT:
            {
                final byte[] value = readBytes(payload, cursor, false);
                if (value == null)
                {
                    return KvCommands.writeResult(result, KvCommands.BAD_COMMAND, null);
                }
                return KvCommands.writeResult(result, KvCommands.OK, map.put(key, value));
            }
            case KvCommands.CAS:
            {
                if (cursor + 4 > length)
                {
                    return KvCommands.writeResult(result, KvCommands.BAD_COMMAND, null);
                }
                final int expectedLength = payload.getInt(cursor, ByteOrder.LITTLE_ENDIAN);
                final byte[] expected = readBytes(payload, cursor, true);
                if (expectedLength != -1 && expected == null)
                {
                    return KvCommands.writeResult(result, KvCommands.BAD_COMMAND, null);
                }
                cursor += 4 + Math.max(0, expectedLength);
                final byte[] value = readBytes(payload, cursor, false);
                if (value == null)
                {
                    return KvCommands.writeResult(result, KvCommands.BAD_COMMAND, null);
                }
                final byte[] current = map.get(key);
                if (expectedLength == -1 ? current == null : Arrays.equals(current, expected))
                {
                    map.put(key, value);
                    return KvCommands.writeResult(result, KvCommands.OK, current);
                }
                return KvCommands.writeResult(result, KvCommands.CAS_FAILED, current);
            }
            default:
                return KvCommands.writeResult(result, KvCommands.BAD_COMMAND, null);
        }
    }

    private static byte[] readBytes(final DirectBuffer payload, final int at, final boolean absentAllowed)
    {
        if (at + 4 > payload.capacity())
        {
            return null;
        }
        final int length = payload.getInt(at, ByteOrder.LITTLE_ENDIAN);
        if (length < 0 || at + 4 + length > payload.capacity())
        {
            return null;
        }
        final byte[] bytes = new byte[length];
        payload.getBytes(at + 4, bytes);
        return bytes;
    }

    @Override
    public byte[] snapshot()
    {
        int size = 12;
        for (final Map.Entry<String, byte[]> e : map.entrySet())
        {
            size += 8 + e.getKey().getBytes(StandardCharsets.UTF_8).length + e.getValue().length;
        }
        final ByteBuffer b = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(applied).putInt(map.size());
        for (final Map.Entry<String, byte[]> e : map.entrySet())
        {
            final byte[] k = e.getKey().getBytes(StandardCharsets.UTF_8);
            b.putInt(k.length).put(k).putInt(e.getValue().length).put(e.getValue());
        }
        return b.array();
    }

    @Override
    public void restore(final byte[] snapshot)
    {
        try
        {
            final ByteBuffer b = ByteBuffer.wrap(snapshot).order(ByteOrder.LITTLE_ENDIAN);
            final long restoredApplied = b.getLong();
            final int count = b.getInt();
            final TreeMap<String, byte[]> restored = new TreeMap<>();
            for (int i = 0; i < count; i++)
            {
                final byte[] k = new byte[b.getInt()];
                b.get(k);
                final byte[] v = new byte[b.getInt()];
                b.get(v);
                restored.put(new String(k, StandardCharsets.UTF_8), v);
            }
            if (b.hasRemaining())
            {
                throw new IllegalArgumentException("trailing bytes in snapshot");
            }
            map.clear();
            map.putAll(restored);
            applied = restoredApplied;
        }
        catch (final RuntimeException ex)
        {
            throw new IllegalArgumentException("not a KvStore snapshot: " + ex.getMessage(), ex);
        }
    }

    /**
     * @return requests applied.
     */
    public long applied()
    {
        return applied;
    }

    /**
     * @return a copy of the current entries (call from the app thread or after the node stopped).
     */
    public TreeMap<String, byte[]> copyOfState()
    {
        final TreeMap<String, byte[]> copy = new TreeMap<>();
        map.forEach((k, v) -> copy.put(k, v.clone()));
        return copy;
    }
}
