package io.jmir.engine.sim;

import io.jmir.codecs.EngineEvents;
import io.jmir.codecs.EnvelopeLayout;
import io.jmir.codecs.engine.MessageHeaderEncoder;
import io.jmir.codecs.engine.TickDecoder;
import io.jmir.codecs.engine.TickEncoder;
import io.jmir.engine.Emitter;
import io.jmir.engine.Event;
import io.jmir.engine.EventBuilder;
import io.jmir.engine.Module;
import io.jmir.engine.ModuleContext;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * A test module driven by Tick events used as tagged messages (the tag is the tick count): it logs
 * {@code name:tag} to a shared list for every Tick and runs the action scripted for that tag, if any.
 * {@code name:Init} is logged for Init, {@code name:end} for onEndOfBatch when an end-of-batch action is set.
 */
final class ScriptedModule implements Module
{
    private final String name;
    private final List<String> log;
    private final boolean holdsFollowUps;
    private final Map<Long, BiConsumer<ScriptedModule, Emitter>> actions = new HashMap<>();
    private final TickDecoder tickDecoder = new TickDecoder();
    private final TickEncoder tickEncoder = new TickEncoder();
    private final MessageHeaderEncoder headerEncoder = new MessageHeaderEncoder();
    private Consumer<Emitter> endOfBatchAction;
    private ModuleContext context;

    ScriptedModule(final String name, final List<String> log, final boolean holdsFollowUps)
    {
        this.name = name;
        this.log = log;
        this.holdsFollowUps = holdsFollowUps;
    }

    ScriptedModule on(final long tag, final BiConsumer<ScriptedModule, Emitter> action)
    {
        actions.put(tag, action);
        return this;
    }

    ScriptedModule onEndOfBatch(final Consumer<Emitter> action)
    {
        endOfBatchAction = action;
        return this;
    }

    int id(final String moduleName)
    {
        return context.moduleId(moduleName);
    }

    /** Encode a Tick with the tag as the payload of the builder's current event. */
    EventBuilder tick(final EventBuilder builder, final long tag)
    {
        tickEncoder.wrapAndApplyHeader(builder.buffer(), builder.payloadOffset(), headerEncoder)
            .nowNs(0).tickCount(tag);
        return builder.payload(tickEncoder);
    }

    @Override
    public void onAttach(final ModuleContext context)
    {
        this.context = context;
    }

    @Override
    public boolean holdsFollowUpsUntilEndOfBatch()
    {
        return holdsFollowUps;
    }

    @Override
    public void onEvent(final Event event, final Emitter emitter)
    {
        if (event.schemaId() != EnvelopeLayout.ENGINE_SCHEMA_ID)
        {
            return;
        }
        if (event.templateId() == EngineEvents.INIT)
        {
            log.add(name + ":Init");
        }
        else if (event.templateId() == EngineEvents.TICK)
        {
            final long tag = event.decode(tickDecoder).tickCount();
            log.add(name + ":" + tag);
            final BiConsumer<ScriptedModule, Emitter> action = actions.get(tag);
            if (action != null)
            {
                action.accept(this, emitter);
            }
        }
    }

    @Override
    public void onEndOfBatch(final Emitter emitter)
    {
        if (endOfBatchAction != null)
        {
            log.add(name + ":end");
            endOfBatchAction.accept(emitter);
        }
    }
}
