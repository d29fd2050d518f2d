package io.jmir.journal.internal;

import net.openhft.chronicle.bytes.PointerBytesStore;
import org.agrona.BufferUtil;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/**
 * Stages bytes to be written into a journal and computes their CRC-32C (the JDK's CRC-32C is a CPU intrinsic).
 * Bytes in an off-heap buffer that wraps a direct {@link ByteBuffer} (ring slots) are checksummed in place
 * through a duplicate of that ByteBuffer (made once per distinct source buffer) and handed to Chronicle as a
 * {@link PointerBytesStore} over their own memory; other bytes are first copied into a direct scratch buffer.
 * Allocation free in steady state (a duplicate per new source ByteBuffer, scratch growth for a larger entry).
 * <p>
 * The checksum covers the retention index (8 bytes, little endian) followed by the bytes, so that a damaged
 * retention index is detected as well as damaged bytes.
 * <p>
 * <b>Threading:</b> one instance per writing thread.
 */
public final class EntryChecksum
{
    private final CRC32C crc = new CRC32C();
    private final PointerBytesStore pointer = new PointerBytesStore();
    private final UnsafeBuffer view = new UnsafeBuffer(0, 0);
    private final byte[] retentionBytes = new byte[Long.BYTES];
    private final UnsafeBuffer retentionView = new UnsafeBuffer(retentionBytes);
    private ByteBuffer scratch;
    private ByteBuffer lastSource;
    private ByteBuffer sourceView;

    /**
     * @param initialCapacity bytes of scratch space allocated up front.
     */
    public EntryChecksum(final int initialCapacity)
    {
        allocate(Math.max(64, initialCapacity));
    }

    /**
     * Copy bytes into the scratch space and compute the checksum over retention index and bytes.
     *
     * @param retentionIndex covered by the checksum.
     * @param buffer         holding the bytes.
     * @param offset         of the bytes.
     * @param length         of the bytes.
     * @return the CRC-32C.
     */
    public int stage(final long retentionIndex, final DirectBuffer buffer, final int offset, final int length)
    {
        final ByteBuffer source = buffer.byteBuffer();
        if (source != null && source.isDirect())
        {
            if (source != lastSource)
            {
                lastSource = source;
                sourceView = source.duplicate();
            }
            final int position = buffer.wrapAdjustment() + offset;
            retentionView.putLong(0, retentionIndex, java.nio.ByteOrder.LITTLE_ENDIAN);
            crc.reset();
            crc.update(retentionBytes, 0, Long.BYTES);
            sourceView.clear();
            sourceView.limit(position + length).position(position);
            crc.update(sourceView);
            pointer.set(buffer.addressOffset() + offset, length);
            return (int)crc.getValue();
        }
        if (length + Long.BYTES > scratch.capacity())
        {
            allocate(Integer.highestOneBit(length + Long.BYTES) << 1);
        }
        view.putLong(0, retentionIndex, java.nio.ByteOrder.LITTLE_ENDIAN);
        view.putBytes(Long.BYTES, buffer, offset, length);
        scratch.limit(Long.BYTES + length).position(0);
        crc.reset();
        crc.update(scratch);
        pointer.set(view.addressOffset() + Long.BYTES, length);
        return (int)crc.getValue();
    }

    /**
     * @return the staged bytes as a Chronicle bytes store (valid until the next {@link #stage} and while the source
     * buffer is unchanged).
     */
    public PointerBytesStore staged()
    {
        return pointer;
    }

    /**
     * Compute the checksum of bytes read back from a journal (allocation free apart from scratch growth).
     *
     * @param retentionIndex covered by the checksum.
     * @param buffer         holding the bytes.
     * @param offset         of the bytes.
     * @param length         of the bytes.
     * @return the CRC-32C.
     */
    public int compute(final long retentionIndex, final DirectBuffer buffer, final int offset, final int length)
    {
        return stage(retentionIndex, buffer, offset, length);
    }

    private void allocate(final int capacity)
    {
        scratch = BufferUtil.allocateDirectAligned(capacity, 64);
        view.wrap(scratch);
    }
}
