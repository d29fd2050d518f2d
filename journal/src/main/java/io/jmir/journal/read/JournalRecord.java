package io.jmir.journal.read;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One excerpt of a jmir journal as read by {@link JournalReader}: its Chronicle index, its document type and its
 * fields in order (numbers as {@link Long}, text as {@link String}, flags as {@link Boolean}, binary fields as
 * {@code byte[]}). A record that could not be parsed has type {@link #UNREADABLE} and an {@link #error()}.
 * Reused by the reader for the next excerpt: copy what must be kept ({@link #copy()}).
 * <p>
 * <b>Threading:</b> confined to the reading thread.
 */
public final class JournalRecord
{
    /** Type of a record whose excerpt could not be parsed. */
    public static final String UNREADABLE = "Unreadable";

    private final Map<String, Object> fields = new LinkedHashMap<>();
    private long index;
    private String type;
    private String error;

    void reset(final long index)
    {
        this.index = index;
        this.type = null;
        this.error = null;
        fields.clear();
    }

    void type(final String type)
    {
        this.type = type;
    }

    void error(final String error)
    {
        this.type = UNREADABLE;
        this.error = error;
    }

    void put(final String name, final Object value)
    {
        fields.put(name, value);
    }

    /**
     * @return Chronicle index of the excerpt.
     */
    public long index()
    {
        return index;
    }

    /**
     * @return document type, e.g. "Event", "WalEntry", "JournalHeader".
     */
    public String type()
    {
        return type;
    }

    /**
     * @return why the excerpt could not be parsed, null when it could.
     */
    public String error()
    {
        return error;
    }

    /**
     * @return the fields in document order (unmodifiable view).
     */
    public Map<String, Object> fields()
    {
        return Collections.unmodifiableMap(fields);
    }

    /**
     * @param name of a field.
     * @return true when present.
     */
    public boolean has(final String name)
    {
        return fields.containsKey(name);
    }

    /**
     * @param name     of a numeric field.
     * @param fallback when absent or not a number.
     * @return its value.
     */
    public long getLong(final String name, final long fallback)
    {
        final Object value = fields.get(name);
        return value instanceof Number number ? number.longValue() : fallback;
    }

    /**
     * @param name of a text field.
     * @return its value, or null when absent.
     */
    public String getText(final String name)
    {
        final Object value = fields.get(name);
        return value == null ? null : value.toString();
    }

    /**
     * @param name of a binary field.
     * @return its bytes, or null when absent.
     */
    public byte[] getBytes(final String name)
    {
        final Object value = fields.get(name);
        return value instanceof byte[] bytes ? bytes : null;
    }

    /**
     * @return an independent copy.
     */
    public JournalRecord copy()
    {
        final JournalRecord copy = new JournalRecord();
        copy.index = index;
        copy.type = type;
        copy.error = error;
        copy.fields.putAll(fields);
        return copy;
    }

    @Override
    public String toString()
    {
        return "JournalRecord{index=0x" + Long.toHexString(index) + ", type=" + type +
            (error != null ? ", error=" + error : "") + ", fields=" + fields.keySet() + '}';
    }
}
