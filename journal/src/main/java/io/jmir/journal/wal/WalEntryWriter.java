package io.jmir.journal.wal;

import io.jmir.codecs.SchemaRegistry;
import io.jmir.codecs.engine.MessageHeaderDecoder;
import io.jmir.journal.JournalFields;
import io.jmir.journal.internal.EntryChecksum;
import io.jmir.journal.internal.PreEncodedFields;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.wire.DocumentContext;
import net.openhft.chronicle.wire.Wire;
import net.openhft.chronicle.wire.WireType;
import org.agrona.DirectBuffer;

import java.util.IdentityHashMap;
import java.util.Map;

/**
 * Writes one {@code WalEntry{type, node, retentionIndex, entryType, entry, crc}} excerpt without allocating: the
 * constant fields are pre-encoded ({@link PreEncodedFields}), the entry type name comes from the schema
 * registry (one pre-encoded run per type, cached by identity), the entry is staged and checksummed once.
 * <p>
 * <b>Threading:</b> the WAL's thread.
 */
final class WalEntryWriter
{
    private final WireType wireType;
    private final SchemaRegistry schemas;
    private final EntryChecksum checksum;
    private final MessageHeaderDecoder entryHeader = new MessageHeaderDecoder();
    private final PreEncodedFields prefix;
    private final PreEncodedFields crcField;
    private final Map<String, PreEncodedFields> entryTypeFields = new IdentityHashMap<>();
    private String lastEntryType;
    private PreEncodedFields lastEntryTypeFields;

    WalEntryWriter(final WireType wireType, final int nodeId, final SchemaRegistry schemas, final int capacity)
    {
        this.wireType = wireType;
        this.schemas = schemas;
        this.checksum = new EntryChecksum(capacity);
        prefix = new PreEncodedFields(wireType, (wire) -> wire.write(JournalFields.TYPE)
            .text(JournalFields.TYPE_WAL_ENTRY).write(JournalFields.NODE).int32(nodeId)
            .write(JournalFields.RETENTION_INDEX));
        crcField = new PreEncodedFields(wireType, (wire) -> wire.write(JournalFields.CRC));
    }

    void write(
        final ExcerptAppender appender,
        final long retentionIndex,
        final DirectBuffer buffer,
        final int offset,
        final int length)
    {
        final int crc = checksum.stage(retentionIndex, buffer, offset, length);
        final PreEncodedFields typeFields = entryTypeFields(entryTypeName(buffer, offset, length));
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

    private PreEncodedFields entryTypeFields(final String entryType)
    {
        if (entryType != lastEntryType)
        {
            PreEncodedFields fields = entryTypeFields.get(entryType);
            if (fields == null)
            {
                fields = new PreEncodedFields(wireType, (wire) ->
                    wire.write(JournalFields.ENTRY_TYPE).text(entryType).write(JournalFields.ENTRY));
                entryTypeFields.put(entryType, fields);
            }
            lastEntryType = entryType;
            lastEntryTypeFields = fields;
        }
        return lastEntryTypeFields;
    }

    private String entryTypeName(final DirectBuffer buffer, final int offset, final int length)
    {
        if (length < MessageHeaderDecoder.ENCODED_LENGTH)
        {
            return JournalFields.OPAQUE;
        }
        entryHeader.wrap(buffer, offset);
        final int schemaId = entryHeader.schemaId();
        final int templateId = entryHeader.templateId();
        return schemas.isKnownTemplate(schemaId, templateId) ?
            schemas.eventName(schemaId, templateId) : JournalFields.OPAQUE;
    }
}
