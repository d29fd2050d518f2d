package io.jmir.journal.wal;

import io.jmir.codecs.SchemaRegistry;
import io.jmir.codecs.engine.MessageHeaderDecoder;
import io.jmir.journal.JournalFields;
import io.jmir.journal.internal.EntryChecksum;
import io.jmir.journal.internal.PreEncodedFields;
import net.openhft.chronicle.bytes.Bytes;
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

/**
 * Writes one {@code WalEntry{type, node, retentionIndex, entryType, entry, crc}} excerpt without allocating: the
 * constant fields are pre-encoded ({@link PreEncodedFields}), the entry type name comes from the schema
 * registry (one pre-encoded run per type, cached by the entry's schema and template id), the entry is
 * checksummed once.
 * <p>
 * With a binary wire (the journals' {@code BINARY_LIGHT}) the document is assembled in a scratch buffer with
 * plain memory writes, in the same binary-wire encoding the Wire API produces (field names as pre-encoded, the
 * retention index as {@code INT64}, the entry as a length-prefixed {@code U8_ARRAY}, the CRC as {@code INT32}),
 * and handed to the queue in one write (entries up to {@link #INLINE_ENTRY_MAX} bytes) or three (head, entry in
 * place, tail): the mapped queue's per-call checks dominate small appends. Any reader of the Wire API (the
 * WAL scanner, {@code jmir cat}, Chronicle's reader) sees the same fields. Other wire types take the Wire API.
 * <p>
 * <b>Threading:</b> the WAL's thread.
 */
final class WalEntryWriter
{
    /** Largest entry copied into the scratch buffer so that the whole document is one write. */
    static final int INLINE_ENTRY_MAX = 1024;
    /** Most bytes of the length prefix and code in front of an entry. */
    private static final int LENGTH_HEADER_MAX = 1 + Integer.BYTES + 1;

    private final WireType wireType;
    private final boolean binary;
    private final SchemaRegistry schemas;
    private final EntryChecksum checksum;
    private final PreEncodedFields prefix;
    private final PreEncodedFields crcField;
    private final PreEncodedFields opaqueFields;
    private final Int2ObjectHashMap<PreEncodedFields> entryTypeFields = new Int2ObjectHashMap<>();
    private final PointerBytesStore scratchStore = new PointerBytesStore();
    private final UnsafeBuffer scratch = new UnsafeBuffer(0, 0);
    private final int retentionOffset;
    private int typeKey = Integer.MIN_VALUE;
    private PreEncodedFields typeFields;
    private int typeEnd;
    private final int tailLength;

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
        retentionOffset = (int)prefix.length() + 1;
        tailLength = (int)crcField.length() + 1 + Integer.BYTES;
        allocate(retentionOffset + Long.BYTES + 256);
    }

    void write(
        final ExcerptAppender appender,
        final long retentionIndex,
        final DirectBuffer buffer,
        final int offset,
        final int length)
    {
        final int crc = checksum.stage(retentionIndex, buffer, offset, length);
        selectType(buffer, offset, length);
        try (DocumentContext dc = appender.writingDocument())
        {
            if (binary)
            {
                writeBinary(dc.wire().bytes(), retentionIndex, buffer, offset, length, crc);
            }
            else
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

    private void writeBinary(
        final Bytes<?> bytes,
        final long retentionIndex,
        final DirectBuffer buffer,
        final int offset,
        final int length,
        final int crc)
    {
        final UnsafeBuffer scratch = this.scratch;
        scratch.putLong(retentionOffset, retentionIndex, ByteOrder.LITTLE_ENDIAN);
        int position = typeEnd;
        final int lengthWithCode = length + 1;
        if (lengthWithCode < 1 << 8)
        {
            scratch.putByte(position++, (byte)BinaryWireCode.BYTES_LENGTH8);
            scratch.putByte(position++, (byte)lengthWithCode);
        }
        else if (lengthWithCode < 1 << 16)
        {
            scratch.putByte(position++, (byte)BinaryWireCode.BYTES_LENGTH16);
            scratch.putShort(position, (short)lengthWithCode, ByteOrder.LITTLE_ENDIAN);
            position += Short.BYTES;
        }
        else
        {
            scratch.putByte(position++, (byte)BinaryWireCode.BYTES_LENGTH32);
            scratch.putInt(position, lengthWithCode, ByteOrder.LITTLE_ENDIAN);
            position += Integer.BYTES;
        }
        scratch.putByte(position++, (byte)BinaryWireCode.U8_ARRAY);
        if (length <= INLINE_ENTRY_MAX)
        {
            scratch.putBytes(position, buffer, offset, length);
            position = putTail(position + length, crc);
            bytes.write(scratchStore, 0L, (long)position);
        }
        else
        {
            final int tailEnd = putTail(position, crc);
            bytes.write(scratchStore, 0L, (long)position);
            bytes.write(checksum.staged());
            bytes.write(scratchStore, (long)position, (long)(tailEnd - position));
        }
    }

    private int putTail(final int position, final int crc)
    {
        final int codeOffset = position + crcField.copyTo(scratch, position);
        scratch.putByte(codeOffset, (byte)BinaryWireCode.INT32);
        scratch.putInt(codeOffset + 1, crc, ByteOrder.LITTLE_ENDIAN);
        return codeOffset + 1 + Integer.BYTES;
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
            // the head up to the entry: prefix + INT64 code + retention index + entry type and entry field name
            final int headLength = retentionOffset + Long.BYTES + (int)typeFields.length();
            if (headLength + LENGTH_HEADER_MAX + INLINE_ENTRY_MAX + tailLength > scratch.capacity())
            {
                allocate(headLength);
            }
            typeEnd = retentionOffset + Long.BYTES + typeFields.copyTo(scratch, retentionOffset + Long.BYTES);
        }
    }

    private PreEncodedFields typeFields(final String entryType)
    {
        return new PreEncodedFields(wireType, (wire) ->
            wire.write(JournalFields.ENTRY_TYPE).text(entryType).write(JournalFields.ENTRY));
    }

    private void allocate(final int headLength)
    {
        final int capacity = headLength + LENGTH_HEADER_MAX + INLINE_ENTRY_MAX + tailLength;
        final ByteBuffer memory = BufferUtil.allocateDirectAligned(BitUtil.findNextPositivePowerOfTwo(capacity), 64);
        scratch.wrap(memory);
        scratchStore.set(scratch.addressOffset(), scratch.capacity());
        prefix.copyTo(scratch, 0);
        scratch.putByte(retentionOffset - 1, (byte)BinaryWireCode.INT64);
    }
}
