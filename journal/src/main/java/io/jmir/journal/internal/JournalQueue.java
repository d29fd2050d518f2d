package io.jmir.journal.internal;

import io.jmir.journal.JournalException;
import io.jmir.journal.JournalFields;
import io.jmir.journal.JournalHeader;
import io.jmir.journal.JournalKind;
import io.jmir.journal.JournalMismatchException;
import io.jmir.journal.SyncPolicy;
import net.openhft.chronicle.bytes.SyncMode;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.RollCycle;
import net.openhft.chronicle.queue.RollCycles;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import net.openhft.chronicle.wire.DocumentContext;

import java.io.File;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * A Chronicle queue directory used as a jmir journal by its single writer: logical roll cycles
 * ({@link LogicalClock}), a {@link JournalHeader} at the start of every cycle, deletion of whole cycles, and the
 * sync policy. Shared by the WAL, the event log and the request store. Internal API.
 * <p>
 * Roll cycle: Chronicle's {@code FAST_HOURLY} (up to 2^32 excerpts per cycle; index = cycle &lt;&lt; 32 | sequence),
 * advanced logically, never by the wall clock.
 * <p>
 * <b>Threading:</b> opened on any thread; {@link #appender()} and everything that writes must then be used by
 * one thread at a time ({@link #handOver()} lets another thread adopt the appender).
 */
public final class JournalQueue implements AutoCloseable
{
    /** Roll cycle of every jmir journal. */
    public static final RollCycle ROLL_CYCLE = RollCycles.FAST_HOURLY;
    /** First logical cycle of a new journal. */
    public static final int FIRST_CYCLE = 1;

    private final Path directory;
    private final JournalKind kind;
    private final SyncPolicy syncPolicy;
    private final LogicalClock clock = new LogicalClock(ROLL_CYCLE.lengthInMillis());
    private final SingleChronicleQueue queue;
    private ExcerptAppender appender;
    private FileChannel cycleChannel;
    private int channelCycle = -1;
    private boolean directorySyncPending;

    /**
     * Open (creating when absent) a journal directory for writing.
     *
     * @param directory  of the queue.
     * @param kind       of journal.
     * @param syncPolicy applied by {@link #sync()}.
     * @param timeoutMs  how long Chronicle waits for a header locked by a dead writer before recovering it.
     */
    public JournalQueue(final Path directory, final JournalKind kind, final SyncPolicy syncPolicy, final long timeoutMs)
    {
        this.directory = directory;
        this.kind = kind;
        this.syncPolicy = syncPolicy;
        try
        {
            Files.createDirectories(directory);
        }
        catch (final IOException ex)
        {
            throw new JournalException("cannot create journal directory " + directory + ": " + ex, ex);
        }
        queue = SingleChronicleQueueBuilder.binary(directory.toFile())
            .rollCycle(ROLL_CYCLE)
            .timeProvider(clock)
            .timeoutMS(timeoutMs)
            .syncMode(syncPolicy == SyncPolicy.MSYNC_PER_BATCH ? SyncMode.SYNC : SyncMode.NONE)
            .build();
        if (queue.rollCycle() != ROLL_CYCLE)
        {
            final RollCycle found = queue.rollCycle();
            queue.close();
            throw new JournalMismatchException("queue " + directory + " uses roll cycle " + found +
                ", jmir journals use " + ROLL_CYCLE + ": not a jmir journal");
        }
        final int last = queue.lastCycle();
        clock.cycle(last == Integer.MIN_VALUE ? FIRST_CYCLE : Math.max(FIRST_CYCLE, last));
    }

    /**
     * @return the directory.
     */
    public Path directory()
    {
        return directory;
    }

    /**
     * @return the underlying Chronicle queue.
     */
    public SingleChronicleQueue queue()
    {
        return queue;
    }

    /**
     * @return true when the queue holds no cycle file yet.
     */
    public boolean isEmpty()
    {
        return queue.firstCycle() == Integer.MAX_VALUE;
    }

    /**
     * @return the logical cycle writes go to.
     */
    public int currentCycle()
    {
        return (int)clock.cycle();
    }

    /**
     * Start a new session: move to a fresh cycle after every existing one and write its header there.
     *
     * @param header to write (normally with sessionStart true).
     */
    public void startSession(final JournalHeader header)
    {
        queue.refreshDirectoryListing();
        final int last = queue.lastCycle();
        clock.cycle(last == Integer.MIN_VALUE ? FIRST_CYCLE : Math.max(FIRST_CYCLE, last + 1));
        writeHeader(header);
    }

    /**
     * Roll to the next cycle and write its header.
     *
     * @param header to write first in the new cycle.
     */
    public void roll(final JournalHeader header)
    {
        syncBeforeRoll();
        clock.cycle(clock.cycle() + 1);
        writeHeader(header);
    }

    /**
     * @return the appender (created on first use).
     */
    public ExcerptAppender appender()
    {
        if (appender == null)
        {
            appender = queue.createAppender();
        }
        return appender;
    }

    /**
     * Let the next thread that writes adopt the appender (Chronicle checks single-threaded use).
     */
    public void handOver()
    {
        if (appender != null)
        {
            appender.singleThreadedCheckReset();
        }
    }

    /**
     * Make what was written durable according to the sync policy.
     */
    public void sync()
    {
        switch (syncPolicy)
        {
            case NONE ->
            {
            }
            case MSYNC_PER_BATCH ->
            {
                appender().sync();
                syncDirectoryIfPending();
            }
            case FSYNC_PER_BATCH ->
            {
                forceCycleFile();
                syncDirectoryIfPending();
            }
            default -> throw new IllegalStateException("unknown sync policy " + syncPolicy);
        }
    }

    /**
     * A tailer over the whole journal (the caller closes it).
     *
     * @return a new tailer at the start.
     */
    public ExcerptTailer tailer()
    {
        return queue.createTailer().toStart();
    }

    /**
     * Delete the cycle files from the first one up to (excluding) {@code belowCycle}, never the current cycle.
     *
     * @param belowCycle first cycle to keep.
     * @return number of cycle files deleted.
     */
    public int deleteCyclesBelow(final int belowCycle)
    {
        queue.refreshDirectoryListing();
        final int first = queue.firstCycle();
        final int limit = Math.min(belowCycle, currentCycle());
        int deleted = 0;
        for (int cycle = first; cycle < limit && first != Integer.MAX_VALUE; cycle++)
        {
            final File file = cycleFile(cycle);
            if (file.exists())
            {
                if (!file.delete())
                {
                    throw new JournalException("cannot delete cycle file " + file + " of journal " + directory);
                }
                deleted++;
            }
        }
        if (deleted > 0)
        {
            queue.refreshDirectoryListing();
            directorySyncPending = syncPolicy != SyncPolicy.NONE;
        }
        return deleted;
    }

    /**
     * @param cycle logical cycle.
     * @return its file (which may not exist).
     */
    public File cycleFile(final int cycle)
    {
        final DateTimeFormatter format = DateTimeFormatter.ofPattern(ROLL_CYCLE.format()).withZone(ZoneOffset.UTC);
        final String name = format.format(Instant.ofEpochMilli((long)cycle * ROLL_CYCLE.lengthInMillis()));
        return new File(directory.toFile(), name + SingleChronicleQueue.SUFFIX);
    }

    /**
     * Read the header a cycle starts with.
     *
     * @param cycle to read.
     * @return its header, or null when the cycle is empty or does not start with a header.
     */
    public JournalHeader readHeader(final int cycle)
    {
        try (ExcerptTailer tailer = queue.createTailer())
        {
            if (!tailer.moveToCycle(cycle))
            {
                return null;
            }
            try (DocumentContext dc = tailer.readingDocument())
            {
                if (!dc.isPresent())
                {
                    return null;
                }
                final String type = dc.wire().read(JournalFields.TYPE).text();
                return JournalFields.TYPE_HEADER.equals(type) ? JournalHeader.read(dc.wire()) : null;
            }
        }
    }

    /**
     * Check the headers of the first and the last cycle (cheap: two excerpts) against the expected owner.
     *
     * @param expectedNode node id.
     * @throws JournalMismatchException when a header names another kind, node, format or schema, or a
     *                                  non-empty cycle does not start with a header.
     */
    public void verifyHeaders(final int expectedNode)
    {
        if (isEmpty())
        {
            return;
        }
        for (final int cycle : new int[]{ queue.firstCycle(), queue.lastCycle() })
        {
            final JournalHeader header = readHeader(cycle);
            if (header == null)
            {
                if (cycleHasExcerpts(cycle))
                {
                    throw new JournalMismatchException("journal " + directory + ": cycle file " + cycleFile(cycle) +
                        " does not start with a jmir journal header: not a jmir " + kind.dirName() + " journal");
                }
                continue;
            }
            header.verify(directory, kind, expectedNode);
        }
    }

    @Override
    public void close()
    {
        if (cycleChannel != null)
        {
            try
            {
                cycleChannel.close();
            }
            catch (final IOException ignore)
            {
                // closing a read/write channel we only forced: nothing left to report
            }
            cycleChannel = null;
        }
        if (appender != null)
        {
            appender.singleThreadedCheckReset();
            appender.close();
            appender = null;
        }
        queue.close();
    }

    private boolean cycleHasExcerpts(final int cycle)
    {
        try (ExcerptTailer tailer = queue.createTailer())
        {
            if (!tailer.moveToCycle(cycle))
            {
                return false;
            }
            try (DocumentContext dc = tailer.readingDocument())
            {
                return dc.isPresent();
            }
        }
    }

    private void syncBeforeRoll()
    {
        if (appender != null && syncPolicy != SyncPolicy.NONE)
        {
            sync();
        }
    }

    private void writeHeader(final JournalHeader header)
    {
        final ExcerptAppender appender = appender();
        try (DocumentContext dc = appender.writingDocument())
        {
            header.write(dc.wire());
        }
        directorySyncPending = syncPolicy != SyncPolicy.NONE;
    }

    private void forceCycleFile()
    {
        final int cycle = appender().cycle();
        try
        {
            if (cycle != channelCycle)
            {
                if (cycleChannel != null)
                {
                    cycleChannel.force(false);
                    cycleChannel.close();
                }
                cycleChannel = FileChannel.open(cycleFile(cycle).toPath(), StandardOpenOption.WRITE);
                channelCycle = cycle;
            }
            cycleChannel.force(false);
        }
        catch (final IOException ex)
        {
            throw new JournalException("cannot fsync cycle " + cycle + " of journal " + directory + ": " + ex, ex);
        }
    }

    private void syncDirectoryIfPending()
    {
        if (directorySyncPending)
        {
            directorySyncPending = false;
            try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ))
            {
                channel.force(true);
            }
            catch (final IOException ex)
            {
                throw new JournalException("cannot fsync journal directory " + directory + ": " + ex, ex);
            }
        }
    }
}
