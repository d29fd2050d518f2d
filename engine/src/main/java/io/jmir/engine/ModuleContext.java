package io.jmir.engine;

import io.jmir.codecs.SchemaRegistry;

/**
 * What a module may know about its node: ids, names, schemas. Handed to {@link Module#onAttach}.
 * Immutable once the node is built; safe to keep and read from the module's thread.
 */
public interface ModuleContext
{
    /**
     * @return id of the node.
     */
    int nodeId();

    /**
     * @return number of nodes in the cluster.
     */
    int nodeCount();

    /**
     * @return id of the module this context was handed to.
     */
    int selfId();

    /**
     * Resolve a module name to its routing id.
     *
     * @param name module name as registered.
     * @return its id.
     * @throws ConfigurationException naming the module when no module has that name.
     */
    int moduleId(String name);

    /**
     * @param name module name.
     * @return true when a module of that name is registered.
     */
    boolean hasModule(String name);

    /**
     * @param id module id.
     * @return the module's name, or "module-N" for an unknown id.
     */
    String moduleName(int id);

    /**
     * @return number of modules in the node.
     */
    int moduleCount();

    /**
     * @return the schemas this node accepts.
     */
    SchemaRegistry schemas();
}
