package io.jmir.benchmarks.pipeline;

import io.jmir.codecs.engine.TickEncoder;
import io.jmir.engine.Emitter;
import io.jmir.engine.Event;
import io.jmir.engine.Module;
import io.jmir.engine.ModuleContext;

/**
 * A forwarding stage: runs the configured {@link StageWork} on every Tick it receives (none by default), then
 * forwards it, payload copied as is, to the next module (claim a slot in the next ring, write the envelope,
 * copy the payload, publish). Other events (Init) are ignored.
 * <p>
 * <b>Threading:</b> called by its stage thread only, as every module.
 */
public final class ForwardingModule implements Module
{
    private final String nextName;
    private final int work;
    private int nextId = -1;
    private long workResult;

    /**
     * @param nextName name of the module to forward to.
     * @param work     {@link StageWork} iterations per event (0: trivial).
     */
    public ForwardingModule(final String nextName, final int work)
    {
        this.nextName = nextName;
        this.work = work;
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
            workResult += StageWork.burn(event.buffer().getLong(event.bodyOffset()), work);
            emitter.emit(nextId, event.buffer(), event.payloadOffset(), event.payloadLength());
        }
    }

    /**
     * @return accumulated result of the stage work (keeps the JIT from dropping it).
     */
    public long workResult()
    {
        return workResult;
    }
}
