package io.jmir.engine.sim;

import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;

/**
 * What a simulated node keeps across {@link Simulation#crash(int) crash} and {@link Simulation#restart(int)
 * restart}: the simulated disk. Modules that must survive a crash (an in-memory WAL, a request store) keep their
 * durable part here, typed and by key; everything else of a node is lost when it crashes. One instance per
 * node, handed to the {@link SimNodeFactory} through {@link SimNodeEnvironment#durable()} at every start.
 * <p>
 * What is durable is exactly what a module has put here when the crash happens: a module that wants to model
 * write-back latency or torn writes keeps a volatile part of its own and copies to this holder when it decides
 * the data is on disk (e.g. in {@code onEndOfBatch}).
 * <p>
 * <b>Threading:</b> the simulation thread only (modules, the factory, and the code driving the simulation).
 */
public final class DurableState
{
    private final Map<String, Object> values = new HashMap<>();

    DurableState()
    {
    }

    /**
     * @param key  of the value.
     * @param type it must have.
     * @param <T>  value type.
     * @return the value, or null when none is stored under the key.
     * @throws IllegalStateException naming the key when the stored value has another type.
     */
    public <T> T get(final String key, final Class<T> type)
    {
        final Object value = values.get(key);
        if (value == null)
        {
            return null;
        }
        if (!type.isInstance(value))
        {
            throw new IllegalStateException("durable value '" + key + "' is a " + value.getClass().getName() +
                ", not a " + type.getName());
        }
        return type.cast(value);
    }

    /**
     * The value under a key, created and stored by {@code factory} the first time.
     *
     * @param key     of the value.
     * @param type    it must have.
     * @param factory creating the first value; must not return null.
     * @param <T>     value type.
     * @return the value.
     * @throws IllegalStateException naming the key when the stored value has another type.
     */
    public <T> T computeIfAbsent(final String key, final Class<T> type, final Supplier<? extends T> factory)
    {
        final T existing = get(key, type);
        if (existing != null)
        {
            return existing;
        }
        final T created = factory.get();
        if (created == null)
        {
            throw new IllegalArgumentException("durable value '" + key + "': the factory returned null");
        }
        values.put(key, created);
        return created;
    }

    /**
     * @param key   of the value.
     * @param value to store (replaces any previous one); null removes the key.
     */
    public void put(final String key, final Object value)
    {
        if (value == null)
        {
            values.remove(key);
        }
        else
        {
            values.put(key, value);
        }
    }

    /**
     * @param key of the value.
     * @return true when a value is stored under the key.
     */
    public boolean contains(final String key)
    {
        return values.containsKey(key);
    }

    /**
     * @param key of the value to drop.
     * @return the dropped value, or null.
     */
    public Object remove(final String key)
    {
        return values.remove(key);
    }

    /**
     * @return stored keys in sorted order (a snapshot).
     */
    public Set<String> keys()
    {
        return Collections.unmodifiableSet(new TreeSet<>(values.keySet()));
    }
}
