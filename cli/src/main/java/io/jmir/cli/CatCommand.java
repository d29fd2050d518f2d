package io.jmir.cli;

import io.jmir.cli.cat.MscWriter;
import io.jmir.cli.cat.RecordFilter;
import io.jmir.cli.cat.RecordPrinter;
import io.jmir.cli.cat.RecordView;
import io.jmir.cli.decode.SbeDecoder;
import io.jmir.journal.JournalHeader;
import io.jmir.journal.read.JournalReader;
import io.jmir.journal.read.JournalRecord;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * {@code jmir cat}: print jmir journals (WAL, event log, request store) with every SBE field decoded, filtered;
 * or follow one; or count records per type; or export the messages between nodes as an mscgen chart.
 * <p>
 * <b>Threading:</b> runs on the calling thread; {@code --follow} runs until the thread is interrupted.
 */
@Command(name = "cat", mixinStandardHelpOptions = true,
    description = "Print jmir journals (Chronicle queue directories) with every SBE field decoded.")
public final class CatCommand implements Callable<Integer>
{
    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Parameters(arity = "1..*", paramLabel = "DIR", description = "Journal directories (e.g. data/node-0/events).")
    private List<Path> directories;

    @Option(names = "--node", paramLabel = "ID", description = "Only records of these nodes.")
    private List<Long> nodes = new ArrayList<>();

    @Option(names = "--module", paramLabel = "NAME", description = "Only events dispatched to these modules.")
    private List<String> modules = new ArrayList<>();

    @Option(names = "--exclude-module", paramLabel = "NAME", description = "Hide events dispatched to these modules.")
    private List<String> excludeModules = new ArrayList<>();

    @Option(names = "--source", paramLabel = "NAME", description = "Only events emitted by these modules.")
    private List<String> sources = new ArrayList<>();

    @Option(names = { "--type", "-t" }, paramLabel = "NAME",
        description = "Only these types (event name, WAL entry type, or document type such as WalEntry).")
    private List<String> types = new ArrayList<>();

    @Option(names = { "--exclude-type", "-x" }, paramLabel = "NAME", description = "Hide these types.")
    private List<String> excludeTypes = new ArrayList<>();

    @Option(names = "--from-index", paramLabel = "INDEX", description = "Lowest Chronicle index (e.g. 0x100000000).")
    private String fromIndex;

    @Option(names = "--to-index", paramLabel = "INDEX", description = "Highest Chronicle index (inclusive).")
    private String toIndex;

    @Option(names = "--from-time", paramLabel = "NS", description = "Earliest event timestamp (ns, inclusive).")
    private Long fromTime;

    @Option(names = "--to-time", paramLabel = "NS", description = "Latest event timestamp (ns, inclusive).")
    private Long toTime;

    @Option(names = { "--follow", "-f" }, description = "Keep printing new records (one directory) until killed.")
    private boolean follow;

    @Option(names = "--json", description = "One JSON object per line.")
    private boolean json;

    @Option(names = "--summary", description = "Print the number of records per type instead of the records.")
    private boolean summary;

    @Option(names = "--msc", paramLabel = "FILE",
        description = "Write the messages between nodes as an mscgen chart to FILE (give every node's event log).")
    private Path msc;

    @Option(names = "--schema", paramLabel = "XML", description = "Extra SBE schema files to decode with.")
    private List<Path> schemas = new ArrayList<>();

    @Option(names = "--limit", paramLabel = "N", description = "Stop after N records shown.")
    private long limit = Long.MAX_VALUE;

    @Option(names = "--poll-ms", paramLabel = "MS", description = "Follow: wait between polls (default 50).")
    private long pollMs = 50;

    private long shown;

    @Override
    public Integer call() throws IOException
    {
        final PrintWriter out = spec.commandLine().getOut();
        if (follow && directories.size() != 1)
        {
            throw new CommandLine.ParameterException(spec.commandLine(), "--follow takes exactly one directory");
        }
        final SbeDecoder decoder = new SbeDecoder(schemas);
        final RecordFilter filter = new RecordFilter(new HashSet<>(nodes), new HashSet<>(modules),
            new HashSet<>(excludeModules), new HashSet<>(sources), new HashSet<>(types), new HashSet<>(excludeTypes),
            fromIndex == null ? Long.MIN_VALUE : Long.decode(fromIndex),
            toIndex == null ? Long.MAX_VALUE : Long.decode(toIndex),
            fromTime == null ? Long.MIN_VALUE : fromTime, toTime == null ? Long.MAX_VALUE : toTime);
        final Map<String, Long> counts = new TreeMap<>();
        final MscWriter mscWriter = msc == null ? null : new MscWriter(decoder);
        for (final Path directory : directories)
        {
            if (directories.size() > 1 && !json && !summary && mscWriter == null)
            {
                out.println("== " + directory);
            }
            final RecordPrinter printer = new RecordPrinter(decoder, json);
            try (JournalReader reader = new JournalReader(directory))
            {
                final JournalHeader header = reader.header();
                if (header != null && header.modules().length > 0)
                {
                    printer.moduleNames(header.modules());
                }
                read(reader, filter, printer, counts, mscWriter, out);
                while (follow && !Thread.currentThread().isInterrupted() && shown < limit)
                {
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(pollMs));
                    read(reader, filter, printer, counts, mscWriter, out);
                }
            }
        }
        if (summary)
        {
            printSummary(counts, out);
        }
        if (mscWriter != null)
        {
            Files.writeString(msc, mscWriter.render(), StandardCharsets.UTF_8);
            out.println("wrote " + mscWriter.arcCount() + " messages to " + msc);
        }
        out.flush();
        return 0;
    }

    private void read(
        final JournalReader reader,
        final RecordFilter filter,
        final RecordPrinter printer,
        final Map<String, Long> counts,
        final MscWriter mscWriter,
        final PrintWriter out)
    {
        final JournalRecord record = new JournalRecord();
        while (shown < limit && reader.next(record))
        {
            if (!filter.accepts(record))
            {
                continue;
            }
            shown++;
            if (summary)
            {
                counts.merge(RecordView.typeName(record), 1L, Long::sum);
            }
            else if (mscWriter != null)
            {
                mscWriter.add(record);
            }
            else
            {
                out.println(printer.format(record));
            }
        }
        out.flush();
    }

    private static void printSummary(final Map<String, Long> counts, final PrintWriter out)
    {
        long total = 0;
        final List<Map.Entry<String, Long>> entries = new ArrayList<>(counts.entrySet());
        entries.sort((a, b) -> Long.compare(b.getValue(), a.getValue()));
        for (final Map.Entry<String, Long> entry : entries)
        {
            out.printf("%10d  %s%n", entry.getValue(), entry.getKey());
            total += entry.getValue();
        }
        out.printf("%10d  total%n", total);
    }
}
