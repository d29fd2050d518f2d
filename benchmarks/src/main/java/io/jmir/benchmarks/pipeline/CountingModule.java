package io.jmir.benchmarks.pipeline;

import io.jmir.codecs.engine.TickDecoder;
import io.jmir.engine.Emitter;
import io.jmir.engine.Event;
import io.jmir.engine.Module;

/**
 * The tail stage ("app"): decodes every Tick, runs the configured {@link StageWork} and hands the Tick's
 * publication number to a {@link TailCounter}.
 * Other events (Init) are ignored.
 * <p>
 * <b>Threading:</b> called by its stage thread only, as every module.
 */
public final class CountingModule implements Module
{
    private final TickDecoder tick = new TickDecoder();
    private final TailCounter counter;
    private final int work;

    /**
     * @param counter to count into.
     * @param work    {@link StageWork} iterations per event (0: trivial).
     */
    public CountingModule(final TailCounter counter, final int work)
    {
        this.counter = counter;
        this.work = work;
    }

    /**
     * {@inheritDoc}
     */
    @Override
    public void onEvent(final Event event, final Emitter emitter)
    {
        if (event.schemaId() == TickDecoder.SCHEMA_ID && event.templateId() == TickDecoder.TEMPLATE_ID)
        {
            final long value = event.decode(tick).nowNs();
            counter.onEvent(value, StageWork.burn(value, work));
        }
    }
}
