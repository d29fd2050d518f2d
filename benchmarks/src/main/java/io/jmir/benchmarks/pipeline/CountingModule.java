package io.jmir.benchmarks.pipeline;

import io.jmir.codecs.engine.TickDecoder;
import io.jmir.engine.Emitter;
import io.jmir.engine.Event;
import io.jmir.engine.Module;

/**
 * The tail stage ("app"): decodes every Tick and hands its publication number to a {@link TailCounter}.
 * Other events (Init) are ignored.
 * <p>
 * <b>Threading:</b> called by its stage thread only, as every module.
 */
public final class CountingModule implements Module
{
    private final TickDecoder tick = new TickDecoder();
    private final TailCounter counter;

    /**
     * @param counter to count into.
     */
    public CountingModule(final TailCounter counter)
    {
        this.counter = counter;
    }

    /**
     * {@inheritDoc}
     */
    @Override
    public void onEvent(final Event event, final Emitter emitter)
    {
        if (event.schemaId() == TickDecoder.SCHEMA_ID && event.templateId() == TickDecoder.TEMPLATE_ID)
        {
            counter.onEvent(event.decode(tick).nowNs());
        }
    }
}
