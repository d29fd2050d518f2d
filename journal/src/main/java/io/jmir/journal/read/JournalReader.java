package io.jmir.journal.read;

import io.jmir.journal.JournalException;
import io.jmir.journal.JournalFields;
import io.jmir.journal.JournalHeader;
import io.jmir.journal.JournalKind;
import io.jmir.journal.internal.JournalQueue;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import net.openhft.chronicle.wire.DocumentContext;
import net.openhft.chronicle.wire.ValueIn;
import net.openhft.chronicle.wire.Wire;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;

/**
 * Reads any jmir journal (WAL, event log, request store) excerpt by excerpt, read-only, while a writer may still
 * be appending. Used by {@code jmir cat} and {@code jmir replay}. Fields are decoded by name; unknown fields are
 * read best-effort so that newer formats remain printable.
 * <p>
 * <b>Threading:</b> one thread.
 */
public final class JournalReader implements AutoCloseable
{
    private static final Set<String> TEXT_FIELDS = Set.of(JournalFields.TYPE, JournalFields.JOURNAL,
        JournalFields.MODULE, JournalFields.SOURCE, JournalFields.EVENT, JournalFields.ENTRY_TYPE,
        JournalFields.MODULES);
    private static final Set<String> BINARY_FIELDS = Set.of(JournalFields.ENTRY, JournalFields.ENVELOPE,
        JournalFields.PAYLOAD);

    private final Path directory;
    private final SingleChronicleQueue queue;
    private final ExcerptTailer tailer;
    private final StringBuilder name = new StringBuilder();
    private JournalHeader header;

    /**
     * @param directory of the journal's Chronicle queue.
     * @throws JournalException when the directory does not exist or is not a Chronicle queue.
     */
    public JournalReader(final Path directory)
    {
        this.directory = directory;
        if (!Files.isDirectory(directory))
        {
            throw new JournalException("no journal at " + directory + ": not a directory");
        }
        try
        {
            queue = SingleChronicleQueueBuilder.binary(directory.toFile())
                .rollCycle(JournalQueue.ROLL_CYCLE)
                .readOnly(true)
                .build();
        }
        catch (final RuntimeException ex)
        {
            throw new JournalException("cannot open journal " + directory + ": " + ex, ex);
        }
        tailer = queue.createTailer().toStart();
    }

    /**
     * The first journal header (read ahead without moving the reader).
     *
     * @return the header, or null when the journal is empty or does not start with one.
     */
    public JournalHeader header()
    {
        if (header == null)
        {
            try (ExcerptTailer peek = queue.createTailer().toStart();
                DocumentContext dc = peek.readingDocument())
            {
                if (dc.isPresent() && JournalFields.TYPE_HEADER.equals(dc.wire().read(JournalFields.TYPE).text()))
                {
                    header = JournalHeader.read(dc.wire());
                }
            }
        }
        return header;
    }

    /**
     * @return the journal's kind from its first header, or null when unknown.
     */
    public JournalKind kind()
    {
        final JournalHeader first = header();
        return first == null ? null : first.kind();
    }

    /**
     * Move to an index (the next {@link #next} reads it).
     *
     * @param index Chronicle index.
     * @return true when the index exists.
     */
    public boolean moveToIndex(final long index)
    {
        return tailer.moveToIndex(index);
    }

    /**
     * Move to the end (for following new excerpts only).
     */
    public void toEnd()
    {
        tailer.toEnd();
    }

    /**
     * Read the next excerpt, without waiting.
     *
     * @param record filled with the excerpt.
     * @return false when there is no further complete excerpt (yet).
     */
    public boolean next(final JournalRecord record)
    {
        try (DocumentContext dc = tailer.readingDocument())
        {
            if (!dc.isPresent())
            {
                return false;
            }
            record.reset(dc.index());
            try
            {
                read(dc.wire(), record);
            }
            catch (final RuntimeException ex)
            {
                record.error(ex.toString());
            }
            return true;
        }
    }

    /**
     * @return the directory.
     */
    public Path directory()
    {
        return directory;
    }

    @Override
    public void close()
    {
        tailer.close();
        queue.close();
    }

    private void read(final Wire wire, final JournalRecord record)
    {
        boolean first = true;
        while (wire.hasMore())
        {
            final ValueIn value = wire.readEventName(name);
            final String field = name.toString();
            if (first)
            {
                first = false;
                if (!JournalFields.TYPE.equals(field))
                {
                    record.error("first field is '" + field + "', not 'type': not a jmir journal excerpt");
                    return;
                }
            }
            if (TEXT_FIELDS.contains(field))
            {
                final String text = value.text();
                if (JournalFields.TYPE.equals(field))
                {
                    record.type(text);
                }
                record.put(field, text);
            }
            else if (BINARY_FIELDS.contains(field))
            {
                record.put(field, value.bytes());
            }
            else if (JournalFields.SESSION_START.equals(field))
            {
                record.put(field, value.bool());
            }
            else
            {
                final Object object = value.objectBestEffort();
                record.put(field, object instanceof Number number ? (Object)number.longValue() : object);
            }
        }
    }
}
