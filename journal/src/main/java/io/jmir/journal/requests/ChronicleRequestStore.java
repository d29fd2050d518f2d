package io.jmir.journal.requests;

import io.jmir.codecs.EnvelopeLayout;
import io.jmir.codecs.engine.BooleanType;
import io.jmir.codecs.engine.InitDecoder;
import io.jmir.codecs.engine.MessageHeaderEncoder;
import io.jmir.codecs.engine.RequestStoreGcDecoder;
import io.jmir.codecs.engine.RequestStoreGetDecoder;
import io.jmir.codecs.engine.RequestStorePutDecoder;
import io.jmir.codecs.engine.RequestStoreResultEncoder;
import io.jmir.engine.ConfigurationException;
import io.jmir.engine.Emitter;
import io.jmir.engine.Event;
import io.jmir.engine.EventBuilder;
import io.jmir.engine.Module;
import io.jmir.engine.ModuleContext;
import io.jmir.journal.JournalFields;
import io.jmir.journal.JournalHeader;
import io.jmir.journal.JournalKind;
import io.jmir.journal.SyncPolicy;
import io.jmir.journal.internal.EntryChecksum;
import io.jmir.journal.internal.JournalQueue;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.wire.DocumentContext;
import org.agrona.DirectBuffer;
import org.agrona.collections.Long2LongHashMap;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.file.Path;

import static io.jmir.codecs.EnvelopeLayout.BYTE_ORDER;

/**
 * The request store ({@code reqstore}) persisted in a Chronicle queue ({@code DATA/node-N/requests}), with the
 * behaviour of the engine's in-memory store:
 * <ul>
 * <li><b>RequestStorePut{clientId, requestNo, retentionIndex, payload}</b> appends {@code RequestPut{node,
 * clientId, requestNo, retentionIndex, payload, crc}} and points the in-memory index at it (a later put of the
 * same id replaces it). Like the WAL, follow-ups are held until the end of the batch, when the {@link SyncPolicy}
 * is applied: a released follow-up means the payload is stored.</li>
 * <li><b>RequestStoreGet{correlationId, clientId, requestNo}</b> reads the payload back from the queue (random
 * access by Chronicle index, checksum verified) and answers {@code RequestStoreResult} to the requesting
 * module; {@code found} is FALSE (and the payload empty) for unknown, collected or damaged entries.</li>
 * <li><b>RequestStoreGc{retentionIndex}</b> drops every entry stored with a lower retention index: exactly in
 * the index (and after a restart: a {@code RequestGc} marker is written), on disk by whole roll cycles, as the
 * WAL does (a new cycle starts after each collection).</li>
 * </ul>
 * At {@link #onAttach} the queue is scanned once to rebuild the index; damaged entries are skipped and counted.
 * Memory: 36 bytes per index slot, two tables of {@code 2 * maxEntries} slots rounded up to a power of two; a
 * put of a new id beyond {@code maxEntries} is refused and counted. See docs/adr for why a queue, not a map.
 * <p>
 * <b>Threading:</b> {@link #onAttach} on the thread that builds the node, everything else on the module's stage
 * thread. Puts and gets allocate nothing.
 */
public final class ChronicleRequestStore implements Module
{
    private static final System.Logger LOGGER = System.getLogger(ChronicleRequestStore.class.getName());

    private final Context context;
    private final RequestStorePutDecoder putDecoder = new RequestStorePutDecoder();
    private final RequestStoreGetDecoder getDecoder = new RequestStoreGetDecoder();
    private final RequestStoreGcDecoder gcDecoder = new RequestStoreGcDecoder();
    private final RequestStoreResultEncoder resultEncoder = new RequestStoreResultEncoder();
    private final MessageHeaderEncoder headerEncoder = new MessageHeaderEncoder();
    private final EntryChecksum checksum;
    private final RequestIndex index;
    private final Long2LongHashMap cycleMaxRetention = new Long2LongHashMap(Long.MIN_VALUE);
    private final Bytes<?> readBytes = Bytes.allocateElasticDirect(4096);
    private final UnsafeBuffer readView = new UnsafeBuffer(0, 0);
    private final StringBuilder name = new StringBuilder();
    private JournalQueue queue;
    private ExcerptTailer tailer;
    private int nodeId;
    private long collectedBelow = Long.MIN_VALUE;
    private long putsInCycle;
    private long currentCycleMax = Long.MIN_VALUE;
    private boolean syncPending;
    private long puts;
    private long hits;
    private long misses;
    private long collected;
    private long rejectedPuts;
    private long damagedEntries;
    private long malformedEvents;
    private long ignoredEvents;

    /**
     * @param context configuration; concluded here.
     */
    public ChronicleRequestStore(final Context context)
    {
        this.context = context.conclude();
        this.checksum = new EntryChecksum(4096);
        this.index = new RequestIndex(this.context.maxEntries());
    }

    @Override
    public void onAttach(final ModuleContext moduleContext)
    {
        nodeId = moduleContext.nodeId();
        if (queue != null)
        {
            return;
        }
        queue = new JournalQueue(context.directory(), JournalKind.REQUESTS, context.syncPolicy(), 2_000);
        try
        {
            queue.verifyHeaders(nodeId);
            new RequestStoreLoader(this).load();
            queue.startSession(header(true));
            queue.sync();
            queue.handOver();
        }
        catch (final RuntimeException ex)
        {
            queue.close();
            queue = null;
            throw ex;
        }
        LOGGER.log(System.Logger.Level.DEBUG, () -> "request store " + context.directory() + " of node " + nodeId +
            ": " + index.size() + " entries loaded, " + damagedEntries + " damaged skipped");
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
            case RequestStorePutDecoder.TEMPLATE_ID -> onPut(event);
            case RequestStoreGetDecoder.TEMPLATE_ID -> onGet(event, emitter);
            case RequestStoreGcDecoder.TEMPLATE_ID -> onGc(event);
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
        if (tailer != null)
        {
            tailer.close();
            tailer = null;
        }
        if (queue != null)
        {
            queue.close();
            queue = null;
        }
        readBytes.releaseLast();
    }

    /**
     * @return entries held.
     */
    public int size()
    {
        return index.size();
    }

    /**
     * @return puts stored since start.
     */
    public long puts()
    {
        return puts;
    }

    /**
     * @return gets answered with the payload.
     */
    public long hits()
    {
        return hits;
    }

    /**
     * @return gets answered not found.
     */
    public long misses()
    {
        return misses;
    }

    /**
     * @return entries dropped by garbage collection since start.
     */
    public long collected()
    {
        return collected;
    }

    /**
     * @return puts of new ids refused because the index was full.
     */
    public long rejectedPuts()
    {
        return rejectedPuts;
    }

    /**
     * @return stored entries found damaged (checksum) at load or get, dropped.
     */
    public long damagedEntries()
    {
        return damagedEntries;
    }

    /**
     * @return malformed events dropped.
     */
    public long malformedEvents()
    {
        return malformedEvents;
    }

    /**
     * @return events of other types, and gets from outside the node, ignored.
     */
    public long ignoredEvents()
    {
        return ignoredEvents;
    }

    /**
     * @return the retention index below which entries are collected.
     */
    public long collectedBelow()
    {
        return collectedBelow;
    }

    private void onPut(final Event event)
    {
        final RequestStorePutDecoder put = event.decode(putDecoder);
        final int lengthOffset = put.limit();
        final int payloadEnd = event.payloadOffset() + event.payloadLength();
        if (event.blockLength() < RequestStorePutDecoder.BLOCK_LENGTH ||
            lengthOffset + RequestStorePutDecoder.payloadHeaderLength() > payloadEnd)
        {
            malformedEvents++;
            return;
        }
        final DirectBuffer buffer = event.buffer();
        final int length = buffer.getInt(lengthOffset, BYTE_ORDER);
        final int offset = lengthOffset + RequestStorePutDecoder.payloadHeaderLength();
        if (length < 0 || length > payloadEnd - offset)
        {
            malformedEvents++;
            return;
        }
        final long clientId = put.clientId();
        final long requestNo = put.requestNo();
        final long retentionIndex = put.retentionIndex();
        if (index.find(clientId, requestNo) < 0 && index.size() == context.maxEntries())
        {
            rejectedPuts++;
            return;
        }
        final int crc = checksum.stage(retentionIndex, buffer, offset, length);
        try (DocumentContext dc = queue.appender().writingDocument())
        {
            dc.wire().write(JournalFields.TYPE).text(JournalFields.TYPE_REQUEST_PUT)
                .write(JournalFields.NODE).int32(nodeId)
                .write(JournalFields.CLIENT_ID).int64(clientId)
                .write(JournalFields.REQUEST_NO).int64(requestNo)
                .write(JournalFields.RETENTION_INDEX).int64(retentionIndex)
                .write(JournalFields.PAYLOAD).bytes(checksum.staged())
                .write(JournalFields.CRC).int32(crc);
        }
        final long position = queue.appender().lastIndexAppended();
        index.put(clientId, requestNo, position, retentionIndex, length);
        puts++;
        syncPending = true;
        if (retentionIndex > currentCycleMax)
        {
            currentCycleMax = retentionIndex;
            cycleMaxRetention.put(queue.currentCycle(), retentionIndex);
        }
        putsInCycle++;
    }

    private void onGet(final Event event, final Emitter emitter)
    {
        if (event.blockLength() < RequestStoreGetDecoder.BLOCK_LENGTH)
        {
            malformedEvents++;
            return;
        }
        if (event.source() == EventBuilder.EXTERNAL_SOURCE)
        {
            ignoredEvents++;
            return;
        }
        final RequestStoreGetDecoder get = event.decode(getDecoder);
        final long clientId = get.clientId();
        final long requestNo = get.requestNo();
        final int slot = index.find(clientId, requestNo);
        final boolean found = slot >= 0 && readPayload(index.position(slot), index.retention(slot));
        if (slot >= 0 && !found)
        {
            damagedEntries++;
            index.remove(clientId, requestNo);
        }
        final EventBuilder builder = emitter.event(event.source());
        final RequestStoreResultEncoder result = resultEncoder
            .wrapAndApplyHeader(builder.buffer(), builder.payloadOffset(), headerEncoder)
            .correlationId(get.correlationId())
            .clientId(clientId)
            .requestNo(requestNo)
            .found(found ? BooleanType.TRUE : BooleanType.FALSE);
        if (found)
        {
            result.putPayload(readView, 0, readView.capacity());
            hits++;
        }
        else
        {
            result.putPayload(readView, 0, 0);
            misses++;
        }
        builder.payload(result).commit();
    }

    private void onGc(final Event event)
    {
        if (event.blockLength() < RequestStoreGcDecoder.BLOCK_LENGTH)
        {
            malformedEvents++;
            return;
        }
        final long retentionIndex = event.decode(gcDecoder).retentionIndex();
        if (retentionIndex <= collectedBelow)
        {
            return;
        }
        collectedBelow = retentionIndex;
        collected += index.removeBelow(retentionIndex);
        try (DocumentContext dc = queue.appender().writingDocument())
        {
            dc.wire().write(JournalFields.TYPE).text(JournalFields.TYPE_REQUEST_GC)
                .write(JournalFields.NODE).int32(nodeId)
                .write(JournalFields.RETENTION_INDEX).int64(retentionIndex);
        }
        syncPending = true;
        if (putsInCycle > 0)
        {
            queue.roll(header(false));
            putsInCycle = 0;
            currentCycleMax = Long.MIN_VALUE;
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
        if (queue.deleteCyclesBelow(keepFrom) > 0)
        {
            for (int cycle = first; cycle < keepFrom; cycle++)
            {
                cycleMaxRetention.remove(cycle);
            }
        }
    }

    /**
     * Read a stored payload into {@link #readView}.
     *
     * @return false when the excerpt is missing or damaged.
     */
    private boolean readPayload(final long position, final long retentionIndex)
    {
        if (tailer == null)
        {
            tailer = queue.queue().createTailer();
        }
        if (!tailer.moveToIndex(position))
        {
            return false;
        }
        try (DocumentContext dc = tailer.readingDocument())
        {
            if (!dc.isPresent())
            {
                return false;
            }
            return RequestStoreLoader.readPut(dc.wire(), name, readBytes, readView, checksum, retentionIndex);
        }
    }

    JournalQueue queue()
    {
        return queue;
    }

    int nodeId()
    {
        return nodeId;
    }

    void loaded(final long clientId, final long requestNo, final long position, final long retentionIndex,
        final int length)
    {
        if (!index.put(clientId, requestNo, position, retentionIndex, length))
        {
            rejectedPuts++;
        }
        final long cycle = JournalQueue.ROLL_CYCLE.toCycle(position);
        if (retentionIndex > cycleMaxRetention.get(cycle))
        {
            cycleMaxRetention.put(cycle, retentionIndex);
        }
    }

    void loadedCollection(final long retentionIndex)
    {
        if (retentionIndex > collectedBelow)
        {
            collectedBelow = retentionIndex;
            index.removeBelow(retentionIndex);
        }
    }

    void damaged(final long position, final String reason)
    {
        damagedEntries++;
        LOGGER.log(System.Logger.Level.WARNING, "request store " + context.directory() + " of node " + nodeId +
            ": skipping damaged excerpt at index 0x" + Long.toHexString(position) + ": " + reason);
    }

    private JournalHeader header(final boolean sessionStart)
    {
        return JournalHeader.current(JournalKind.REQUESTS, nodeId, sessionStart, JournalHeader.NONE, collectedBelow,
            0, new String[0]);
    }

    /**
     * Configuration of a {@link ChronicleRequestStore}. Fluent; {@link #conclude()} validates.
     */
    public static final class Context
    {
        /** Default bound on entries held. */
        public static final int DEFAULT_MAX_ENTRIES = 1 << 20;

        private Path directory;
        private SyncPolicy syncPolicy = SyncPolicy.NONE;
        private int maxEntries = DEFAULT_MAX_ENTRIES;

        /**
         * @param directory of the store's Chronicle queue, e.g. {@code DATA/node-0/requests} (created when absent).
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
         * @param syncPolicy applied at the end of each batch of puts (default {@link SyncPolicy#NONE}).
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
         * @param maxEntries most request ids held (default {@value #DEFAULT_MAX_ENTRIES}).
         * @return this.
         */
        public Context maxEntries(final int maxEntries)
        {
            this.maxEntries = maxEntries;
            return this;
        }

        /**
         * @return most request ids held.
         */
        public int maxEntries()
        {
            return maxEntries;
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
                throw new ConfigurationException("reqstore.directory", "must be set");
            }
            if (syncPolicy == null)
            {
                throw new ConfigurationException("reqstore.syncPolicy", "must be set");
            }
            if (maxEntries < 1 || maxEntries > (1 << 28))
            {
                throw new ConfigurationException("reqstore.maxEntries", "must be in [1, 2^28], was " + maxEntries);
            }
            return this;
        }
    }
}
