package io.jmir.engine.pipeline;

import io.jmir.codecs.EnvelopeLayout;
import io.jmir.codecs.engine.InitEncoder;
import io.jmir.codecs.engine.MessageHeaderDecoder;
import io.jmir.codecs.engine.MessageHeaderEncoder;
import io.jmir.engine.EventBuilder;
import io.jmir.engine.FaultPolicy;
import io.jmir.engine.Module;
import io.jmir.engine.ModuleFailure;
import io.jmir.engine.NodeCounters;
import io.jmir.engine.NodeDefinition;
import io.jmir.engine.RecoverySource;
import io.jmir.engine.SubmitResult;
import io.jmir.engine.internal.Dispatcher;
import io.jmir.engine.internal.ModuleHost;
import org.agrona.DirectBuffer;

import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

import static io.jmir.codecs.EnvelopeLayout.BYTE_ORDER;

/**
 * The pipeline runtime of one node: a stage (Disruptor ring + poller + emitter) per module, stage threads per
 * the thread plan, the submit edge, failure handling and shutdown. {@link io.jmir.engine.Node} is its public
 * face. Internal API.
 * <p>
 * <b>Threading:</b> built and started by one thread; {@link #submit} from any thread; failure and exit
 * callbacks from stage threads.
 */
public final class PipelineRuntime
{
    private final NodeDefinition definition;
    private final NodeCounters counters = new NodeCounters();
    private final Stage[] stages;
    private final StageThread[] threads;
    private final AtomicLong overflowBytes = new AtomicLong();
    private final long overflowLimitBytes;
    private final FaultPolicy faultPolicy;
    private final Consumer<ModuleFailure> failureHandler;
    private final AtomicReference<ModuleFailure> failure = new AtomicReference<>();
    private final CountDownLatch terminated;
    private final long epochOffsetNs;
    private volatile boolean running;
    private volatile boolean recovering;

    /**
     * Build stages and threads; nothing runs until {@link #start()}.
     *
     * @param definition         the node.
     * @param ringSizes          ring size per module id (powers of two).
     * @param slotCapacities     slot capacity per module id.
     * @param threadPlans        which modules run on which thread.
     * @param maxBatch           most events a stage takes per duty cycle.
     * @param pollIntervalNs     park time of blocking threads hosting polling modules.
     * @param overflowLimitBytes overflow above which the edges report back-pressure.
     * @param faultPolicy        what a module failure does.
     * @param failureHandler     told about each module failure (on the failing thread).
     */
    public PipelineRuntime(
        final NodeDefinition definition,
        final int[] ringSizes,
        final int[] slotCapacities,
        final List<ThreadPlan> threadPlans,
        final int maxBatch,
        final long pollIntervalNs,
        final long overflowLimitBytes,
        final FaultPolicy faultPolicy,
        final Consumer<ModuleFailure> failureHandler)
    {
        this.definition = definition;
        this.overflowLimitBytes = overflowLimitBytes;
        this.faultPolicy = faultPolicy;
        this.failureHandler = failureHandler;
        this.epochOffsetNs = System.currentTimeMillis() * 1_000_000L - System.nanoTime();
        final int moduleCount = definition.moduleCount();
        stages = new Stage[moduleCount];
        final boolean singleProducer = threadPlans.size() == 1;
        for (int id = 0; id < moduleCount; id++)
        {
            final ModuleHost host = new ModuleHost(id, definition.moduleNames().get(id), definition.module(id));
            stages[id] = new Stage(id, host, ringSizes[id], slotCapacities[id], maxBatch, singleProducer);
        }
        threads = new StageThread[threadPlans.size()];
        for (int t = 0; t < threads.length; t++)
        {
            final ThreadPlan plan = threadPlans.get(t);
            final int[] ids = plan.moduleIds();
            final Stage[] owned = new Stage[ids.length];
            for (int i = 0; i < ids.length; i++)
            {
                owned[i] = stages[ids[i]];
            }
            threads[t] = new StageThread("jmir-node" + definition.nodeId() + "-" + plan.name(), plan.idleMode(),
                plan.cpu(), owned, this, pollIntervalNs);
            // Everything in a ring was validated where it entered (StageEmitter at emission, submit): no second pass.
            final Dispatcher dispatcher = new Dispatcher(definition, counters, this::onModuleFailure, false);
            for (final Stage stage : owned)
            {
                stage.bind(dispatcher,
                    new StageEmitter(stages, stage.moduleId, counters, overflowBytes, definition.schemas()),
                    threads[t]);
            }
        }
        terminated = new CountDownLatch(threads.length);
    }

    /**
     * Queue Init for every module, let recovery sources replay, then start the threads.
     */
    public void start()
    {
        final InitEncoder init = new InitEncoder();
        final MessageHeaderEncoder header = new MessageHeaderEncoder();
        for (final Stage stage : stages)
        {
            final EventBuilder builder = stage.emitter().begin(stage.moduleId, EventBuilder.EXTERNAL_SOURCE);
            init.wrapAndApplyHeader(builder.buffer(), builder.payloadOffset(), header)
                .nodeId(definition.nodeId())
                .nodeCount(definition.nodeCount());
            builder.payload(init).commit();
        }
        for (final Stage stage : stages)
        {
            final Module module = stage.host.module();
            if (module instanceof RecoverySource)
            {
                ((RecoverySource)module).recover(stage.emitter());
            }
        }
        recovering = overflowBytes.get() > 0;
        running = true;
        for (final StageThread thread : threads)
        {
            thread.start();
        }
    }

    /**
     * Offer a pre-encoded SBE message to a module from outside the node (the submit edge).
     *
     * @param destination module id.
     * @param payload     buffer holding one SBE message with its header.
     * @param offset      of the message.
     * @param length      of the message.
     * @return the outcome; never blocks.
     */
    public SubmitResult submit(final int destination, final DirectBuffer payload, final int offset, final int length)
    {
        if (!running || destination < 0 || destination >= stages.length || length < EnvelopeLayout.HEADER_LENGTH ||
            offset < 0 || offset + length > payload.capacity())
        {
            return reject();
        }
        final Stage stage = stages[destination];
        if (length + EnvelopeLayout.OVERHEAD > stage.slotCapacity || stage.host.failed() ||
            !knownType(payload, offset, length))
        {
            return reject();
        }
        if (recovering || overflowBytes.get() > overflowLimitBytes ||
            (stage.submitHeadroom > 0 && stage.inbox.remainingCapacity() <= stage.submitHeadroom))
        {
            counters.increment(NodeCounters.Counter.SUBMIT_BACK_PRESSURED);
            return SubmitResult.BACK_PRESSURED;
        }
        final long sequence = stage.tryClaimInbox();
        if (sequence < 0)
        {
            counters.increment(NodeCounters.Counter.SUBMIT_BACK_PRESSURED);
            return SubmitResult.BACK_PRESSURED;
        }
        stage.inbox.length(sequence, EnvelopeLayout.write(
            stage.inbox.slotBuffer(sequence), 0, destination, EventBuilder.EXTERNAL_SOURCE, payload, offset, length));
        stage.publishInbox(sequence);
        return SubmitResult.ACCEPTED;
    }

    /**
     * @return true while the node runs.
     */
    public boolean isRunning()
    {
        return running;
    }

    /**
     * @return the first module failure, or null.
     */
    public ModuleFailure failure()
    {
        return failure.get();
    }

    /**
     * @return the node's counters.
     */
    public NodeCounters counters()
    {
        return counters;
    }

    /**
     * @return bytes currently waiting in overflow queues.
     */
    public long overflowBytes()
    {
        return overflowBytes.get();
    }

    /**
     * Ask every stage to finish its current event and stop.
     */
    public void stop()
    {
        running = false;
        for (final StageThread thread : threads)
        {
            thread.wake();
        }
    }

    /**
     * @param timeout to wait.
     * @param unit    of the timeout.
     * @return true when every stage thread has exited.
     * @throws InterruptedException when interrupted while waiting.
     */
    public boolean awaitTermination(final long timeout, final TimeUnit unit) throws InterruptedException
    {
        return terminated.await(timeout, unit);
    }

    /**
     * @return names of the stage threads (for diagnostics).
     */
    public String[] threadNames()
    {
        final String[] names = new String[threads.length];
        for (int i = 0; i < threads.length; i++)
        {
            names[i] = threads[i].thread().getName();
        }
        return names;
    }

    /**
     * @return true while recovered events still wait in overflow: until they are all in their rings, submissions
     * are back-pressured and active modules (network, timers) do not run, so no input overtakes recovery.
     */
    public boolean isRecovering()
    {
        return recovering;
    }

    long epochNs(final long nanoTime)
    {
        return nanoTime + epochOffsetNs;
    }

    void afterDutyCycle(final int work)
    {
        if (recovering && overflowBytes.get() == 0)
        {
            recovering = false;
        }
        if (work > 0 && definition.interceptor() != null)
        {
            definition.interceptor().onEndOfBatch();
        }
    }

    void onThreadFailure(final StageThread thread, final Throwable ex)
    {
        recordFailure(new ModuleFailure(definition.nodeId(), thread.name(), "stage thread", ex));
        stop();
    }

    void onThreadExit(final StageThread thread)
    {
        terminated.countDown();
        if (terminated.getCount() == 0 && definition.interceptor() != null)
        {
            definition.interceptor().close();
        }
    }

    void onCloseFailure(final String moduleName, final Throwable ex)
    {
        failureHandler.accept(new ModuleFailure(definition.nodeId(), moduleName, "onClose", ex));
    }

    private void onModuleFailure(final ModuleHost host, final ModuleFailure moduleFailure)
    {
        recordFailure(moduleFailure);
        if (faultPolicy == FaultPolicy.STOP_NODE)
        {
            stop();
        }
    }

    private void recordFailure(final ModuleFailure moduleFailure)
    {
        failure.compareAndSet(null, moduleFailure);
        failureHandler.accept(moduleFailure);
    }

    private boolean knownType(final DirectBuffer payload, final int offset, final int length)
    {
        final int schemaId = payload.getShort(offset + MessageHeaderDecoder.schemaIdEncodingOffset(), BYTE_ORDER) &
            0xFFFF;
        final int templateId =
            payload.getShort(offset + MessageHeaderDecoder.templateIdEncodingOffset(), BYTE_ORDER) & 0xFFFF;
        final int blockLength =
            payload.getShort(offset + MessageHeaderDecoder.blockLengthEncodingOffset(), BYTE_ORDER) & 0xFFFF;
        // What the dispatcher would otherwise check at the stage: the root block fits, the type is known.
        return blockLength <= length - EnvelopeLayout.HEADER_LENGTH &&
            definition.schemas().isKnownTemplate(schemaId, templateId);
    }

    private SubmitResult reject()
    {
        counters.increment(NodeCounters.Counter.SUBMIT_REJECTED);
        return SubmitResult.REJECTED;
    }
}
