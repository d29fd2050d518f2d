package io.jmir.benchmarks.pipeline;

import io.jmir.codecs.engine.TickEncoder;
import io.jmir.engine.Emitter;
import io.jmir.engine.Event;
import io.jmir.engine.Module;
import io.jmir.engine.ModuleContext;

/**
 * A stage with trivial work: forwards every Tick it receives, payload copied as is, to the next module
 * (claim a slot in the next ring, write the envelope, copy the payload, publish). Other events (Init) are
 * ignored.
 * <p>
 * <b>Threading:</b> called by its stage thread only, as every module.
 */
public final class ForwardingModule implements Module
{
    private final String nextName;
    private int nextId = -1;

    /**
     * @param nextName name of the module to forward to.
     */
    public ForwardingModule(final String nextName)
    {
        this.nextName = nextName;
    }

    /**
     * {@inheritDoc}
     */
    @Override
    public void onAttach(final ModuleContext context)
    {
        nextId = context.moduleId(nextName);
    }

    /**
     * {@inheritDoc}
     */
    @Override
    public void onEvent(final Event event, final Emitter emitter)
    {
        if (event.schemaId() == TickEncoder.SCHEMA_ID && event.templateId() == TickEncoder.TEMPLATE_ID)
        {
            emitter.emit(nextId, event.buffer(), event.payloadOffset(), event.payloadLength());
        }
    }
}
