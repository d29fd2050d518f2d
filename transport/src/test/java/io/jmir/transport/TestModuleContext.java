package io.jmir.transport;

import io.jmir.codecs.SchemaRegistry;
import io.jmir.engine.ConfigurationException;
import io.jmir.engine.ModuleContext;

/**
 * A fixed {@link ModuleContext} for attaching a module outside a runtime.
 */
final class TestModuleContext implements ModuleContext
{
    private final int nodeId;
    private final int nodeCount;
    private final int moduleCount;
    private final SchemaRegistry schemas = new SchemaRegistry();

    TestModuleContext(final int nodeId, final int nodeCount, final int moduleCount)
    {
        this.nodeId = nodeId;
        this.nodeCount = nodeCount;
        this.moduleCount = moduleCount;
    }

    @Override
    public int nodeId()
    {
        return nodeId;
    }

    @Override
    public int nodeCount()
    {
        return nodeCount;
    }

    @Override
    public int selfId()
    {
        return 0;
    }

    @Override
    public int moduleId(final String name)
    {
        throw new ConfigurationException("modules[" + name + "]", "unknown in test context");
    }

    @Override
    public boolean hasModule(final String name)
    {
        return false;
    }

    @Override
    public String moduleName(final int id)
    {
        return "module-" + id;
    }

    @Override
    public int moduleCount()
    {
        return moduleCount;
    }

    @Override
    public SchemaRegistry schemas()
    {
        return schemas;
    }
}
