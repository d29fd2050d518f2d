package io.jmir.journal;

import io.jmir.codecs.EnvelopeLayout;
import io.jmir.codecs.engine.InitEncoder;
import io.jmir.codecs.engine.MessageHeaderEncoder;
import io.jmir.engine.Emitter;
import io.jmir.engine.EventBuilder;
import io.jmir.engine.ModuleFailure;
import io.jmir.engine.NodeCounters;
import io.jmir.engine.NodeDefinition;
import io.jmir.engine.RecoverySource;
import io.jmir.engine.internal.DefaultModuleContext;
import io.jmir.engine.internal.Dispatcher;
import io.jmir.engine.internal.EventSink;
import io.jmir.engine.internal.ModuleHost;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * A minimal single-threaded runtime for journal tests, delivering through the engine's {@link Dispatcher}: one
 * inbox per module, modules served round robin, each taking up to {@code maxBatch} events as one batch followed by
 * {@code onEndOfBatch}; follow-ups of modules that hold them are released after the end of the batch. Init first,
 * then {@link RecoverySource#recover}, as both real runtimes do. Time is virtual: one tick per dispatched event.
 */
public final class MiniRuntime implements AutoCloseable
{
    private final NodeDefinition definition;
    private final ModuleHost[] hosts;
    private final List<ArrayDeque<byte[]>> inboxes = new ArrayList<>();
    private final Dispatcher dispatcher;
    private final NodeCounters counters = new NodeCounters();
    private final List<ModuleFailure> failures = new ArrayList<>();
    private final int maxBatch;
    private final StageEmitter[] emitters;
    private long nowNs = 1_000;
    private boolean closed;

    public MiniRuntime(final NodeDefinition definition, final int maxBatch)
    {
        this.definition = definition;
        this.maxBatch = maxBatch;
        final int count = definition.moduleCount();
        hosts = new ModuleHost[count];
        emitters = new StageEmitter[count];
        for (int i = 0; i < count; i++)
        {
            hosts[i] = new ModuleHost(i, definition.moduleNames().get(i), definition.module(i));
            inboxes.add(new ArrayDeque<>());
            emitters[i] = new StageEmitter(i);
        }
        dispatcher = new Dispatcher(definition, counters, (host, failure) -> failures.add(failure));
        for (int i = 0; i < count; i++)
        {
            definition.module(i).onAttach(new DefaultModuleContext(definition, i));
        }
    }

    /**
     * Queue Init for every module, then run recovery of every {@link RecoverySource}.
     *
     * @return this.
     */
    public MiniRuntime start()
    {
        final MessageHeaderEncoder header = new MessageHeaderEncoder();
        final InitEncoder init = new InitEncoder();
        final UnsafeBuffer payload = new UnsafeBuffer(new byte[64]);
        init.wrapAndApplyHeader(payload, 0, header).nodeId(definition.nodeId()).nodeCount(definition.nodeCount());
        final int length = MessageHeaderEncoder.ENCODED_LENGTH + init.encodedLength();
        for (int i = 0; i < hosts.length; i++)
        {
            inject(i, payload, 0, length);
        }
        for (int i = 0; i < hosts.length; i++)
        {
            if (definition.module(i) instanceof RecoverySource source)
            {
                source.recover(emitters[i]);
            }
        }
        return this;
    }

    /**
     * Inject an event from outside the node.
     */
    public void inject(final int destination, final DirectBuffer payload, final int offset, final int length)
    {
        final UnsafeBuffer envelope = new UnsafeBuffer(new byte[EnvelopeLayout.OVERHEAD + length]);
        final int total = EnvelopeLayout.write(envelope, 0, destination, EventBuilder.EXTERNAL_SOURCE, payload,
            offset, length);
        inboxes.get(destination).add(copy(envelope, 0, total));
    }

    /**
     * Run until every inbox is empty.
     *
     * @param maxEvents safety bound.
     * @return events dispatched.
     */
    public long runUntilIdle(final long maxEvents)
    {
        long dispatched = 0;
        boolean progress = true;
        while (progress)
        {
            progress = false;
            for (int i = 0; i < hosts.length; i++)
            {
                final int taken = runBatch(i);
                if (taken > 0)
                {
                    progress = true;
                    dispatched += taken;
                }
            }
            if (dispatched > maxEvents)
            {
                throw new IllegalStateException("more than " + maxEvents + " events: runaway test");
            }
        }
        if (!failures.isEmpty())
        {
            throw new AssertionError("module failure: " + failures.get(0), failures.get(0).cause());
        }
        return dispatched;
    }

    private int runBatch(final int moduleId)
    {
        final ArrayDeque<byte[]> inbox = inboxes.get(moduleId);
        final StageEmitter emitter = emitters[moduleId];
        final ModuleHost host = hosts[moduleId];
        int taken = 0;
        final ExpandableArrayBuffer held = new ExpandableArrayBuffer(256);
        final int[] heldLength = {0};
        final Dispatcher.FollowUpTarget hold = (buffer, offset, length) ->
        {
            held.putBytes(heldLength[0], buffer, offset, length);
            heldLength[0] += length;
        };
        final Dispatcher.FollowUpTarget forward = this::forward;
        while (taken < maxBatch && !inbox.isEmpty())
        {
            final byte[] bytes = inbox.poll();
            final UnsafeBuffer buffer = new UnsafeBuffer(bytes);
            dispatcher.dispatch(host, buffer, 0, bytes.length, emitter, emitter.builder,
                host.holdsFollowUps() ? hold : forward, nowNs++);
            taken++;
        }
        if (taken > 0)
        {
            dispatcher.endOfBatch(host, emitter, emitter.builder);
            if (definition.interceptor() != null)
            {
                definition.interceptor().onEndOfBatch();
            }
            if (heldLength[0] > 0)
            {
                dispatcher.releaseFollowUps(held, 0, heldLength[0], forward);
            }
        }
        return taken;
    }

    private void forward(final DirectBuffer buffer, final int offset, final int length)
    {
        inboxes.get(EnvelopeLayout.destination(buffer, offset)).add(copy(buffer, offset, length));
    }

    private static byte[] copy(final DirectBuffer buffer, final int offset, final int length)
    {
        final byte[] bytes = new byte[length];
        buffer.getBytes(offset, bytes);
        return bytes;
    }

    public List<ModuleFailure> failures()
    {
        return failures;
    }

    public NodeCounters counters()
    {
        return counters;
    }

    public Emitter emitter(final int moduleId)
    {
        return emitters[moduleId];
    }

    @Override
    public void close()
    {
        if (!closed)
        {
            closed = true;
            for (int i = 0; i < hosts.length; i++)
            {
                definition.module(i).onClose();
            }
            if (definition.interceptor() != null)
            {
                definition.interceptor().close();
            }
        }
    }

    private final class StageEmitter implements Emitter, EventSink
    {
        private final EventBuilder builder = new EventBuilder();
        private final MutableDirectBuffer scratch = new UnsafeBuffer(new byte[1 << 16]);
        private final int source;

        StageEmitter(final int source)
        {
            this.source = source;
        }

        @Override
        public EventBuilder event(final int destination)
        {
            return builder.begin(this, scratch, 0, scratch.capacity(), destination, source);
        }

        @Override
        public boolean isBackPressured()
        {
            return false;
        }

        @Override
        public void commit(final int offset, final int length)
        {
            forward(scratch, offset, length);
        }

        @Override
        public void abort()
        {
        }

        @Override
        public int capacity(final int destination)
        {
            return scratch.capacity();
        }
    }
}
