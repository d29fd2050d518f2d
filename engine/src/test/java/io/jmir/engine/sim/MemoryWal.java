package io.jmir.engine.sim;

import io.jmir.codecs.EngineEvents;
import io.jmir.codecs.EnvelopeLayout;
import io.jmir.codecs.engine.MessageHeaderEncoder;
import io.jmir.codecs.engine.WalAppendDecoder;
import io.jmir.codecs.engine.WalEntryLoadedEncoder;
import io.jmir.engine.Emitter;
import io.jmir.engine.Event;
import io.jmir.engine.EventBuilder;
import io.jmir.engine.Module;
import io.jmir.engine.ModuleContext;
import io.jmir.engine.RecoverySource;

import java.util.ArrayList;
import java.util.List;

/**
 * An in-memory WAL for tests: appends become durable (copied to the node's {@link DurableState}) at the end of
 * the batch, and the follow-ups of an append are held until then (group commit). At start it replays the
 * durable entries as WalEntryLoaded events to its target module.
 */
final class MemoryWal implements Module, RecoverySource
{
    static final String KEY = "wal";

    /** The durable part: entries that reached the simulated disk. */
    static final class Store
    {
        final List<byte[]> entries = new ArrayList<>();
        final List<Long> retention = new ArrayList<>();
    }

    private final Store store;
    private final String targetName;
    private final List<byte[]> pendingEntries = new ArrayList<>();
    private final List<Long> pendingRetention = new ArrayList<>();
    private final WalAppendDecoder appendDecoder = new WalAppendDecoder();
    private final WalEntryLoadedEncoder loadedEncoder = new WalEntryLoadedEncoder();
    private final MessageHeaderEncoder headerEncoder = new MessageHeaderEncoder();
    private int targetId;

    MemoryWal(final DurableState durable, final String targetName)
    {
        this.store = durable.computeIfAbsent(KEY, Store.class, Store::new);
        this.targetName = targetName;
    }

    @Override
    public void onAttach(final ModuleContext context)
    {
        targetId = context.moduleId(targetName);
    }

    @Override
    public boolean holdsFollowUpsUntilEndOfBatch()
    {
        return true;
    }

    @Override
    public void onEvent(final Event event, final Emitter emitter)
    {
        if (event.schemaId() == EnvelopeLayout.ENGINE_SCHEMA_ID && event.templateId() == EngineEvents.WAL_APPEND)
        {
            event.decode(appendDecoder);
            final long retentionIndex = appendDecoder.retentionIndex();
            final byte[] entry = new byte[appendDecoder.entryLength()];
            appendDecoder.getEntry(entry, 0, entry.length);
            pendingEntries.add(entry);
            pendingRetention.add(retentionIndex);
        }
    }

    @Override
    public void onEndOfBatch(final Emitter emitter)
    {
        store.entries.addAll(pendingEntries);
        store.retention.addAll(pendingRetention);
        pendingEntries.clear();
        pendingRetention.clear();
    }

    @Override
    public void recover(final Emitter emitter)
    {
        for (int i = 0; i < store.entries.size(); i++)
        {
            final byte[] entry = store.entries.get(i);
            final EventBuilder builder = emitter.event(targetId);
            loadedEncoder.wrapAndApplyHeader(builder.buffer(), builder.payloadOffset(), headerEncoder)
                .retentionIndex(store.retention.get(i)).walIndex(i).putEntry(entry, 0, entry.length);
            builder.payload(loadedEncoder).commit();
        }
    }
}
