package io.jmir.journal;

import io.jmir.codecs.EnvelopeLayout;
import io.jmir.codecs.engine.MessageHeaderDecoder;
import io.jmir.codecs.engine.MessageHeaderEncoder;
import io.jmir.codecs.engine.TickDecoder;
import io.jmir.codecs.engine.TickEncoder;
import io.jmir.codecs.engine.WalAppendEncoder;
import io.jmir.codecs.engine.WalEntryLoadedDecoder;
import io.jmir.engine.Emitter;
import io.jmir.engine.Event;
import io.jmir.engine.EventBuilder;
import io.jmir.engine.Module;
import io.jmir.engine.ModuleContext;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.ArrayList;
import java.util.List;

/**
 * A deterministic protocol stand-in: on Tick{nowNs = retention index, tickCount = n} it appends n WAL entries
 * (a negative nowNs = -d gives each entry the retention index value / d)
 * (each entry a Tick message whose tickCount is the next value) and gives each append a follow-up Tick with the same
 * value to the sink. On WalEntryLoaded it records the recovered entry and continues numbering after it.
 */
public final class TestProtocol implements Module
{
    private final MessageHeaderEncoder headerEncoder = new MessageHeaderEncoder();
    private final MessageHeaderDecoder headerDecoder = new MessageHeaderDecoder();
    private final WalAppendEncoder appendEncoder = new WalAppendEncoder();
    private final TickEncoder tickEncoder = new TickEncoder();
    private final TickDecoder tickDecoder = new TickDecoder();
    private final WalEntryLoadedDecoder loadedDecoder = new WalEntryLoadedDecoder();
    private final UnsafeBuffer entry = new UnsafeBuffer(new byte[64]);
    private final UnsafeBuffer loadedEntry = new UnsafeBuffer(new byte[1024]);
    private final String walName;
    private final String sinkName;
    private final long padding;
    private final List<long[]> recovered = new ArrayList<>();
    private int walId;
    private int sinkId;
    private long nextValue = 1;
    private volatile long recoveredCount;

    public TestProtocol(final String walName, final String sinkName, final long padding)
    {
        this.walName = walName;
        this.sinkName = sinkName;
        this.padding = padding;
    }

    @Override
    public void onAttach(final ModuleContext context)
    {
        walId = context.moduleId(walName);
        sinkId = context.moduleId(sinkName);
    }

    @Override
    public void onEvent(final Event event, final Emitter emitter)
    {
        if (event.schemaId() != EnvelopeLayout.ENGINE_SCHEMA_ID)
        {
            return;
        }
        switch (event.templateId())
        {
            case TickDecoder.TEMPLATE_ID ->
            {
                event.decode(tickDecoder);
                final long retention = tickDecoder.nowNs();
                final long count = tickDecoder.tickCount();
                for (long i = 0; i < count; i++)
                {
                    final long value = nextValue++;
                    append(emitter, retention < 0 ? value / -retention : retention, value);
                }
            }
            case WalEntryLoadedDecoder.TEMPLATE_ID ->
            {
                event.decode(loadedDecoder);
                final long retention = loadedDecoder.retentionIndex();
                final long walIndex = loadedDecoder.walIndex();
                final int length = loadedDecoder.getEntry(loadedEntry, 0, loadedEntry.capacity());
                headerDecoder.wrap(loadedEntry, 0);
                tickDecoder.wrap(loadedEntry, MessageHeaderDecoder.ENCODED_LENGTH, headerDecoder.blockLength(),
                    headerDecoder.version());
                final long value = tickDecoder.tickCount();
                recovered.add(new long[]{ retention, walIndex, value, length });
                nextValue = value + 1;
                recoveredCount = recovered.size();
            }
            default ->
            {
            }
        }
    }

    private void append(final Emitter emitter, final long retention, final long value)
    {
        tickEncoder.wrapAndApplyHeader(entry, 0, headerEncoder).nowNs(padding).tickCount(value);
        final int entryLength = MessageHeaderEncoder.ENCODED_LENGTH + tickEncoder.encodedLength();
        final EventBuilder b = emitter.event(walId);
        appendEncoder.wrapAndApplyHeader(b.buffer(), b.payloadOffset(), headerEncoder)
            .retentionIndex(retention)
            .putEntry(entry, 0, entryLength);
        b.payload(appendEncoder).followUp(sinkId);
        tickEncoder.wrapAndApplyHeader(b.buffer(), b.payloadOffset(), headerEncoder).nowNs(retention).tickCount(value);
        b.payload(tickEncoder).end();
        b.commit();
    }

    /**
     * @return WalEntryLoaded events processed so far (readable from any thread).
     */
    public long recoveredCount()
    {
        return recoveredCount;
    }

    public List<long[]> recovered()
    {
        return recovered;
    }

    public long nextValue()
    {
        return nextValue;
    }
}
