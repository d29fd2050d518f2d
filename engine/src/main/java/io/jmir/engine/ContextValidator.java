package io.jmir.engine;

import io.jmir.engine.pipeline.ThreadPlan;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Validates a {@link Node.Context} against a {@link NodeDefinition} and resolves it into a plan. Every error
 * names the setting. Stateless.
 */
final class ContextValidator
{
    private static final int MAX_RING_SIZE = 1 << 24;
    private static final int MAX_SLOT_CAPACITY = 1 << 30;

    private ContextValidator()
    {
    }

    static Node.Context.Plan conclude(final Node.Context context, final NodeDefinition definition)
    {
        final int moduleCount = definition.moduleCount();
        checkRingSize("ringSize", context.ringSize());
        checkSlotCapacity("slotCapacity", context.slotCapacity());
        positive("maxBatch", context.maxBatch());
        positive("pollIntervalNs", context.pollIntervalNs());
        positive("overflowLimitBytes", context.overflowLimitBytes());
        final int[] ringSizes = new int[moduleCount];
        final int[] slotCapacities = new int[moduleCount];
        for (int id = 0; id < moduleCount; id++)
        {
            ringSizes[id] = context.ringSize();
            slotCapacities[id] = context.slotCapacity();
        }
        for (final Map.Entry<String, Integer> entry : context.ringSizes().entrySet())
        {
            final String key = "ringSize[" + entry.getKey() + "]";
            final int id = moduleId(definition, key, entry.getKey());
            checkRingSize(key, entry.getValue());
            ringSizes[id] = entry.getValue();
        }
        for (final Map.Entry<String, Integer> entry : context.slotCapacities().entrySet())
        {
            final String key = "slotCapacity[" + entry.getKey() + "]";
            final int id = moduleId(definition, key, entry.getKey());
            checkSlotCapacity(key, entry.getValue());
            slotCapacities[id] = entry.getValue();
        }
        for (int id = 0; id < moduleCount; id++)
        {
            if ((long)ringSizes[id] * slotCapacities[id] > Integer.MAX_VALUE)
            {
                throw new ConfigurationException("ringSize[" + definition.moduleNames().get(id) + "]",
                    "ring size x slot capacity must stay below 2 GiB, was " + ringSizes[id] + " x " +
                    slotCapacities[id]);
            }
        }
        return new Node.Context.Plan(ringSizes, slotCapacities, threads(context, definition));
    }

    private static List<ThreadPlan> threads(final Node.Context context, final NodeDefinition definition)
    {
        final List<ThreadPlan> plans = new ArrayList<>();
        final boolean[] assigned = new boolean[definition.moduleCount()];
        final Set<String> names = new HashSet<>();
        for (final Node.Context.ThreadSpec spec : context.threadSpecs())
        {
            final String key = "threads[" + spec.name + "]";
            if (spec.name == null || spec.name.isEmpty() || !names.add(spec.name))
            {
                throw new ConfigurationException(key, "thread names must be unique and non-empty");
            }
            if (spec.idleMode == null)
            {
                throw new ConfigurationException(key + ".idleMode", "must be set");
            }
            if (spec.cpu < -1 || spec.cpu >= context.availableCpus())
            {
                throw new ConfigurationException(key + ".cpu", spec.cpu + " is out of range: this machine has " +
                    context.availableCpus() + " CPUs (0.." + (context.availableCpus() - 1) + "), -1 = not pinned");
            }
            if (spec.modules.length == 0)
            {
                throw new ConfigurationException(key + ".modules", "a thread must run at least one module");
            }
            final int[] ids = new int[spec.modules.length];
            for (int i = 0; i < ids.length; i++)
            {
                final int id = moduleId(definition, key + ".modules", spec.modules[i]);
                if (assigned[id])
                {
                    throw new ConfigurationException(key + ".modules",
                        "module '" + spec.modules[i] + "' is already assigned to another thread");
                }
                assigned[id] = true;
                ids[i] = id;
            }
            plans.add(new ThreadPlan(spec.name, spec.idleMode, spec.cpu, ids));
        }
        final List<Integer> rest = new ArrayList<>();
        for (int id = 0; id < assigned.length; id++)
        {
            if (!assigned[id])
            {
                rest.add(id);
            }
        }
        if (context.shareUnassigned() && !rest.isEmpty())
        {
            plans.add(new ThreadPlan("shared", context.defaultIdleMode(), -1,
                rest.stream().mapToInt(Integer::intValue).toArray()));
        }
        else
        {
            for (final int id : rest)
            {
                plans.add(new ThreadPlan(definition.moduleNames().get(id), context.defaultIdleMode(), -1,
                    new int[]{id}));
            }
        }
        return plans;
    }

    private static int moduleId(final NodeDefinition definition, final String key, final String name)
    {
        final int id = definition.moduleId(name);
        if (id < 0)
        {
            throw new ConfigurationException(key, "unknown module '" + name + "' (registered: " +
                definition.moduleNames() + ")");
        }
        return id;
    }

    private static void checkRingSize(final String key, final int size)
    {
        if (size < 2 || size > MAX_RING_SIZE || Integer.bitCount(size) != 1)
        {
            throw new ConfigurationException(key, "must be a power of two in [2, " + MAX_RING_SIZE + "], was " + size);
        }
    }

    private static void checkSlotCapacity(final String key, final int capacity)
    {
        final int min = Node.minimumSlotCapacity();
        if (capacity < min || capacity > MAX_SLOT_CAPACITY)
        {
            throw new ConfigurationException(key,
                "must be in [" + min + ", " + MAX_SLOT_CAPACITY + "] bytes, was " + capacity);
        }
    }

    private static void positive(final String key, final long value)
    {
        if (value <= 0)
        {
            throw new ConfigurationException(key, "must be positive, was " + value);
        }
    }
}
