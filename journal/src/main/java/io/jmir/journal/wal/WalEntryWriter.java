package io.jmir.journal.wal;

import io.jmir.codecs.SchemaRegistry;
import io.jmir.codecs.engine.MessageHeaderDecoder;
import io.jmir.journal.JournalFields;
import io.jmir.journal.internal.EntryChecksum;
import io.jmir.journal.internal.PreEncodedFields;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.bytes.BytesStore;
import net.openhft.chronicle.bytes.PointerBytesStore;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.wire.BinaryWireCode;
import net.openhft.chronicle.wire.DocumentContext;
import net.openhft.chronicle.wire.Wire;
import net.openhft.chronicle.wire.WireType;
import org.agrona.BitUtil;
import org.agrona.BufferUtil;
import org.agrona.DirectBuffer;
import org.agrona.collections.Int2ObjectHashMap;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.zip.CRC32C;

/**
 * Writes one {@code WalEntry{type, node, retentionIndex, entryType, entry, crc}} excerpt without allocating: the
 * constant fields are pre-encoded ({@link PreEncodedFields}), the entry type name comes from the schema
 * registry (one pre-encoded run per type, cached by the entry's schema and template id), the entry is
 * checksummed once.
 * <p>
 * With a binary wire (the journals' {@code BINARY_LIGHT}) the document is written with plain memory writes, in
 * the same binary-wire encoding the Wire API produces (field names as pre-encoded, the retention index as
 * {@code INT64}, the entry as a length-prefixed {@code U8_ARRAY}, the CRC as {@code INT32}): the head (constant
 * fields, retention index, entry type, length prefix) is prepared in a scratch buffer and the head, the entry
 * and the tail (CRC field) are copied straight into the excerpt's mapped memory inside
 * {@code writingDocument()}, one bounds check for the whole document, no Chronicle call per field (the mapped
 * queue's per-call checks dominate small appends). When the document does not fit the mapped chunk in one piece
 * the three parts go through {@code Bytes.write} instead. Any reader of the Wire API (the WAL scanner,
 * {@code jmir cat}, Chronicle's reader) sees the same fields. Other wire types take the Wire API.
 * <p>
 * <b>Threading:</b> the WAL's thread.
 */
final class WalEntryWriter
{
    /** Largest entry checksummed from a copy next to its retention index (one CRC call instead of two). */
    static final int SMALL_ENTRY_MAX = 256;
    /** Bytes of the retention index with its code ({@code INT64}). */
    private static final int RETENTION_LENGTH = 1 + Long.BYTES;
    /** Most bytes of the length prefix and code in front of an entry. */
    private static final int LENGTH_HEADER_MAX = 1 + Integer.BYTES + 1;

    private final WireType wireType;
    private final boolean binary;
    private final SchemaRegistry schemas;
    private final EntryChecksum checksum;
    private final CRC32C crc = new CRC32C();
    private final ByteBuffer small = BufferUtil.allocateDirectAligned(Long.BYTES + SMALL_ENTRY_MAX, 64);
    private final UnsafeBuffer smallView = new UnsafeBuffer(small);
    private final PointerBytesStore smallStore = new PointerBytesStore();
    private final PreEncodedFields prefix;
    private final PreEncodedFields crcField;
    private final PreEncodedFields opaqueFields;
    private final Int2ObjectHashMap<PreEncodedFields> entryTypeFields = new Int2ObjectHashMap<>();
    private final PointerBytesStore scratchStore = new PointerBytesStore();
    private final UnsafeBuffer scratch = new UnsafeBuffer(0, 0);
    private final UnsafeBuffer tail;
    private final PointerBytesStore tailStore = new PointerBytesStore();
    private final UnsafeBuffer excerpt = new UnsafeBuffer(0, 0);
    private final int retentionOffset;
    private final int tailLength;
    private final long tailHead;
    private long splitDocuments;
    private int typeKey = Integer.MIN_VALUE;
    private PreEncodedFields typeFields;
    private int typeEnd;

    WalEntryWriter(final WireType wireType, final int nodeId, final SchemaRegistry schemas, final int capacity)
    {
        this(wireType, nodeId, schemas, capacity, wireType == WireType.BINARY_LIGHT || wireType == WireType.BINARY);
    }

    /**
     * @param assemble true to assemble documents in memory (binary wires only), false to use the Wire API.
     */
    WalEntryWriter(
        final WireType wireType,
        final int nodeId,
        final SchemaRegistry schemas,
        final int capacity,
        final boolean assemble)
    {
        this.wireType = wireType;
        this.binary = assemble;
        this.schemas = schemas;
        this.checksum = new EntryChecksum(capacity);
        prefix = new PreEncodedFields(wireType, (wire) -> wire.write(JournalFields.TYPE)
            .text(JournalFields.TYPE_WAL_ENTRY).write(JournalFields.NODE).int32(nodeId)
            .write(JournalFields.RETENTION_INDEX));
        crcField = new PreEncodedFields(wireType, (wire) -> wire.write(JournalFields.CRC));
        opaqueFields = typeFields(JournalFields.OPAQUE);
        retentionOffset = (int)prefix.length();
        tailLength = (int)crcField.length() + 1 + Integer.BYTES;
        tail = new UnsafeBuffer(BufferUtil.allocateDirectAligned(BitUtil.findNextPositivePowerOfTwo(tailLength), 64));
        crcField.copyTo(tail, 0);
        tail.putByte(tailLength - Integer.BYTES - 1, (byte)BinaryWireCode.INT32);
        tailStore.set(tail.addressOffset(), tailLength);
        if (tailLength - Integer.BYTES > Long.BYTES || tailLength < Long.BYTES)
        {
            throw new IllegalStateException("CRC field of " + tailLength + " bytes does not fit the tail template");
        }
        tailHead = tail.getLong(0, ByteOrder.LITTLE_ENDIAN);
        smallStore.set(smallView.addressOffset() + Long.BYTES, SMALL_ENTRY_MAX);
        allocate(retentionOffset + RETENTION_LENGTH + 256);
    }

    void write(
        final ExcerptAppender appender,
        final long retentionIndex,
        final DirectBuffer buffer,
        final int offset,
        final int length)
    {
        if (binary)
        {
            final int crc = checksum(retentionIndex, buffer, offset, length);
            final int headEnd = prepareHead(retentionIndex, buffer, offset, length);
            try (DocumentContext dc = appender.writingDocument())
            {
                writeBinary(dc.wire().bytes(), headEnd, buffer, offset, length, crc);
            }
        }
        else
        {
            final int crc = checksum.stage(retentionIndex, buffer, offset, length);
            selectType(buffer, offset, length);
            try (DocumentContext dc = appender.writingDocument())
            {
                final Wire wire = dc.wire();
                prefix.writeTo(wire);
                wire.getValueOut().int64(retentionIndex);
                typeFields.writeTo(wire);
                wire.getValueOut().bytes(checksum.staged());
                crcField.writeTo(wire);
                wire.getValueOut().int32(crc);
            }
        }
    }

    /**
     * Write the body of one binary document at the write position of {@code bytes} (what {@link #write} does
     * inside {@code writingDocument()}).
     *
     * @param bytes          to write to.
     * @param retentionIndex of the entry.
     * @param buffer         holding the entry.
     * @param offset         of the entry.
     * @param length         of the entry.
     */
    void writeBody(
        final Bytes<?> bytes, final long retentionIndex, final DirectBuffer buffer, final int offset, final int length)
    {
        final int crc = checksum(retentionIndex, buffer, offset, length);
        writeBinary(bytes, prepareHead(retentionIndex, buffer, offset, length), buffer, offset, length, crc);
    }

    /**
     * @return documents written in three parts because the bytes were not in direct memory or had no room for the
     * whole document in one piece (in a queue: never, Chronicle maps an overlap as large as the largest document).
     */
    long splitDocuments()
    {
        return splitDocuments;
    }

    /**
     * CRC-32C over the retention index (8 bytes, little endian) and the entry; a small entry is copied next to the
     * retention index first so that the intrinsic runs once.
     */
    private int checksum(final long retentionIndex, final DirectBuffer buffer, final int offset, final int length)
    {
        if (length > SMALL_ENTRY_MAX)
        {
            return checksum.stage(retentionIndex, buffer, offset, length);
        }
        final UnsafeBuffer smallView = this.smallView;
        smallView.putLong(0, retentionIndex, ByteOrder.LITTLE_ENDIAN);
        smallView.putBytes(Long.BYTES, buffer, offset, length);
        final ByteBuffer small = this.small;
        small.clear().limit(Long.BYTES + length);
        crc.reset();
        crc.update(small);
        return (int)crc.getValue();
    }

    /**
     * Complete the head in the scratch buffer: retention index ({@code INT64}: printed as a plain number by
     * Chronicle's reader, where the compact 16 and 32-bit codes print as {@code !short}/{@code !int}), entry type
     * and entry field names, length prefix.
     *
     * @return the length of the head.
     */
    private int prepareHead(final long retentionIndex, final DirectBuffer buffer, final int offset, final int length)
    {
        selectType(buffer, offset, length);
        final UnsafeBuffer scratch = this.scratch;
        scratch.putLong(retentionOffset + 1, retentionIndex, ByteOrder.LITTLE_ENDIAN);
        final int lengthWithCode = length + 1;
        int headEnd = typeEnd;
        if (lengthWithCode < 1 << 8)
        {
            scratch.putByte(headEnd++, (byte)BinaryWireCode.BYTES_LENGTH8);
            scratch.putByte(headEnd++, (byte)lengthWithCode);
        }
        else if (lengthWithCode < 1 << 16)
        {
            scratch.putByte(headEnd++, (byte)BinaryWireCode.BYTES_LENGTH16);
            scratch.putShort(headEnd, (short)lengthWithCode, ByteOrder.LITTLE_ENDIAN);
            headEnd += Short.BYTES;
        }
        else
        {
            scratch.putByte(headEnd++, (byte)BinaryWireCode.BYTES_LENGTH32);
            scratch.putInt(headEnd, lengthWithCode, ByteOrder.LITTLE_ENDIAN);
            headEnd += Integer.BYTES;
        }
        scratch.putByte(headEnd++, (byte)BinaryWireCode.U8_ARRAY);
        return headEnd;
    }

    private void writeBinary(
        final Bytes<?> bytes,
        final int headEnd,
        final DirectBuffer buffer,
        final int offset,
        final int length,
        final int crc)
    {
        final long position = bytes.writePosition();
        final long total = (long)headEnd + length + tailLength;
        final BytesStore<?, ?> store = bytes.bytesStore();
        if (store.isDirectMemory() && position + total <= bytes.writeLimit() && store.inside(position, total))
        {
            final UnsafeBuffer excerpt = this.excerpt;
            excerpt.wrap(store.addressForWrite(position), (int)total);
            excerpt.putBytes(0, scratch, 0, headEnd);
            excerpt.putBytes(headEnd, buffer, offset, length);
            // the tail: CRC field name and code (at most 8 bytes, written as one long), then the CRC over its end
            final int tailOffset = headEnd + length;
            excerpt.putLong(tailOffset, tailHead, ByteOrder.LITTLE_ENDIAN);
            excerpt.putInt(tailOffset + tailLength - Integer.BYTES, crc, ByteOrder.LITTLE_ENDIAN);
            bytes.writePosition(position + total);
        }
        else
        {
            splitDocuments++;
            tail.putInt(tailLength - Integer.BYTES, crc, ByteOrder.LITTLE_ENDIAN);
            bytes.write(scratchStore, 0L, (long)headEnd);
            if (length > SMALL_ENTRY_MAX)
            {
                bytes.write(checksum.staged());
            }
            else
            {
                bytes.write(smallStore, 0L, (long)length);
            }
            bytes.write(tailStore, 0L, (long)tailLength);
        }
    }

    private void selectType(final DirectBuffer buffer, final int offset, final int length)
    {
        int key = -1;
        if (length >= MessageHeaderDecoder.ENCODED_LENGTH)
        {
            final int schemaId = buffer.getShort(offset + MessageHeaderDecoder.schemaIdEncodingOffset(),
                ByteOrder.LITTLE_ENDIAN) & 0xFFFF;
            final int templateId = buffer.getShort(offset + MessageHeaderDecoder.templateIdEncodingOffset(),
                ByteOrder.LITTLE_ENDIAN) & 0xFFFF;
            key = (schemaId << 16) | templateId;
        }
        if (key != typeKey)
        {
            typeKey = key;
            typeFields = key == -1 ? opaqueFields : entryTypeFields.get(key);
            if (typeFields == null)
            {
                final int schemaId = key >>> 16;
                final int templateId = key & 0xFFFF;
                typeFields = schemas.isKnownTemplate(schemaId, templateId) ?
                    typeFields(schemas.eventName(schemaId, templateId)) : opaqueFields;
                entryTypeFields.put(key, typeFields);
            }
            // the head up to the entry: prefix + retention index + entry type and entry field name + length prefix
            final int typeOffset = retentionOffset + RETENTION_LENGTH;
            if (typeOffset + (int)typeFields.length() + LENGTH_HEADER_MAX > scratch.capacity())
            {
                allocate(typeOffset + (int)typeFields.length());
            }
            typeEnd = typeOffset + typeFields.copyTo(scratch, typeOffset);
        }
    }

    private PreEncodedFields typeFields(final String entryType)
    {
        return new PreEncodedFields(wireType, (wire) ->
            wire.write(JournalFields.ENTRY_TYPE).text(entryType).write(JournalFields.ENTRY));
    }

    private void allocate(final int headLength)
    {
        final int capacity = headLength + LENGTH_HEADER_MAX;
        final ByteBuffer memory = BufferUtil.allocateDirectAligned(BitUtil.findNextPositivePowerOfTwo(capacity), 64);
        scratch.wrap(memory);
        scratchStore.set(scratch.addressOffset(), scratch.capacity());
        prefix.copyTo(scratch, 0);
        scratch.putByte(retentionOffset, (byte)BinaryWireCode.INT64);
    }
}
