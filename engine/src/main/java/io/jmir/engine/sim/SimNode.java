package io.jmir.engine.sim;

import io.jmir.codecs.EnvelopeLayout;
import io.jmir.codecs.EnvelopeValidator;
import io.jmir.codecs.engine.InitEncoder;
import io.jmir.codecs.engine.MessageHeaderEncoder;
import io.jmir.engine.ConfigurationException;
import io.jmir.engine.EventBuilder;
import io.jmir.engine.EventInterceptor;
import io.jmir.engine.FaultPolicy;
import io.jmir.engine.Module;
import io.jmir.engine.ModuleFailure;
import io.jmir.engine.NodeCounters;
import io.jmir.engine.NodeDefinition;
import io.jmir.engine.RecoverySource;
import io.jmir.engine.SubmitResult;
import io.jmir.engine.internal.DefaultModuleContext;
import io.jmir.engine.internal.Dispatcher;
import io.jmir.engine.internal.ModuleHost;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * One node of a {@link Simulation}: what survives crashes (id, counters, durable state, incarnation) and what
 * one start of it holds (modules, their inboxes, emitters, held follow-ups, deadlines, dispatcher).
 * <p>
 * <b>Threading:</b> the simulation thread only.
 */
final class SimNode
{
    private final SimCore simulation;
    private final int nodeId;
    private final int nodeCount;
    private final NodeCounters counters = new NodeCounters();
    private final DurableState durable = new DurableState();
    private final MessageHeaderEncoder headerEncoder = new MessageHeaderEncoder();
    private final InitEncoder initEncoder = new InitEncoder();
    private final UnsafeBuffer payloadScratch = new UnsafeBuffer(new byte[64]);
    private final UnsafeBuffer envelopeScratch;
    private final UnsafeBuffer emitScratch;
    private final Dispatcher.FollowUpTarget toInbox = this::forward;
    private int incarnation;
    private boolean running;
    private boolean stopRequested;

    private NodeDefinition definition;
    private ModuleHost[] hosts;
    private SimEmitter[] emitters;
    private EnvelopeQueue[] inboxes;
    private EnvelopeQueue[] held;
    private Dispatcher.FollowUpTarget[] heldTargets;
    private long[] deadlineGeneration;
    private long[] registeredDeadline;
    private Dispatcher dispatcher;
    private EnvelopeValidator validator;
    private SimNetModule net;
    private int netModuleId = EventBuilder.EXTERNAL_SOURCE;
    private int nonEmptyInboxes;

    SimNode(final SimCore simulation, final int nodeId, final int nodeCount, final int slotCapacity)
    {
        this.simulation = simulation;
        this.nodeId = nodeId;
        this.nodeCount = nodeCount;
        this.envelopeScratch = new UnsafeBuffer(new byte[slotCapacity]);
        this.emitScratch = new UnsafeBuffer(new byte[slotCapacity]);
    }

    /**
     * Build fresh modules with the factory, attach them, queue Init to each in registration order, then let
     * recovery sources emit, then register deadlines.
     */
    void start(final SimNodeFactory factory, final SimNetwork network)
    {
        final int nextIncarnation = incarnation + 1;
        final SimNetModule newNet = new SimNetModule(network, nodeId);
        final NodeDefinition def = factory.create(
            nodeId, new SimNodeEnvironment(nodeId, nodeCount, nextIncarnation, newNet, durable));
        checkDefinition(def);
        final int moduleCount = def.moduleCount();
        final ModuleHost[] newHosts = new ModuleHost[moduleCount];
        for (int i = 0; i < moduleCount; i++)
        {
            newHosts[i] = new ModuleHost(i, def.moduleNames().get(i), def.module(i));
        }
        for (int i = 0; i < moduleCount; i++)
        {
            newHosts[i].module().onAttach(new DefaultModuleContext(def, i));
        }
        incarnation = nextIncarnation;
        definition = def;
        hosts = newHosts;
        net = newNet;
        netModuleId = EventBuilder.EXTERNAL_SOURCE;
        emitters = new SimEmitter[moduleCount];
        inboxes = new EnvelopeQueue[moduleCount];
        held = new EnvelopeQueue[moduleCount];
        heldTargets = new Dispatcher.FollowUpTarget[moduleCount];
        deadlineGeneration = new long[moduleCount];
        registeredDeadline = new long[moduleCount];
        for (int i = 0; i < moduleCount; i++)
        {
            emitters[i] = new SimEmitter(this, i, emitScratch);
            inboxes[i] = new EnvelopeQueue();
            registeredDeadline[i] = Long.MAX_VALUE;
            if (def.module(i) == newNet)
            {
                netModuleId = i;
            }
            if (newHosts[i].holdsFollowUps())
            {
                final EnvelopeQueue queue = new EnvelopeQueue();
                held[i] = queue;
                heldTargets[i] = queue::append;
            }
        }
        dispatcher = new Dispatcher(def, counters, this::onFailure);
        validator = new EnvelopeValidator(def.schemas());
        nonEmptyInboxes = 0;
        stopRequested = false;
        running = true;
        simulation.traceNode(TraceRecord.Kind.START, this);
        for (int i = 0; i < moduleCount; i++)
        {
            queueInit(i);
        }
        for (int i = 0; i < moduleCount && !stopRequested; i++)
        {
            recover(i);
        }
        for (int i = 0; i < moduleCount && !stopRequested; i++)
        {
            updateDeadline(i, false);
        }
        if (stopRequested)
        {
            simulation.crashNode(this);
        }
    }

    /**
     * Lose everything but the durable state: close the modules, empty inboxes, forget deadlines.
     *
     * @return true when the node was running.
     */
    boolean crash()
    {
        if (!running)
        {
            return false;
        }
        running = false;
        stopRequested = false;
        for (final SimEmitter emitter : emitters)
        {
            emitter.close();
        }
        for (final ModuleHost host : hosts)
        {
            try
            {
                host.module().onClose();
            }
            catch (final Throwable ex)
            {
                counters.increment(NodeCounters.Counter.MODULE_FAILURES);
                simulation.recordFailure(new ModuleFailure(nodeId, host.name(), "onClose", ex));
            }
        }
        final EventInterceptor interceptor = definition.interceptor();
        if (interceptor != null)
        {
            try
            {
                interceptor.close();
            }
            catch (final Throwable ex)
            {
                simulation.recordFailure(new ModuleFailure(nodeId, "interceptor", "close", ex));
            }
        }
        for (int i = 0; i < inboxes.length; i++)
        {
            inboxes[i].clear();
            if (held[i] != null)
            {
                held[i].clear();
            }
            deadlineGeneration[i]++;
        }
        nonEmptyInboxes = 0;
        return true;
    }

    /**
     * Take the head of the {@code pick}-th non-empty inbox (in module id order) and dispatch it, then run the
     * module's end of batch, release what it held and tell the interceptor the batch (of one event) ended.
     */
    void dispatchOne(final int pick)
    {
        final int moduleId = nonEmptyInbox(pick);
        final EnvelopeQueue inbox = inboxes[moduleId];
        final UnsafeBuffer buffer = simulation.dispatchBuffer(inbox.headLength());
        final int length = inbox.poll(buffer, 0);
        if (inbox.isEmpty())
        {
            nonEmptyInboxes--;
        }
        simulation.traceEvent(this, moduleId, buffer, 0, length);
        final ModuleHost host = hosts[moduleId];
        final SimEmitter emitter = emitters[moduleId];
        final EnvelopeQueue heldQueue = held[moduleId];
        dispatcher.dispatch(host, buffer, 0, length, emitter, emitter.builder(),
            heldQueue != null ? heldTargets[moduleId] : toInbox, simulation.nowNs());
        if (running && !stopRequested && !host.failed())
        {
            final boolean completed = dispatcher.endOfBatch(host, emitter, emitter.builder());
            if (heldQueue != null && completed && running && !stopRequested)
            {
                releaseHeld(heldQueue);
            }
        }
        if (heldQueue != null)
        {
            heldQueue.clear();
        }
        final EventInterceptor interceptor = definition.interceptor();
        if (interceptor != null && running)
        {
            interceptor.onEndOfBatch();
        }
        afterCallback(moduleId, false);
    }

    /**
     * Run a module's duty cycle because its deadline is due.
     */
    void doWork(final int moduleId)
    {
        final SimEmitter emitter = emitters[moduleId];
        final int work = dispatcher.doWork(hosts[moduleId], simulation.nowNs(), emitter, emitter.builder());
        simulation.traceDoWork(this, moduleId, work);
        afterCallback(moduleId, true);
    }

    SubmitResult submit(final String moduleName, final DirectBuffer payload, final int offset, final int length)
    {
        if (!running || moduleName == null || payload == null)
        {
            return reject();
        }
        final int moduleId = definition.moduleId(moduleName);
        if (moduleId < 0 || offset < 0 || length < MessageHeaderEncoder.ENCODED_LENGTH ||
            (long)offset + length > payload.capacity() ||
            (long)length + EnvelopeLayout.OVERHEAD > envelopeScratch.capacity())
        {
            return reject();
        }
        final int envelopeLength = EnvelopeLayout.write(
            envelopeScratch, 0, moduleId, EventBuilder.EXTERNAL_SOURCE, payload, offset, length);
        if (validator.validate(envelopeScratch, 0, envelopeLength, hosts.length) != EnvelopeValidator.Result.OK)
        {
            return reject();
        }
        enqueue(moduleId, envelopeScratch, 0, envelopeLength);
        return SubmitResult.ACCEPTED;
    }

    /**
     * A module committed an event: queue it to its destination in this node.
     */
    void emitted(final DirectBuffer buffer, final int offset, final int length)
    {
        if (!running)
        {
            return;
        }
        final int destination = EnvelopeLayout.destination(buffer, offset);
        if (destination >= hosts.length)
        {
            counters.malformed(EnvelopeValidator.Result.UNKNOWN_DESTINATION);
            return;
        }
        enqueue(destination, buffer, offset, length);
    }

    void enqueue(final int moduleId, final DirectBuffer buffer, final int offset, final int length)
    {
        final EnvelopeQueue inbox = inboxes[moduleId];
        if (inbox.isEmpty())
        {
            nonEmptyInboxes++;
        }
        inbox.append(buffer, offset, length);
    }

    boolean isDeadlineCurrent(final TimedQueue.Entry entry)
    {
        return running && entry.incarnation == incarnation && entry.moduleId < hosts.length &&
            deadlineGeneration[entry.moduleId] == entry.generation && !hosts[entry.moduleId].failed();
    }

    int nodeId()
    {
        return nodeId;
    }

    int incarnation()
    {
        return incarnation;
    }

    boolean isRunning()
    {
        return running;
    }

    int nonEmptyInboxes()
    {
        return nonEmptyInboxes;
    }

    int moduleCount()
    {
        return hosts == null ? 0 : hosts.length;
    }

    int netModuleId()
    {
        return netModuleId;
    }

    NodeCounters counters()
    {
        return counters;
    }

    DurableState durable()
    {
        return durable;
    }

    NodeDefinition definition()
    {
        return definition;
    }

    String moduleName(final int moduleId)
    {
        return moduleId >= 0 && moduleId < hosts.length ? hosts[moduleId].name() : "module-" + moduleId;
    }

    /**
     * @return queued events per module, e.g. {@code protocol=3}, for diagnostics.
     */
    String describeInboxes()
    {
        final StringBuilder sb = new StringBuilder();
        if (hosts != null)
        {
            for (int i = 0; i < hosts.length; i++)
            {
                if (!inboxes[i].isEmpty())
                {
                    sb.append(sb.length() == 0 ? "" : " ").append(hosts[i].name()).append('=')
                        .append(inboxes[i].size());
                }
            }
        }
        return sb.toString();
    }

    private void queueInit(final int moduleId)
    {
        initEncoder.wrapAndApplyHeader(payloadScratch, 0, headerEncoder).nodeId(nodeId).nodeCount(nodeCount);
        final int payloadLength = MessageHeaderEncoder.ENCODED_LENGTH + initEncoder.encodedLength();
        final int length = EnvelopeLayout.write(
            envelopeScratch, 0, moduleId, EventBuilder.EXTERNAL_SOURCE, payloadScratch, 0, payloadLength);
        enqueue(moduleId, envelopeScratch, 0, length);
    }

    private void recover(final int moduleId)
    {
        final ModuleHost host = hosts[moduleId];
        final Module module = host.module();
        if (!(module instanceof RecoverySource))
        {
            return;
        }
        final SimEmitter emitter = emitters[moduleId];
        try
        {
            ((RecoverySource)module).recover(emitter);
            if (emitter.builder().isOpen())
            {
                throw new IllegalStateException("module returned with an uncommitted event open");
            }
        }
        catch (final Throwable ex)
        {
            emitter.builder().abort();
            host.markFailed();
            counters.increment(NodeCounters.Counter.MODULE_FAILURES);
            onFailure(host, new ModuleFailure(nodeId, host.name(), "recover", ex));
        }
    }

    private void afterCallback(final int moduleId, final boolean afterDoWork)
    {
        if (running && !stopRequested)
        {
            updateDeadline(moduleId, afterDoWork);
        }
        if (stopRequested)
        {
            simulation.crashNode(this);
        }
    }

    private void updateDeadline(final int moduleId, final boolean afterDoWork)
    {
        final ModuleHost host = hosts[moduleId];
        if (host.failed())
        {
            deadlineGeneration[moduleId]++;
            return;
        }
        final long deadline;
        try
        {
            deadline = host.module().nextDeadlineNs();
        }
        catch (final Throwable ex)
        {
            host.markFailed();
            counters.increment(NodeCounters.Counter.MODULE_FAILURES);
            onFailure(host, new ModuleFailure(nodeId, host.name(), "nextDeadlineNs", ex));
            deadlineGeneration[moduleId]++;
            return;
        }
        if (deadline == registeredDeadline[moduleId] && !afterDoWork)
        {
            return;
        }
        registeredDeadline[moduleId] = deadline;
        final long generation = ++deadlineGeneration[moduleId];
        if (deadline == Long.MAX_VALUE)
        {
            return;
        }
        final long now = simulation.nowNs();
        final long time = deadline > now ? deadline : (afterDoWork ? now + simulation.pollIntervalNs() : now);
        final TimedQueue timed = simulation.timedQueue();
        final TimedQueue.Entry entry = timed.claim(time, TimedQueue.DEADLINE);
        entry.nodeId = nodeId;
        entry.moduleId = moduleId;
        entry.incarnation = incarnation;
        entry.generation = generation;
        timed.add(entry);
    }

    private void releaseHeld(final EnvelopeQueue queue)
    {
        while (!queue.isEmpty())
        {
            final UnsafeBuffer buffer = simulation.transferBuffer(queue.headLength());
            final int length = queue.poll(buffer, 0);
            forward(buffer, 0, length);
        }
    }

    private void forward(final DirectBuffer buffer, final int offset, final int length)
    {
        enqueue(EnvelopeLayout.destination(buffer, offset), buffer, offset, length);
    }

    private int nonEmptyInbox(final int pick)
    {
        int remaining = pick;
        for (int i = 0; i < inboxes.length; i++)
        {
            if (!inboxes[i].isEmpty() && remaining-- == 0)
            {
                return i;
            }
        }
        throw new IllegalStateException("node " + nodeId + " has fewer than " + (pick + 1) + " non-empty inboxes");
    }

    private void onFailure(final ModuleHost host, final ModuleFailure failure)
    {
        simulation.recordFailure(failure);
        if (simulation.faultPolicy() == FaultPolicy.STOP_NODE)
        {
            stopRequested = true;
        }
    }

    private SubmitResult reject()
    {
        counters.increment(NodeCounters.Counter.SUBMIT_REJECTED);
        return SubmitResult.REJECTED;
    }

    private void checkDefinition(final NodeDefinition def)
    {
        if (def == null)
        {
            throw new ConfigurationException("factory", "returned no node definition for node " + nodeId);
        }
        if (def.nodeId() != nodeId || def.nodeCount() != nodeCount)
        {
            throw new ConfigurationException("factory", "asked for node " + nodeId + " of " + nodeCount +
                " but built node " + def.nodeId() + " of " + def.nodeCount());
        }
        if (def.moduleCount() == 0)
        {
            throw new ConfigurationException("factory", "node " + nodeId + " has no modules");
        }
    }
}
