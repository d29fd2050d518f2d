package io.jmir.engine.modules.wal;

import io.jmir.codecs.EngineEvents;
import io.jmir.codecs.EnvelopeLayout;
import io.jmir.codecs.engine.MessageHeaderEncoder;
import io.jmir.codecs.engine.WalAppendDecoder;
import io.jmir.codecs.engine.WalEntryLoadedEncoder;
import io.jmir.codecs.engine.WalTruncateDecoder;
import io.jmir.engine.Emitter;
import io.jmir.engine.Event;
import io.jmir.engine.EventBuilder;
import io.jmir.engine.Module;
import io.jmir.engine.ModuleContext;
import io.jmir.engine.RecoverySource;
import io.jmir.engine.modules.PayloadCursor;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.Arrays;

/**
 * The {@code wal} module for simulations and tests: a write-ahead log whose durable part is an
 * {@link InMemoryWalStore} that outlives the node.
 * <ul>
 *   <li>WalAppend{retentionIndex, entry} and WalTruncate{retentionIndex} are collected during a batch and
 *   applied to the store, in order, at {@link #onEndOfBatch} (group commit). Because
 *   {@link #holdsFollowUpsUntilEndOfBatch()} is true, the follow-ups of an append (messages to send, batches
 *   to deliver) are released only after that — the contract the Chronicle WAL keeps too.</li>
 *   <li>As a {@link RecoverySource} it emits, when the node starts, WalEntryLoaded{retentionIndex, walIndex,
 *   entry} for every entry in the store, in log order, to the module named at construction.</li>
 * </ul>
 * Malformed events are counted and dropped.
 * <p>
 * <b>Threading:</b> {@link #recover} on the thread that starts the node, other callbacks on the module's
 * thread. Counters are plain fields: read them there or after the node stopped.
 */
public final class InMemoryWal implements Module, RecoverySource
{
    private static final byte APPEND = 1;
    private static final byte TRUNCATE = 2;

    private final InMemoryWalStore store;
    private final String recoveryDestination;
    private final WalAppendDecoder appendDecoder = new WalAppendDecoder();
    private final WalTruncateDecoder truncateDecoder = new WalTruncateDecoder();
    private final WalEntryLoadedEncoder loadedEncoder = new WalEntryLoadedEncoder();
    private final MessageHeaderEncoder headerEncoder = new MessageHeaderEncoder();
    private final PayloadCursor cursor = new PayloadCursor();
    private final ExpandableArrayBuffer pendingData = new ExpandableArrayBuffer(1024);
    private final UnsafeBuffer entryView = new UnsafeBuffer(0, 0);
    private byte[] pendingKind = new byte[16];
    private long[] pendingRetention = new long[16];
    private int[] pendingOffset = new int[16];
    private int[] pendingLength = new int[16];
    private int pendingCount;
    private int pendingBytes;
    private int recoveryDestinationId = -1;
    private long appends;
    private long truncations;
    private long recovered;
    private long malformedEvents;
    private long ignoredEvents;

    /**
     * @param store               durable part, kept across restarts by whoever builds the node.
     * @param recoveryDestination name of the module that receives the recovered entries (e.g. "protocol").
     */
    public InMemoryWal(final InMemoryWalStore store, final String recoveryDestination)
    {
        this.store = store;
        this.recoveryDestination = recoveryDestination;
    }

    /**
     * Resolve the recovery destination.
     *
     * @param context of the node.
     */
    @Override
    public void onAttach(final ModuleContext context)
    {
        recoveryDestinationId = context.moduleId(recoveryDestination);
    }

    /**
     * {@inheritDoc}
     */
    @Override
    public void onEvent(final Event event, final Emitter emitter)
    {
        if (event.schemaId() != EnvelopeLayout.ENGINE_SCHEMA_ID)
        {
            ignoredEvents++;
            return;
        }
        final int templateId = event.templateId();
        if (templateId == EngineEvents.WAL_APPEND)
        {
            onAppend(event);
        }
        else if (templateId == EngineEvents.WAL_TRUNCATE)
        {
            onTruncate(event);
        }
        else if (templateId != EngineEvents.INIT)
        {
            ignoredEvents++;
        }
    }

    /**
     * Make the batch's appends and truncations durable, in order.
     *
     * @param emitter unused.
     */
    @Override
    public void onEndOfBatch(final Emitter emitter)
    {
        for (int i = 0; i < pendingCount; i++)
        {
            if (pendingKind[i] == APPEND)
            {
                store.append(pendingRetention[i], pendingData, pendingOffset[i], pendingLength[i]);
            }
            else
            {
                store.truncate(pendingRetention[i]);
            }
        }
        pendingCount = 0;
        pendingBytes = 0;
    }

    /**
     * @return true: follow-ups of appends wait for {@link #onEndOfBatch}.
     */
    @Override
    public boolean holdsFollowUpsUntilEndOfBatch()
    {
        return true;
    }

    /**
     * Emit WalEntryLoaded for every stored entry, in log order.
     *
     * @param emitter of this module.
     */
    @Override
    public void recover(final Emitter emitter)
    {
        if (recoveryDestinationId < 0)
        {
            throw new IllegalStateException("recover called before onAttach");
        }
        store.forEach((retentionIndex, walIndex, entry) ->
        {
            entryView.wrap(entry);
            final EventBuilder builder = emitter.event(recoveryDestinationId);
            builder.payload(loadedEncoder.wrapAndApplyHeader(builder.buffer(), builder.payloadOffset(), headerEncoder)
                .retentionIndex(retentionIndex)
                .walIndex(walIndex)
                .putEntry(entryView, 0, entry.length))
                .commit();
            recovered++;
        });
    }

    /**
     * @return appends made durable or pending.
     */
    public long appends()
    {
        return appends;
    }

    /**
     * @return truncations received.
     */
    public long truncations()
    {
        return truncations;
    }

    /**
     * @return entries emitted by recovery.
     */
    public long recovered()
    {
        return recovered;
    }

    /**
     * @return operations of the current batch not yet durable.
     */
    public int pendingOperations()
    {
        return pendingCount;
    }

    /**
     * @return malformed events dropped.
     */
    public long malformedEvents()
    {
        return malformedEvents;
    }

    /**
     * @return events of other types ignored.
     */
    public long ignoredEvents()
    {
        return ignoredEvents;
    }

    private void onAppend(final Event event)
    {
        if (!cursor.wrap(event, WalAppendDecoder.BLOCK_LENGTH) || cursor.varData() < 0)
        {
            malformedEvents++;
            return;
        }
        final WalAppendDecoder append = event.decode(appendDecoder);
        final long retentionIndex = append.retentionIndex();
        final int length = append.entryLength();
        final int index = addPending(APPEND, retentionIndex);
        pendingOffset[index] = pendingBytes;
        pendingLength[index] = length;
        append.getEntry(pendingData, pendingBytes, length);
        pendingBytes += length;
        appends++;
    }

    private void onTruncate(final Event event)
    {
        if (event.blockLength() < WalTruncateDecoder.BLOCK_LENGTH)
        {
            malformedEvents++;
            return;
        }
        addPending(TRUNCATE, event.decode(truncateDecoder).retentionIndex());
        truncations++;
    }

    private int addPending(final byte kind, final long retentionIndex)
    {
        if (pendingCount == pendingKind.length)
        {
            final int capacity = pendingCount * 2;
            pendingKind = Arrays.copyOf(pendingKind, capacity);
            pendingRetention = Arrays.copyOf(pendingRetention, capacity);
            pendingOffset = Arrays.copyOf(pendingOffset, capacity);
            pendingLength = Arrays.copyOf(pendingLength, capacity);
        }
        final int index = pendingCount++;
        pendingKind[index] = kind;
        pendingRetention[index] = retentionIndex;
        return index;
    }
}
