package io.jmir.cli.decode;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An SBE message decoded generically: its type name, ids, and fields in schema order. Field values are
 * {@link Long} (integers), {@link String} (character arrays and text var data), {@link Symbol} (enum and set
 * values, floating point numbers), {@link Hex} (opaque bytes), {@link DecodedMessage} (var data holding an SBE
 * message), {@code List<Map<String, Object>>} (repeating groups), {@code List<Object>} (arrays, follow-up envelopes) or
 * {@code Map<String, Object>} (composites). Immutable after decoding; render with {@link Rendering}.
 */
public final class DecodedMessage
{
    private final String name;
    private final int schemaId;
    private final int templateId;
    private final Map<String, Object> fields;

    /**
     * @param name       message name.
     * @param schemaId   SBE schema id.
     * @param templateId SBE template id.
     * @param fields     decoded fields in order.
     */
    public DecodedMessage(final String name, final int schemaId, final int templateId, final Map<String, Object> fields)
    {
        this.name = name;
        this.schemaId = schemaId;
        this.templateId = templateId;
        this.fields = Collections.unmodifiableMap(new LinkedHashMap<>(fields));
    }

    /**
     * @return message name, e.g. "HashRequest".
     */
    public String name()
    {
        return name;
    }

    /**
     * @return schema id.
     */
    public int schemaId()
    {
        return schemaId;
    }

    /**
     * @return template id.
     */
    public int templateId()
    {
        return templateId;
    }

    /**
     * @return fields in order.
     */
    public Map<String, Object> fields()
    {
        return fields;
    }

    /**
     * @param field name.
     * @return its value or null.
     */
    public Object get(final String field)
    {
        return fields.get(field);
    }

    @Override
    public String toString()
    {
        return Rendering.text(this);
    }

    /**
     * An unquoted value: an enum or set constant, or a floating point number.
     *
     * @param value the text.
     */
    public record Symbol(String value)
    {
        @Override
        public String toString()
        {
            return value;
        }
    }

    /**
     * Opaque bytes, shown as hex (the first {@link #SHOWN} bytes) and their length.
     *
     * @param bytes the bytes.
     */
    public record Hex(byte[] bytes)
    {
        /** Bytes shown before eliding. */
        public static final int SHOWN = 32;

        @Override
        public String toString()
        {
            final StringBuilder sb = new StringBuilder("0x");
            final int shown = Math.min(bytes.length, SHOWN);
            for (int i = 0; i < shown; i++)
            {
                sb.append(Character.forDigit((bytes[i] >> 4) & 0xF, 16)).append(Character.forDigit(bytes[i] & 0xF, 16));
            }
            if (shown < bytes.length)
            {
                sb.append("..");
            }
            return sb.append(" (").append(bytes.length).append(" bytes)").toString();
        }

        @Override
        public boolean equals(final Object other)
        {
            return other instanceof Hex hex && java.util.Arrays.equals(bytes, hex.bytes);
        }

        @Override
        public int hashCode()
        {
            return java.util.Arrays.hashCode(bytes);
        }
    }
}
