package io.jmir.engine;

import io.jmir.codecs.SchemaRegistry;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.regex.Pattern;

/**
 * What a node is made of, independent of the runtime that runs it: its id, the cluster size, its modules in
 * registration order (the order fixes their routing ids 0, 1, 2, ...) and the schemas it accepts. Both the
 * pipeline runtime ({@link Node}) and the simulation runtime run a node from its definition.
 * <p>
 * <b>Threading:</b> built on one thread, then handed to a runtime; not modified afterwards.
 */
public final class NodeDefinition
{
    /** Most modules a node may have (ids are 16-bit, one value is reserved for external input). */
    public static final int MAX_MODULES = 0xFFFE;
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.-]{1,64}");

    private final int nodeId;
    private final int nodeCount;
    private final List<String> names = new ArrayList<>();
    private final List<Module> modules = new ArrayList<>();
    private final SchemaRegistry schemas = new SchemaRegistry();
    private EventInterceptor interceptor;

    /**
     * @param nodeId    id of this node, in [0, nodeCount).
     * @param nodeCount number of nodes in the cluster.
     * @throws ConfigurationException naming {@code nodeId} or {@code nodeCount} when out of range.
     */
    public NodeDefinition(final int nodeId, final int nodeCount)
    {
        if (nodeCount < 1)
        {
            throw new ConfigurationException("nodeCount", "must be at least 1, was " + nodeCount);
        }
        if (nodeId < 0 || nodeId >= nodeCount)
        {
            throw new ConfigurationException("nodeId", "must be in [0, " + nodeCount + "), was " + nodeId);
        }
        this.nodeId = nodeId;
        this.nodeCount = nodeCount;
    }

    /**
     * Register a module under a unique name; its id is its position in registration order.
     *
     * @param name   unique name, 1 to 64 of {@code [A-Za-z0-9_.-]}.
     * @param module the module.
     * @return this.
     * @throws ConfigurationException naming {@code modules[name]} when the name is invalid or taken.
     */
    public NodeDefinition module(final String name, final Module module)
    {
        if (name == null || !NAME.matcher(name).matches())
        {
            throw new ConfigurationException("modules[" + name + "]", "module names are 1-64 of [A-Za-z0-9_.-]");
        }
        if (names.contains(name))
        {
            throw new ConfigurationException("modules[" + name + "]", "a module of that name is already registered");
        }
        if (module == null)
        {
            throw new ConfigurationException("modules[" + name + "]", "module is null");
        }
        if (names.size() == MAX_MODULES)
        {
            throw new ConfigurationException("modules", "a node has at most " + MAX_MODULES + " modules");
        }
        names.add(name);
        modules.add(module);
        return this;
    }

    /**
     * Accept events of another SBE schema (a protocol's or an application's).
     *
     * @param schemaId      its id (not 1, the engine's).
     * @param schemaName    short name for logs.
     * @param templateNames names indexed by template id.
     * @return this.
     */
    public NodeDefinition schema(final int schemaId, final String schemaName, final String[] templateNames)
    {
        try
        {
            schemas.register(schemaId, schemaName, templateNames);
        }
        catch (final IllegalArgumentException ex)
        {
            throw new ConfigurationException("schemas[" + schemaName + "]", ex.getMessage());
        }
        return this;
    }

    /**
     * Record every dispatched event (the event log). Null disables it.
     *
     * @param interceptor to call for every dispatched event, or null.
     * @return this.
     */
    public NodeDefinition interceptor(final EventInterceptor interceptor)
    {
        this.interceptor = interceptor;
        return this;
    }

    /**
     * @return the interceptor, or null when none.
     */
    public EventInterceptor interceptor()
    {
        return interceptor;
    }

    /**
     * @return node id.
     */
    public int nodeId()
    {
        return nodeId;
    }

    /**
     * @return number of nodes in the cluster.
     */
    public int nodeCount()
    {
        return nodeCount;
    }

    /**
     * @return number of modules.
     */
    public int moduleCount()
    {
        return modules.size();
    }

    /**
     * @return module names in id order (unmodifiable).
     */
    public List<String> moduleNames()
    {
        return Collections.unmodifiableList(names);
    }

    /**
     * @param id module id.
     * @return the module.
     */
    public Module module(final int id)
    {
        return modules.get(id);
    }

    /**
     * @param name module name.
     * @return its id, or -1 when not registered.
     */
    public int moduleId(final String name)
    {
        return names.indexOf(name);
    }

    /**
     * @return schemas accepted by the node.
     */
    public SchemaRegistry schemas()
    {
        return schemas;
    }
}
