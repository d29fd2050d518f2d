package io.jmir.cli.cat;

import io.jmir.journal.JournalFields;
import io.jmir.journal.read.JournalRecord;

/**
 * Derived views of a journal record used by filters and printers. Stateless.
 */
public final class RecordView
{
    private RecordView()
    {
    }

    /**
     * The type a record is filtered and counted by: the event name for event log records, the entry type for
     * WAL entries, otherwise the document type.
     *
     * @param record a record.
     * @return its type name.
     */
    public static String typeName(final JournalRecord record)
    {
        final String type = record.type();
        if (JournalFields.TYPE_EVENT.equals(type) && record.getText(JournalFields.EVENT) != null)
        {
            return record.getText(JournalFields.EVENT);
        }
        if (JournalFields.TYPE_WAL_ENTRY.equals(type) && record.getText(JournalFields.ENTRY_TYPE) != null)
        {
            return record.getText(JournalFields.ENTRY_TYPE);
        }
        return type;
    }

    /**
     * @param record a record.
     * @return its node id, -1 when it has none.
     */
    public static long node(final JournalRecord record)
    {
        return record.getLong(JournalFields.NODE, -1);
    }

    /**
     * @param record a record.
     * @return its timestamp, or {@link Long#MIN_VALUE} when it has none.
     */
    public static long timeNs(final JournalRecord record)
    {
        return record.getLong(JournalFields.TIME_NS, Long.MIN_VALUE);
    }
}
