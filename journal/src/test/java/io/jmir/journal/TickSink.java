package io.jmir.journal;

import io.jmir.codecs.EnvelopeLayout;
import io.jmir.codecs.engine.TickDecoder;
import io.jmir.engine.Emitter;
import io.jmir.engine.Event;
import io.jmir.engine.Module;

import java.util.ArrayList;
import java.util.List;
import java.util.function.LongConsumer;

/**
 * Receives the follow-up Ticks of {@link TestProtocol}: records each value and tells a listener.
 */
public final class TickSink implements Module
{
    private final TickDecoder decoder = new TickDecoder();
    private final List<Long> values = new ArrayList<>();
    private final LongConsumer listener;
    private final Runnable endOfBatch;

    public TickSink(final LongConsumer listener)
    {
        this(listener, () -> { });
    }

    public TickSink(final LongConsumer listener, final Runnable endOfBatch)
    {
        this.listener = listener;
        this.endOfBatch = endOfBatch;
    }

    @Override
    public void onEndOfBatch(final Emitter emitter)
    {
        endOfBatch.run();
    }

    @Override
    public void onEvent(final Event event, final Emitter emitter)
    {
        if (event.schemaId() == EnvelopeLayout.ENGINE_SCHEMA_ID && event.templateId() == TickDecoder.TEMPLATE_ID)
        {
            final long value = event.decode(decoder).tickCount();
            values.add(value);
            listener.accept(value);
        }
    }

    public List<Long> values()
    {
        return values;
    }
}
