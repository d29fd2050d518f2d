package io.jmir.codecs;

import io.jmir.codecs.engine.MessageHeaderDecoder;
import org.agrona.collections.Int2ObjectHashMap;

/**
 * The SBE schemas a node accepts events of, with a name for each template for logs and tools.
 * The engine schema is always registered. Protocols and applications register their own schema
 * ids (never reusing {@link EnvelopeLayout#ENGINE_SCHEMA_ID}) before a node is built.
 * Built on one thread, then read-only: safe to share once a node has started.
 */
public final class SchemaRegistry
{
    private final Int2ObjectHashMap<String[]> templateNamesBySchema = new Int2ObjectHashMap<>();
    private final Int2ObjectHashMap<String> schemaNames = new Int2ObjectHashMap<>();

    /**
     * A registry holding the engine schema.
     */
    public SchemaRegistry()
    {
        register(EnvelopeLayout.ENGINE_SCHEMA_ID, "engine", EngineEvents.templateNames());
    }

    /**
     * Register a schema.
     *
     * @param schemaId      SBE schema id.
     * @param schemaName    short name used in logs.
     * @param templateNames name of each template, indexed by template id; null entries are unknown ids.
     * @return this for fluent use.
     * @throws IllegalArgumentException when the id is taken by another schema.
     */
    public SchemaRegistry register(final int schemaId, final String schemaName, final String[] templateNames)
    {
        if (schemaId < 0 || schemaId > 0xFFFF)
        {
            throw new IllegalArgumentException("schema id out of range 0..65535: " + schemaId);
        }
        final String existing = schemaNames.get(schemaId);
        if (existing != null && !existing.equals(schemaName))
        {
            throw new IllegalArgumentException(
                "schema id " + schemaId + " already registered as '" + existing + "', cannot register '" +
                schemaName + "'");
        }
        schemaNames.put(schemaId, schemaName);
        templateNamesBySchema.put(schemaId, templateNames.clone());
        return this;
    }

    /**
     * @param schemaId to check.
     * @return true when registered.
     */
    public boolean isKnownSchema(final int schemaId)
    {
        return templateNamesBySchema.containsKey(schemaId);
    }

    /**
     * Template names of a schema, indexed by template id, for validators that cache the lookup. The array is the
     * registry's own: callers must not modify it.
     *
     * @param schemaId of the schema.
     * @return the names (null entries are unknown template ids), or null when the schema is not registered.
     */
    public String[] templateNamesOf(final int schemaId)
    {
        return templateNamesBySchema.get(schemaId);
    }

    /**
     * @param schemaId   of the schema.
     * @param templateId to check.
     * @return true when the schema is registered and names the template.
     */
    public boolean isKnownTemplate(final int schemaId, final int templateId)
    {
        final String[] names = templateNamesBySchema.get(schemaId);
        return names != null && templateId >= 0 && templateId < names.length && names[templateId] != null;
    }

    /**
     * @param schemaId of the schema.
     * @return its short name, or "schema-N" when unknown.
     */
    public String schemaName(final int schemaId)
    {
        final String name = schemaNames.get(schemaId);
        return name != null ? name : "schema-" + schemaId;
    }

    /**
     * Name of an event type, never null: unknown ones are named by their ids.
     *
     * @param schemaId   of the event.
     * @param templateId of the event.
     * @return e.g. "HashRequest", or "schema-7/template-3" when unknown.
     */
    public String eventName(final int schemaId, final int templateId)
    {
        if (isKnownTemplate(schemaId, templateId))
        {
            return templateNamesBySchema.get(schemaId)[templateId];
        }
        return "schema-" + schemaId + "/template-" + templateId;
    }

    /**
     * Name of the event type of an SBE message from its header.
     *
     * @param header wrapped over the message.
     * @return the event name.
     */
    public String eventName(final MessageHeaderDecoder header)
    {
        return eventName(header.schemaId(), header.templateId());
    }
}
