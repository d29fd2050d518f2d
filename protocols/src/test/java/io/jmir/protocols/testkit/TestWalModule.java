package io.jmir.protocols.testkit;

import io.jmir.codecs.EngineEvents;
import io.jmir.codecs.engine.MessageHeaderDecoder;
import io.jmir.codecs.engine.WalAppendDecoder;
import io.jmir.codecs.engine.WalTruncateDecoder;
import io.jmir.engine.Emitter;
import io.jmir.engine.Event;
import io.jmir.engine.Module;
import org.agrona.collections.LongArrayList;

import java.util.ArrayList;
import java.util.List;

/**
 * Stand-in in-memory "wal" until io.jmir.engine.modules.wal lands: keeps appended entries (retention index and
 * bytes) until a WalTruncate drops those below its index. Follow-ups are released right after each append (the
 * engine does that once onEvent returns). Counts for tests.
 */
public final class TestWalModule implements Module
{
    private final WalAppendDecoder append = new WalAppendDecoder();
    private final WalTruncateDecoder truncate = new WalTruncateDecoder();
    private final LongArrayList retention = new LongArrayList();
    private final List<byte[]> entries = new ArrayList<>();
    private long appended;
    private long truncations;
    private long lastTruncateIndex = -1;

    @Override
    public void onEvent(final Event event, final Emitter emitter)
    {
        if (event.schemaId() != MessageHeaderDecoder.SCHEMA_ID)
        {
            return;
        }
        if (event.templateId() == EngineEvents.WAL_APPEND)
        {
            event.decode(append);
            retention.addLong(append.retentionIndex());
            final byte[] entry = new byte[append.entryLength()];
            append.getEntry(entry, 0, entry.length);
            entries.add(entry);
            appended++;
        }
        else if (event.templateId() == EngineEvents.WAL_TRUNCATE)
        {
            event.decode(truncate);
            final long index = truncate.retentionIndex();
            int keep = 0;
            for (int i = 0; i < entries.size(); i++)
            {
                if (retention.getLong(i) >= index)
                {
                    retention.setLong(keep, retention.getLong(i));
                    entries.set(keep, entries.get(i));
                    keep++;
                }
            }
            while (entries.size() > keep)
            {
                entries.remove(entries.size() - 1);
                retention.removeAt(retention.size() - 1);
            }
            truncations++;
            lastTruncateIndex = Math.max(lastTruncateIndex, index);
        }
    }

    public int size()
    {
        return entries.size();
    }

    public long appended()
    {
        return appended;
    }

    public long truncations()
    {
        return truncations;
    }

    public long lastTruncateIndex()
    {
        return lastTruncateIndex;
    }

    public List<byte[]> entries()
    {
        return entries;
    }
}
