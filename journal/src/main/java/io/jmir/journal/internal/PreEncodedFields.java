package io.jmir.journal.internal;

import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.wire.Wire;
import net.openhft.chronicle.wire.WireOut;
import net.openhft.chronicle.wire.WireType;
import org.agrona.MutableDirectBuffer;

import java.util.function.Consumer;

/**
 * Constant runs of Wire fields (names and constant values) encoded once, so that the append path copies their
 * bytes instead of encoding the same field names and texts for every excerpt. The bytes are exactly what the
 * queue's binary wire would write, so readers see ordinary fields.
 * <p>
 * <b>Threading:</b> immutable after construction; write from the appending thread.
 */
public final class PreEncodedFields
{
    private final Bytes<?> bytes;
    private final long length;

    /**
     * @param wireType of the queue (binary).
     * @param writer   writes the constant fields; it may end with a field name whose value the caller writes.
     */
    public PreEncodedFields(final WireType wireType, final Consumer<WireOut> writer)
    {
        final Bytes<?> scratch = Bytes.allocateElasticOnHeap(128);
        final Wire wire = wireType.apply(scratch);
        writer.accept(wire);
        length = scratch.readRemaining();
        bytes = Bytes.allocateDirect(Math.max(1, length));
        bytes.write(scratch, scratch.readPosition(), length);
    }

    /**
     * Append the pre-encoded fields at the wire's write position.
     *
     * @param wire of the open document.
     */
    public void writeTo(final WireOut wire)
    {
        wire.bytes().write(bytes, 0L, length);
    }

    /**
     * Copy the encoded fields into a buffer (to assemble a document around them with plain memory writes).
     *
     * @param dst    to copy into.
     * @param offset where to copy to.
     * @return the number of bytes copied ({@link #length()}).
     */
    public int copyTo(final MutableDirectBuffer dst, final int offset)
    {
        final int length = (int)this.length;
        for (int i = 0; i < length; i++)
        {
            dst.putByte(offset + i, bytes.readByte(i));
        }
        return length;
    }

    /**
     * @return number of bytes.
     */
    public long length()
    {
        return length;
    }
}
