package io.jmir.cli.cat;

import io.jmir.journal.JournalFields;
import io.jmir.journal.read.JournalRecord;

import java.util.Set;

/**
 * Which records {@code jmir cat} shows: node, destination module, source module, type (include and exclude),
 * Chronicle index range and time range (inclusive bounds). Empty include sets accept everything; time bounds
 * apply to records that carry a timestamp (event log). Immutable.
 *
 * @param nodes          node ids to show, empty for all.
 * @param modules        destination modules to show, empty for all.
 * @param excludeModules destination modules to hide.
 * @param sources        source modules to show, empty for all.
 * @param types          type names to show ({@link RecordView#typeName} or the document type), empty for all.
 * @param excludeTypes   type names to hide.
 * @param fromIndex      lowest index shown.
 * @param toIndex        highest index shown.
 * @param fromTimeNs     earliest timestamp shown.
 * @param toTimeNs       latest timestamp shown.
 */
public record RecordFilter(
    Set<Long> nodes,
    Set<String> modules,
    Set<String> excludeModules,
    Set<String> sources,
    Set<String> types,
    Set<String> excludeTypes,
    long fromIndex,
    long toIndex,
    long fromTimeNs,
    long toTimeNs)
{
    /**
     * @return a filter that accepts everything.
     */
    public static RecordFilter all()
    {
        return new RecordFilter(Set.of(), Set.of(), Set.of(), Set.of(), Set.of(), Set.of(), Long.MIN_VALUE,
            Long.MAX_VALUE, Long.MIN_VALUE, Long.MAX_VALUE);
    }

    /**
     * @param record to test.
     * @return true when shown.
     */
    public boolean accepts(final JournalRecord record)
    {
        if (record.index() < fromIndex || record.index() > toIndex)
        {
            return false;
        }
        final long node = RecordView.node(record);
        if (!nodes.isEmpty() && !nodes.contains(node))
        {
            return false;
        }
        final String module = record.getText(JournalFields.MODULE);
        if (!modules.isEmpty() && (module == null || !modules.contains(module)))
        {
            return false;
        }
        if (module != null && excludeModules.contains(module))
        {
            return false;
        }
        final String source = record.getText(JournalFields.SOURCE);
        if (!sources.isEmpty() && (source == null || !sources.contains(source)))
        {
            return false;
        }
        final String typeName = RecordView.typeName(record);
        if (!types.isEmpty() && !types.contains(typeName) && !types.contains(record.type()))
        {
            return false;
        }
        if (excludeTypes.contains(typeName) || excludeTypes.contains(record.type()))
        {
            return false;
        }
        final long time = RecordView.timeNs(record);
        return time == Long.MIN_VALUE || (time >= fromTimeNs && time <= toTimeNs);
    }
}
