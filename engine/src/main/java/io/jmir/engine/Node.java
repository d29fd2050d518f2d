package io.jmir.engine;

import io.jmir.codecs.EnvelopeLayout;
import io.jmir.engine.internal.DefaultModuleContext;
import io.jmir.engine.pipeline.PipelineRuntime;
import io.jmir.engine.pipeline.ThreadPlan;
import org.agrona.DirectBuffer;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A node running in the pipeline runtime: one LMAX Disruptor ring of pre-allocated slots per module, stage
 * threads that drain them (one per module by default, or several modules per thread), claim-encode-publish
 * emission with no allocation per event, and back-pressure at the edge ({@link #submit}).
 * <pre>{@code
 *   Node node = Node.launch(new NodeDefinition(0, 4).module("net", net).module("protocol", p)...,
 *       new Node.Context().sharedThread(IdleMode.BLOCKING));
 *   SubmitResult r = node.submit(node.moduleId("protocol"), buffer, 0, length);
 *   node.close();
 * }</pre>
 * <b>Lifecycle:</b> {@link #launch} attaches every module ({@link Module#onAttach}), queues Init for every module,
 * lets {@link RecoverySource}s replay, then starts the threads. {@link #close()} lets every stage finish its
 * current event, calls {@link Module#onClose()} on each module's thread, and joins; events still queued are
 * discarded. A module failure is handled per {@link FaultPolicy}.
 * <p>
 * <b>Threading:</b> {@link #submit}, {@link #counters()}, {@link #failure()} and {@link #close()} may be called
 * from any thread.
 */
public final class Node implements AutoCloseable
{
    private final NodeDefinition definition;
    private final PipelineRuntime runtime;

    private Node(final NodeDefinition definition, final PipelineRuntime runtime)
    {
        this.definition = definition;
        this.runtime = runtime;
    }

    /**
     * Build and start a node.
     *
     * @param definition its modules.
     * @param context    runtime configuration.
     * @return the running node.
     * @throws ConfigurationException naming the setting when the configuration is invalid.
     */
    public static Node launch(final NodeDefinition definition, final Context context)
    {
        if (definition.moduleCount() == 0)
        {
            throw new ConfigurationException("modules", "a node needs at least one module");
        }
        final Context.Plan plan = context.conclude(definition);
        for (int id = 0; id < definition.moduleCount(); id++)
        {
            definition.module(id).onAttach(new DefaultModuleContext(definition, id));
        }
        final PipelineRuntime runtime = new PipelineRuntime(definition, plan.ringSizes, plan.slotCapacities,
            plan.threads, context.maxBatch, context.pollIntervalNs, context.overflowLimitBytes, context.faultPolicy,
            context.failureHandler);
        runtime.start();
        return new Node(definition, runtime);
    }

    /**
     * Offer an event from outside the node. Never blocks.
     *
     * @param moduleId destination module id ({@link #moduleId(String)}).
     * @param payload  buffer holding one SBE message with its message header, of a registered schema.
     * @param offset   of the message.
     * @param length   of the message.
     * @return ACCEPTED, BACK_PRESSURED (retry later) or REJECTED (never acceptable as given).
     */
    public SubmitResult submit(final int moduleId, final DirectBuffer payload, final int offset, final int length)
    {
        return runtime.submit(moduleId, payload, offset, length);
    }

    /**
     * @param name module name.
     * @return its id.
     * @throws ConfigurationException naming the module when unknown.
     */
    public int moduleId(final String name)
    {
        final int id = definition.moduleId(name);
        if (id < 0)
        {
            throw new ConfigurationException("modules[" + name + "]", "no module of that name in node " +
                definition.nodeId() + " (registered: " + definition.moduleNames() + ")");
        }
        return id;
    }

    /**
     * @return the node's definition.
     */
    public NodeDefinition definition()
    {
        return definition;
    }

    /**
     * @return true until the node stops (close or failure).
     */
    public boolean isRunning()
    {
        return runtime.isRunning();
    }

    /**
     * @return the first module failure, or null.
     */
    public ModuleFailure failure()
    {
        return runtime.failure();
    }

    /**
     * @return counters of anomalies and edge decisions.
     */
    public NodeCounters counters()
    {
        return runtime.counters();
    }

    /**
     * @return bytes waiting in overflow queues (non-zero only while saturated).
     */
    public long overflowBytes()
    {
        return runtime.overflowBytes();
    }

    /**
     * Wait for the node's threads to exit (after {@link #close()} or a stopping failure).
     *
     * @param timeout to wait.
     * @param unit    of the timeout.
     * @return true when all threads exited.
     * @throws InterruptedException when interrupted.
     */
    public boolean awaitTermination(final long timeout, final TimeUnit unit) throws InterruptedException
    {
        return runtime.awaitTermination(timeout, unit);
    }

    /**
     * Stop the node and wait up to 10 s for its threads.
     *
     * @throws IllegalStateException when a stage thread does not stop in time (a module blocks).
     */
    @Override
    public void close()
    {
        runtime.stop();
        try
        {
            if (!runtime.awaitTermination(10, TimeUnit.SECONDS))
            {
                throw new IllegalStateException("node " + definition.nodeId() +
                    ": stage threads did not stop within 10 s (a module blocks?)");
            }
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Configuration of the pipeline runtime, Aeron style: fluent setters, validated by {@code conclude} when the
     * node launches; errors name the setting.
     * <p>
     * Defaults suit a 2-core machine: every module on its own {@link IdleMode#BLOCKING} thread, ring size 512,
     * slot capacity 16 KiB, batches of up to 256 events.
     */
    public static final class Context
    {
        /** Default ring size (slots per module). */
        public static final int DEFAULT_RING_SIZE = 512;
        /** Default slot capacity in bytes (largest event a module accepts). */
        public static final int DEFAULT_SLOT_CAPACITY = 16 * 1024;

        private int ringSize = DEFAULT_RING_SIZE;
        private int slotCapacity = DEFAULT_SLOT_CAPACITY;
        private final Map<String, Integer> ringSizes = new LinkedHashMap<>();
        private final Map<String, Integer> slotCapacities = new LinkedHashMap<>();
        private final List<ThreadSpec> threadSpecs = new ArrayList<>();
        private IdleMode defaultIdleMode = IdleMode.BLOCKING;
        private boolean shareUnassigned;
        private int maxBatch = 256;
        private long pollIntervalNs = TimeUnit.MICROSECONDS.toNanos(100);
        private long overflowLimitBytes = 64L * 1024 * 1024;
        private FaultPolicy faultPolicy = FaultPolicy.STOP_NODE;
        private Consumer<ModuleFailure> failureHandler = failure -> System.err.println("jmir: " + failure);
        private int availableCpus = Runtime.getRuntime().availableProcessors();

        /**
         * @param ringSize slots per module ring, a power of two >= 2.
         * @return this.
         */
        public Context ringSize(final int ringSize)
        {
            this.ringSize = ringSize;
            return this;
        }

        /**
         * @param module   module name.
         * @param ringSize slots of that module's ring, a power of two >= 2.
         * @return this.
         */
        public Context ringSize(final String module, final int ringSize)
        {
            ringSizes.put(module, ringSize);
            return this;
        }

        /**
         * @param slotCapacity bytes per slot: the largest event (envelope included) a module accepts.
         * @return this.
         */
        public Context slotCapacity(final int slotCapacity)
        {
            this.slotCapacity = slotCapacity;
            return this;
        }

        /**
         * @param module       module name.
         * @param slotCapacity bytes per slot of that module's ring.
         * @return this.
         */
        public Context slotCapacity(final String module, final int slotCapacity)
        {
            slotCapacities.put(module, slotCapacity);
            return this;
        }

        /**
         * Run the named modules' stages on one thread.
         *
         * @param name     thread name (unique).
         * @param idleMode how it waits.
         * @param cpu      CPU to pin it to (OpenHFT affinity), or -1 for none.
         * @param modules  names of the modules it runs.
         * @return this.
         */
        public Context thread(final String name, final IdleMode idleMode, final int cpu, final String... modules)
        {
            threadSpecs.add(new ThreadSpec(name, idleMode, cpu, modules.clone()));
            return this;
        }

        /**
         * Run every module not named by {@link #thread} on one shared thread with this idle mode (small machines,
         * many nodes per JVM).
         *
         * @param idleMode of the shared thread.
         * @return this.
         */
        public Context sharedThread(final IdleMode idleMode)
        {
            this.shareUnassigned = true;
            this.defaultIdleMode = idleMode;
            return this;
        }

        /**
         * @param idleMode for threads of modules not named by {@link #thread}.
         * @return this.
         */
        public Context defaultIdleMode(final IdleMode idleMode)
        {
            this.defaultIdleMode = idleMode;
            return this;
        }

        /**
         * @param maxBatch most events a stage takes from its ring per duty cycle (fairness between shared stages).
         * @return this.
         */
        public Context maxBatch(final int maxBatch)
        {
            this.maxBatch = maxBatch;
            return this;
        }

        /**
         * @param pollIntervalNs park time of a blocking thread that hosts a polling module (network).
         * @return this.
         */
        public Context pollIntervalNs(final long pollIntervalNs)
        {
            this.pollIntervalNs = pollIntervalNs;
            return this;
        }

        /**
         * @param overflowLimitBytes overflow bytes above which {@link Node#submit} answers BACK_PRESSURED.
         * @return this.
         */
        public Context overflowLimitBytes(final long overflowLimitBytes)
        {
            this.overflowLimitBytes = overflowLimitBytes;
            return this;
        }

        /**
         * @param faultPolicy what a module failure does.
         * @return this.
         */
        public Context faultPolicy(final FaultPolicy faultPolicy)
        {
            this.faultPolicy = faultPolicy;
            return this;
        }

        /**
         * @param failureHandler told about each module failure, on the failing thread; default prints to stderr.
         * @return this.
         */
        public Context failureHandler(final Consumer<ModuleFailure> failureHandler)
        {
            this.failureHandler = failureHandler;
            return this;
        }

        /**
         * @param availableCpus CPUs pinning may use (default: this machine's); for validation tests.
         * @return this.
         */
        public Context availableCpus(final int availableCpus)
        {
            this.availableCpus = availableCpus;
            return this;
        }

        Plan conclude(final NodeDefinition definition)
        {
            return ContextValidator.conclude(this, definition);
        }

        int ringSize()
        {
            return ringSize;
        }

        int slotCapacity()
        {
            return slotCapacity;
        }

        Map<String, Integer> ringSizes()
        {
            return ringSizes;
        }

        Map<String, Integer> slotCapacities()
        {
            return slotCapacities;
        }

        List<ThreadSpec> threadSpecs()
        {
            return threadSpecs;
        }

        IdleMode defaultIdleMode()
        {
            return defaultIdleMode;
        }

        boolean shareUnassigned()
        {
            return shareUnassigned;
        }

        int maxBatch()
        {
            return maxBatch;
        }

        long pollIntervalNs()
        {
            return pollIntervalNs;
        }

        long overflowLimitBytes()
        {
            return overflowLimitBytes;
        }

        FaultPolicy faultPolicy()
        {
            return faultPolicy;
        }

        int availableCpus()
        {
            return availableCpus;
        }

        static final class ThreadSpec
        {
            final String name;
            final IdleMode idleMode;
            final int cpu;
            final String[] modules;

            ThreadSpec(final String name, final IdleMode idleMode, final int cpu, final String[] modules)
            {
                this.name = name;
                this.idleMode = idleMode;
                this.cpu = cpu;
                this.modules = modules;
            }
        }

        static final class Plan
        {
            final int[] ringSizes;
            final int[] slotCapacities;
            final List<ThreadPlan> threads;

            Plan(final int[] ringSizes, final int[] slotCapacities, final List<ThreadPlan> threads)
            {
                this.ringSizes = ringSizes;
                this.slotCapacities = slotCapacities;
                this.threads = threads;
            }
        }
    }

    static int minimumSlotCapacity()
    {
        return EnvelopeLayout.OVERHEAD + EnvelopeLayout.HEADER_LENGTH;
    }
}
