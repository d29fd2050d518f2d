package io.jmir.engine.pipeline;

import io.jmir.engine.Emitter;
import io.jmir.engine.Event;
import io.jmir.engine.Module;
import io.jmir.engine.ModuleContext;
import io.jmir.engine.TestEvents;

import java.util.function.Consumer;

/**
 * A test module whose reaction to Tick events is a lambda; Init and other events are ignored.
 */
class ScriptedModule implements Module
{
    interface TickHandler
    {
        void onTick(long value, long tag, Event event, Emitter emitter);
    }

    final TestEvents events = new TestEvents();
    private final TickHandler handler;
    private final boolean holds;
    private Consumer<Emitter> endOfBatch = emitter -> {};
    ModuleContext context;

    ScriptedModule(final TickHandler handler)
    {
        this(handler, false);
    }

    ScriptedModule(final TickHandler handler, final boolean holds)
    {
        this.handler = handler;
        this.holds = holds;
    }

    ScriptedModule onEndOfBatch(final Consumer<Emitter> endOfBatch)
    {
        this.endOfBatch = endOfBatch;
        return this;
    }

    @Override
    public void onAttach(final ModuleContext context)
    {
        this.context = context;
    }

    @Override
    public void onEvent(final Event event, final Emitter emitter)
    {
        if (TestEvents.isTick(event))
        {
            handler.onTick(events.value(event), events.tag(event), event, emitter);
        }
    }

    @Override
    public void onEndOfBatch(final Emitter emitter)
    {
        endOfBatch.accept(emitter);
    }

    @Override
    public boolean holdsFollowUpsUntilEndOfBatch()
    {
        return holds;
    }
}
