package io.jmir.cli.decode;

import java.util.List;
import java.util.Map;

/**
 * Renders decoded values as one-line text ({@code Name{field=value, ...}}) or as JSON. Stateless.
 */
public final class Rendering
{
    private Rendering()
    {
    }

    /**
     * @param value a decoded value.
     * @return one-line text.
     */
    public static String text(final Object value)
    {
        final StringBuilder sb = new StringBuilder();
        appendText(sb, value);
        return sb.toString();
    }

    /**
     * @param value a decoded value.
     * @return JSON.
     */
    public static String json(final Object value)
    {
        final StringBuilder sb = new StringBuilder();
        appendJson(sb, value);
        return sb.toString();
    }

    /**
     * Append a value as text.
     *
     * @param sb    to append to.
     * @param value decoded value.
     */
    public static void appendText(final StringBuilder sb, final Object value)
    {
        if (value instanceof DecodedMessage message)
        {
            sb.append(message.name());
            appendTextFields(sb, message.fields());
        }
        else if (value instanceof Map<?, ?> map)
        {
            appendTextFields(sb, map);
        }
        else if (value instanceof List<?> list)
        {
            sb.append('[');
            for (int i = 0; i < list.size(); i++)
            {
                if (i > 0)
                {
                    sb.append(", ");
                }
                appendText(sb, list.get(i));
            }
            sb.append(']');
        }
        else if (value instanceof String text)
        {
            sb.append('"').append(text).append('"');
        }
        else
        {
            sb.append(value);
        }
    }

    private static void appendTextFields(final StringBuilder sb, final Map<?, ?> fields)
    {
        sb.append('{');
        boolean first = true;
        for (final Map.Entry<?, ?> entry : fields.entrySet())
        {
            if (!first)
            {
                sb.append(", ");
            }
            first = false;
            sb.append(entry.getKey()).append('=');
            appendText(sb, entry.getValue());
        }
        sb.append('}');
    }

    /**
     * Append a value as JSON.
     *
     * @param sb    to append to.
     * @param value decoded value.
     */
    public static void appendJson(final StringBuilder sb, final Object value)
    {
        if (value instanceof DecodedMessage message)
        {
            sb.append("{\"$type\":");
            appendJsonString(sb, message.name());
            for (final Map.Entry<String, Object> entry : message.fields().entrySet())
            {
                sb.append(',');
                appendJsonString(sb, entry.getKey());
                sb.append(':');
                appendJson(sb, entry.getValue());
            }
            sb.append('}');
        }
        else if (value instanceof Map<?, ?> map)
        {
            sb.append('{');
            boolean first = true;
            for (final Map.Entry<?, ?> entry : map.entrySet())
            {
                if (!first)
                {
                    sb.append(',');
                }
                first = false;
                appendJsonString(sb, String.valueOf(entry.getKey()));
                sb.append(':');
                appendJson(sb, entry.getValue());
            }
            sb.append('}');
        }
        else if (value instanceof List<?> list)
        {
            sb.append('[');
            for (int i = 0; i < list.size(); i++)
            {
                if (i > 0)
                {
                    sb.append(',');
                }
                appendJson(sb, list.get(i));
            }
            sb.append(']');
        }
        else if (value instanceof Long || value instanceof Integer || value instanceof Boolean)
        {
            sb.append(value);
        }
        else if (value == null)
        {
            sb.append("null");
        }
        else
        {
            appendJsonString(sb, value.toString());
        }
    }

    /**
     * Append a JSON string literal.
     *
     * @param sb   to append to.
     * @param text the string.
     */
    public static void appendJsonString(final StringBuilder sb, final String text)
    {
        sb.append('"');
        for (int i = 0; i < text.length(); i++)
        {
            final char c = text.charAt(i);
            switch (c)
            {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default ->
                {
                    if (c < 0x20)
                    {
                        sb.append(String.format("\\u%04x", (int)c));
                    }
                    else
                    {
                        sb.append(c);
                    }
                }
            }
        }
        sb.append('"');
    }
}
