package io.jmir.engine.sim;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;

/**
 * Folds every trace record into a running SHA-256 and, when asked, keeps a copy of each record. A record is
 * folded as {@code kind u8, nodeId i32, moduleId i32, timeNs i64, length i32, bytes}, little endian.
 * <p>
 * <b>Threading:</b> the simulation thread only.
 */
final class TraceRecorder
{
    private static final int HEADER_LENGTH = 1 + 4 + 4 + 8 + 4;

    private final MessageDigest digest;
    private final byte[] header = new byte[HEADER_LENGTH];
    private final UnsafeBuffer headerBuffer = new UnsafeBuffer(header);
    private final UnsafeBuffer copyBuffer = new UnsafeBuffer(new byte[1024]);
    private final boolean recording;
    private final List<TraceRecord> records = new ArrayList<>();
    private long count;

    TraceRecorder(final boolean recording)
    {
        this.recording = recording;
        try
        {
            digest = MessageDigest.getInstance("SHA-256");
        }
        catch (final NoSuchAlgorithmException ex)
        {
            throw new IllegalStateException("SHA-256 is not available", ex);
        }
    }

    boolean recording()
    {
        return recording;
    }

    long count()
    {
        return count;
    }

    /**
     * Fold one record into the digest.
     */
    void fold(
        final TraceRecord.Kind kind,
        final int nodeId,
        final int moduleId,
        final long timeNs,
        final DirectBuffer buffer,
        final int offset,
        final int length)
    {
        headerBuffer.putByte(0, (byte)kind.ordinal());
        headerBuffer.putInt(1, nodeId, java.nio.ByteOrder.LITTLE_ENDIAN);
        headerBuffer.putInt(5, moduleId, java.nio.ByteOrder.LITTLE_ENDIAN);
        headerBuffer.putLong(9, timeNs, java.nio.ByteOrder.LITTLE_ENDIAN);
        headerBuffer.putInt(17, length, java.nio.ByteOrder.LITTLE_ENDIAN);
        digest.update(header, 0, HEADER_LENGTH);
        if (length > 0)
        {
            final byte[] array = buffer.byteArray();
            if (array != null)
            {
                digest.update(array, buffer.wrapAdjustment() + offset, length);
            }
            else
            {
                if (copyBuffer.capacity() < length)
                {
                    copyBuffer.wrap(new byte[length]);
                }
                buffer.getBytes(offset, copyBuffer, 0, length);
                digest.update(copyBuffer.byteArray(), 0, length);
            }
        }
        count++;
    }

    /**
     * Keep a copy of the record just folded. Call only when {@link #recording()}.
     */
    void record(
        final TraceRecord.Kind kind,
        final int nodeId,
        final int moduleId,
        final String moduleName,
        final String eventName,
        final long timeNs,
        final DirectBuffer buffer,
        final int offset,
        final int length)
    {
        final byte[] bytes = new byte[length];
        if (length > 0)
        {
            buffer.getBytes(offset, bytes);
        }
        records.add(new TraceRecord(count - 1, kind, nodeId, moduleId, moduleName, eventName, timeNs, bytes));
    }

    /**
     * @return hex SHA-256 of everything folded so far; folding continues afterwards.
     */
    String hexDigest()
    {
        final byte[] value;
        try
        {
            value = ((MessageDigest)digest.clone()).digest();
        }
        catch (final CloneNotSupportedException ex)
        {
            throw new IllegalStateException("SHA-256 digest cannot be cloned", ex);
        }
        final StringBuilder sb = new StringBuilder(value.length * 2);
        for (final byte b : value)
        {
            sb.append(Character.forDigit((b >> 4) & 0xF, 16)).append(Character.forDigit(b & 0xF, 16));
        }
        return sb.toString();
    }

    SimulationTrace snapshot()
    {
        return new SimulationTrace(records, hexDigest(), recording);
    }
}
