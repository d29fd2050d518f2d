package io.jmir.journal.wal;

import io.jmir.codecs.EnvelopeLayout;
import io.jmir.codecs.SchemaRegistry;
import io.jmir.codecs.engine.InitDecoder;
import io.jmir.codecs.engine.MessageHeaderEncoder;
import io.jmir.codecs.engine.WalAppendDecoder;
import io.jmir.codecs.engine.WalEntryLoadedEncoder;
import io.jmir.codecs.engine.WalTruncateDecoder;
import io.jmir.engine.ConfigurationException;
import io.jmir.engine.Emitter;
import io.jmir.engine.Event;
import io.jmir.engine.EventBuilder;
import io.jmir.engine.Module;
import io.jmir.engine.ModuleContext;
import io.jmir.engine.RecoverySource;
import io.jmir.journal.JournalFields;
import io.jmir.journal.JournalHeader;
import io.jmir.journal.JournalKind;
import io.jmir.journal.SyncPolicy;
import io.jmir.journal.internal.JournalQueue;
import net.openhft.chronicle.wire.DocumentContext;
import org.agrona.DirectBuffer;
import org.agrona.collections.Long2LongHashMap;

import java.nio.file.Path;

import static io.jmir.codecs.EnvelopeLayout.BYTE_ORDER;

/**
 * The write-ahead log module on a Chronicle queue ({@code DATA/node-N/wal}).
 * <ul>
 * <li><b>WalAppend{retentionIndex, entry}</b>: writes one excerpt {@code WalEntry{node, retentionIndex,
 * entryType, entry, crc}}. The module holds follow-ups until the end of the batch
 * ({@link #holdsFollowUpsUntilEndOfBatch()}): {@link #onEndOfBatch} applies the {@link SyncPolicy} once for
 * all the appends of the batch (group commit) and only then does the engine release their follow-ups. A
 * released follow-up therefore means its entry is complete in the file (and synced, per policy).</li>
 * <li><b>WalTruncate{retentionIndex}</b>: drops every entry below the retention index. Logically exact (a
 * {@code WalTruncate} marker is written and recovery never replays older entries); physically by whole roll
 * cycles: every cycle file, from the first, whose entries are all below the index is deleted. To make that
 * useful the module starts a new cycle after each truncation (when the current one holds entries), after
 * {@link Context#entriesPerCycle(long)} entries, and at every start — so a cycle holds the entries between two
 * truncations (one checkpoint interval) at most.</li>
 * <li><b>Recovery</b> ({@link #recover}): replays every intact entry at or above the truncation point, in WAL
 * order, as {@code WalEntryLoaded{retentionIndex, walIndex, entry}} to {@link Context#recoveryDestination}. A
 * damaged entry (bad checksum, missing fields) stops the replay at the last intact entry; the index and the
 * reason are logged and available from {@link #lastRecovery()}. Appends then go to a new cycle whose header
 * records the last recovered index, so later recoveries skip the damaged range and continue after it.</li>
 * <li><b>Ownership</b>: every cycle starts with a {@code JournalHeader} naming the node, the format and the
 * engine schema version; opening another node's WAL, another kind of journal, or one written by a newer schema
 * version fails with {@link io.jmir.journal.JournalMismatchException} at {@link #onAttach}.</li>
 * </ul>
 * Appending allocates nothing. Other event types are counted ({@link #ignoredEvents()}) and dropped.
 * <p>
 * <b>Threading:</b> {@link #onAttach} and {@link #recover} run on the thread that builds/starts the node, every
 * other callback on the module's stage thread; the queue's appender is handed over between them.
 */
public final class ChronicleWal implements Module, RecoverySource
{
    /** Default module the recovered entries are sent to. */
    public static final String DEFAULT_RECOVERY_DESTINATION = "protocol";

    private static final System.Logger LOGGER = System.getLogger(ChronicleWal.class.getName());

    private final Context context;
    private final MessageHeaderEncoder headerEncoder = new MessageHeaderEncoder();
    private final WalAppendDecoder appendDecoder = new WalAppendDecoder();
    private final WalTruncateDecoder truncateDecoder = new WalTruncateDecoder();
    private final WalEntryLoadedEncoder loadedEncoder = new WalEntryLoadedEncoder();
    private final Long2LongHashMap cycleMaxRetention = new Long2LongHashMap(Long.MIN_VALUE);
    private WalEntryWriter entryWriter;
    private JournalQueue queue;
    private SchemaRegistry schemas;
    private int nodeId;
    private int recoveryDestinationId;
    private boolean sessionStarted;
    private boolean syncPending;
    private long truncatedBelow = Long.MIN_VALUE;
    private long entriesInCycle;
    private long currentCycleMax = Long.MIN_VALUE;
    private long appended;
    private long ignoredEvents;
    private long malformedEvents;
    private WalRecoveryReport lastRecovery;
    private Emitter recoveryEmitter;

    /**
     * @param context configuration; concluded here.
     */
    public ChronicleWal(final Context context)
    {
        this.context = context.conclude();
    }

    @Override
    public void onAttach(final ModuleContext moduleContext)
    {
        nodeId = moduleContext.nodeId();
        schemas = moduleContext.schemas();
        recoveryDestinationId = moduleContext.moduleId(context.recoveryDestination());
        if (queue == null)
        {
            queue = new JournalQueue(context.directory(), JournalKind.WAL, context.syncPolicy(), context.timeoutMs());
            entryWriter = new WalEntryWriter(queue.queue().wireType(), nodeId, schemas,
                context.initialEntryCapacity());
            try
            {
                queue.verifyHeaders(nodeId);
            }
            catch (final RuntimeException ex)
            {
                queue.close();
                queue = null;
                throw ex;
            }
        }
    }

    @Override
    public void recover(final Emitter emitter)
    {
        checkAttached();
        recoveryEmitter = emitter;
        try
        {
            startSession(this::emitLoaded);
        }
        finally
        {
            recoveryEmitter = null;
        }
    }

    @Override
    public boolean holdsFollowUpsUntilEndOfBatch()
    {
        return true;
    }

    @Override
    public void onEvent(final Event event, final Emitter emitter)
    {
        if (event.schemaId() != EnvelopeLayout.ENGINE_SCHEMA_ID)
        {
            ignoredEvents++;
            return;
        }
        switch (event.templateId())
        {
            case WalAppendDecoder.TEMPLATE_ID -> append(event);
            case WalTruncateDecoder.TEMPLATE_ID -> truncate(event.decode(truncateDecoder).retentionIndex());
            case InitDecoder.TEMPLATE_ID ->
            {
            }
            default -> ignoredEvents++;
        }
    }

    @Override
    public void onEndOfBatch(final Emitter emitter)
    {
        if (syncPending)
        {
            syncPending = false;
            queue.sync();
        }
    }

    @Override
    public void onClose()
    {
        if (queue != null)
        {
            queue.close();
            queue = null;
        }
    }

    /**
     * @return what the last recovery found, null before recovery.
     */
    public WalRecoveryReport lastRecovery()
    {
        return lastRecovery;
    }

    /**
     * @return entries appended since the module started.
     */
    public long appended()
    {
        return appended;
    }

    /**
     * @return events of other types received and dropped.
     */
    public long ignoredEvents()
    {
        return ignoredEvents;
    }

    /**
     * @return WalAppend events whose entry length did not fit their payload, dropped.
     */
    public long malformedEvents()
    {
        return malformedEvents;
    }

    /**
     * @return the retention index below which entries are dropped.
     */
    public long truncatedBelow()
    {
        return truncatedBelow;
    }

    /**
     * @return the logical roll cycle appends currently go to.
     */
    public int currentCycle()
    {
        return queue.currentCycle();
    }

    private void append(final Event event)
    {
        if (!sessionStarted)
        {
            startSession(null);
        }
        final WalAppendDecoder decoder = event.decode(appendDecoder);
        final long retentionIndex = decoder.retentionIndex();
        final int lengthOffset = decoder.limit();
        final int payloadEnd = event.payloadOffset() + event.payloadLength();
        if (lengthOffset + WalAppendDecoder.entryHeaderLength() > payloadEnd)
        {
            malformedEvents++;
            return;
        }
        final DirectBuffer buffer = event.buffer();
        final int length = buffer.getInt(lengthOffset, BYTE_ORDER);
        final int entryOffset = lengthOffset + WalAppendDecoder.entryHeaderLength();
        if (length < 0 || length > payloadEnd - entryOffset)
        {
            malformedEvents++;
            return;
        }
        entryWriter.write(queue.appender(), retentionIndex, buffer, entryOffset, length);
        appended++;
        syncPending = true;
        if (retentionIndex > currentCycleMax)
        {
            currentCycleMax = retentionIndex; // recorded per cycle when the cycle is left (rollCycle)
        }
        if (++entriesInCycle >= context.entriesPerCycle() && context.entriesPerCycle() > 0)
        {
            rollCycle();
        }
    }

    private void truncate(final long retentionIndex)
    {
        if (!sessionStarted)
        {
            startSession(null);
        }
        if (retentionIndex <= truncatedBelow)
        {
            return;
        }
        truncatedBelow = retentionIndex;
        try (DocumentContext dc = queue.appender().writingDocument())
        {
            dc.wire().write(JournalFields.TYPE).text(JournalFields.TYPE_WAL_TRUNCATE)
                .write(JournalFields.NODE).int32(nodeId)
                .write(JournalFields.RETENTION_INDEX).int64(retentionIndex);
        }
        syncPending = true;
        if (entriesInCycle > 0)
        {
            rollCycle();
        }
        final int first = queue.queue().firstCycle();
        int keepFrom = queue.currentCycle();
        for (int cycle = first; cycle < queue.currentCycle(); cycle++)
        {
            if (cycleMaxRetention.get(cycle) >= retentionIndex)
            {
                keepFrom = cycle;
                break;
            }
        }
        final int deleted = queue.deleteCyclesBelow(keepFrom);
        for (int cycle = first; cycle < keepFrom && deleted > 0; cycle++)
        {
            cycleMaxRetention.remove(cycle);
        }
    }

    private void rollCycle()
    {
        if (currentCycleMax != Long.MIN_VALUE)
        {
            cycleMaxRetention.put(queue.currentCycle(), currentCycleMax);
        }
        queue.roll(JournalHeader.current(JournalKind.WAL, nodeId, false, JournalHeader.NONE, truncatedBelow, 0,
            new String[0]));
        entriesInCycle = 0;
        currentCycleMax = Long.MIN_VALUE;
    }

    private void startSession(final WalScanner.EntryHandler handler)
    {
        if (sessionStarted)
        {
            throw new IllegalStateException("WAL " + context.directory() + " already recovered");
        }
        final WalScanner scanner = new WalScanner(queue, nodeId);
        try
        {
            scanner.scan(null, Long.MIN_VALUE);
            final long replayFrom = scanner.truncatedBelow();
            if (handler != null)
            {
                scanner.scan(handler, replayFrom);
            }
            lastRecovery = scanner.report();
            truncatedBelow = scanner.truncatedBelow();
            cycleMaxRetention.clear();
            cycleMaxRetention.putAll(scanner.cycleMaxRetention());
            queue.startSession(JournalHeader.current(JournalKind.WAL, nodeId, true, scanner.lastGood(),
                truncatedBelow, 0, new String[0]));
        }
        finally
        {
            scanner.close();
        }
        sessionStarted = true;
        entriesInCycle = 0;
        currentCycleMax = Long.MIN_VALUE;
        queue.sync();
        queue.handOver();
        if (lastRecovery.stoppedAtCorruption())
        {
            LOGGER.log(System.Logger.Level.WARNING, "WAL " + context.directory() + " of node " + nodeId + ": " +
                lastRecovery);
        }
        else
        {
            LOGGER.log(System.Logger.Level.DEBUG, "WAL " + context.directory() + " of node " + nodeId + ": " +
                lastRecovery);
        }
    }

    private void emitLoaded(
        final long retentionIndex, final long walIndex, final DirectBuffer buffer, final int offset, final int length)
    {
        final EventBuilder builder = recoveryEmitter.event(recoveryDestinationId);
        loadedEncoder.wrapAndApplyHeader(builder.buffer(), builder.payloadOffset(), headerEncoder)
            .retentionIndex(retentionIndex)
            .walIndex(walIndex)
            .putEntry(buffer, offset, length);
        builder.payload(loadedEncoder).commit();
    }

    private void checkAttached()
    {
        if (queue == null)
        {
            throw new IllegalStateException("WAL module not attached to a node (onAttach not called) or closed");
        }
    }

    /**
     * Configuration of a {@link ChronicleWal}. Fluent; {@link #conclude()} validates.
     */
    public static final class Context
    {
        private Path directory;
        private String recoveryDestination = DEFAULT_RECOVERY_DESTINATION;
        private SyncPolicy syncPolicy = SyncPolicy.NONE;
        private long entriesPerCycle = 1L << 20;
        private long timeoutMs = 2_000;
        private int initialEntryCapacity = 4096;

        /**
         * @param directory of the WAL's Chronicle queue, e.g. {@code DATA/node-0/wal} (created when absent).
         * @return this.
         */
        public Context directory(final Path directory)
        {
            this.directory = directory;
            return this;
        }

        /**
         * @return the directory.
         */
        public Path directory()
        {
            return directory;
        }

        /**
         * @param name of the module recovered entries are sent to (default {@value #DEFAULT_RECOVERY_DESTINATION}).
         * @return this.
         */
        public Context recoveryDestination(final String name)
        {
            this.recoveryDestination = name;
            return this;
        }

        /**
         * @return the module recovered entries are sent to.
         */
        public String recoveryDestination()
        {
            return recoveryDestination;
        }

        /**
         * @param syncPolicy what is forced to disk at the end of each batch (default {@link SyncPolicy#NONE}).
         * @return this.
         */
        public Context syncPolicy(final SyncPolicy syncPolicy)
        {
            this.syncPolicy = syncPolicy;
            return this;
        }

        /**
         * @return the sync policy.
         */
        public SyncPolicy syncPolicy()
        {
            return syncPolicy;
        }

        /**
         * @param entriesPerCycle entries after which a new roll cycle starts even without truncation
         *                        (default 2^20; 0 = only at start and truncation).
         * @return this.
         */
        public Context entriesPerCycle(final long entriesPerCycle)
        {
            this.entriesPerCycle = entriesPerCycle;
            return this;
        }

        /**
         * @return entries per cycle, 0 for unlimited.
         */
        public long entriesPerCycle()
        {
            return entriesPerCycle;
        }

        /**
         * @param timeoutMs how long Chronicle waits for an excerpt header left locked by a dead writer
         *                  (default 2000 ms).
         * @return this.
         */
        public Context timeoutMs(final long timeoutMs)
        {
            this.timeoutMs = timeoutMs;
            return this;
        }

        /**
         * @return Chronicle's header timeout.
         */
        public long timeoutMs()
        {
            return timeoutMs;
        }

        /**
         * @param bytes scratch space allocated up front for entries (larger entries grow it once).
         * @return this.
         */
        public Context initialEntryCapacity(final int bytes)
        {
            this.initialEntryCapacity = bytes;
            return this;
        }

        /**
         * @return initial entry capacity.
         */
        public int initialEntryCapacity()
        {
            return initialEntryCapacity;
        }

        /**
         * Validate.
         *
         * @return this.
         * @throws ConfigurationException naming the first invalid setting.
         */
        public Context conclude()
        {
            if (directory == null)
            {
                throw new ConfigurationException("wal.directory", "must be set");
            }
            if (recoveryDestination == null || recoveryDestination.isEmpty())
            {
                throw new ConfigurationException("wal.recoveryDestination", "must name a module");
            }
            if (syncPolicy == null)
            {
                throw new ConfigurationException("wal.syncPolicy", "must be set");
            }
            if (entriesPerCycle < 0 || entriesPerCycle >= JournalQueue.ROLL_CYCLE.maxMessagesPerCycle())
            {
                throw new ConfigurationException("wal.entriesPerCycle", "must be in [0, " +
                    JournalQueue.ROLL_CYCLE.maxMessagesPerCycle() + "), was " + entriesPerCycle);
            }
            if (timeoutMs < 1)
            {
                throw new ConfigurationException("wal.timeoutMs", "must be positive, was " + timeoutMs);
            }
            if (initialEntryCapacity < 0)
            {
                throw new ConfigurationException("wal.initialEntryCapacity", "must not be negative");
            }
            return this;
        }
    }
}
