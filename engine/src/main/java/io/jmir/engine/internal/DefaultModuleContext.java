package io.jmir.engine.internal;

import io.jmir.codecs.SchemaRegistry;
import io.jmir.engine.ConfigurationException;
import io.jmir.engine.ModuleContext;
import io.jmir.engine.NodeDefinition;

/**
 * {@link ModuleContext} over a {@link NodeDefinition}. Internal API. Immutable.
 */
public final class DefaultModuleContext implements ModuleContext
{
    private final NodeDefinition definition;
    private final int selfId;

    /**
     * @param definition of the node.
     * @param selfId     id of the module the context is for.
     */
    public DefaultModuleContext(final NodeDefinition definition, final int selfId)
    {
        this.definition = definition;
        this.selfId = selfId;
    }

    @Override
    public int nodeId()
    {
        return definition.nodeId();
    }

    @Override
    public int nodeCount()
    {
        return definition.nodeCount();
    }

    @Override
    public int selfId()
    {
        return selfId;
    }

    @Override
    public int moduleId(final String name)
    {
        final int id = definition.moduleId(name);
        if (id < 0)
        {
            throw new ConfigurationException("modules[" + name + "]",
                "module '" + definition.moduleNames().get(selfId) + "' routes to module '" + name +
                "' but no module of that name is registered (registered: " + definition.moduleNames() + ")");
        }
        return id;
    }

    @Override
    public boolean hasModule(final String name)
    {
        return definition.moduleId(name) >= 0;
    }

    @Override
    public String moduleName(final int id)
    {
        return id >= 0 && id < definition.moduleCount() ? definition.moduleNames().get(id) : "module-" + id;
    }

    @Override
    public int moduleCount()
    {
        return definition.moduleCount();
    }

    @Override
    public SchemaRegistry schemas()
    {
        return definition.schemas();
    }
}
