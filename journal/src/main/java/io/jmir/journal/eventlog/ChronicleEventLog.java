package io.jmir.journal.eventlog;

import io.jmir.codecs.EnvelopeLayout;
import io.jmir.codecs.SchemaRegistry;
import io.jmir.engine.ConfigurationException;
import io.jmir.engine.EventBuilder;
import io.jmir.engine.EventInterceptor;
import io.jmir.engine.NodeDefinition;
import io.jmir.journal.JournalFields;
import io.jmir.journal.JournalHeader;
import io.jmir.journal.JournalKind;
import io.jmir.journal.SyncPolicy;
import io.jmir.journal.internal.JournalQueue;
import io.jmir.journal.internal.PreEncodedFields;
import net.openhft.chronicle.bytes.PointerBytesStore;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.wire.DocumentContext;
import net.openhft.chronicle.wire.Wire;
import org.agrona.BufferUtil;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The event log: an {@link EventInterceptor} that records every event dispatched to every module of a node in a
 * Chronicle queue ({@code DATA/node-N/events}), for debugging ({@code jmir cat}) and replay ({@code jmir replay});
 * never used for recovery. Each excerpt is a self-describing Wire document:
 * <pre>
 *   type: Event, node: 0, seq: 42, timeNs: ..., module: protocol, moduleId: 3, source: net, sourceId: 1,
 *   event: MessageReceived, envelope: !!binary ...   (the whole SBE envelope, payload and follow-ups)
 * </pre>
 * {@code seq} counts from 0 in excerpt order across all threads of the node (a new session continues after the
 * last sequence it finds). Every session starts a new roll cycle with a {@code JournalHeader} holding the node
 * id, the cluster size and the module names in id order; the log never rolls within a session and is never
 * truncated by the node (delete old cycle files by hand, or the directory).
 * <p>
 * Cost: one Chronicle excerpt per dispatched event (the envelope is copied once; zero-copy when the dispatch
 * buffer is off-heap); nothing is allocated per event once each thread has its appender. No sync: after a crash
 * of the process the log holds every completed excerpt; after a power loss, what the kernel wrote back.
 * <p>
 * <b>Threading:</b> {@link #onDispatch} is thread safe: each dispatching thread gets its own Chronicle appender
 * (on first use), Chronicle serialises the appends, and the sequence is taken inside the append so it follows
 * excerpt order. {@link #close()} must be called once, after the last dispatch.
 */
public final class ChronicleEventLog implements EventInterceptor
{
    private final JournalQueue queue;
    private final int nodeId;
    private final String[] moduleNames;
    private final SchemaRegistry schemas;
    private final AtomicLong sequence = new AtomicLong();
    private final List<ExcerptAppender> appenders = new ArrayList<>();
    private final ThreadLocal<ThreadState> threadState;
    private final PreEncodedFields eventPrefix;
    private final PreEncodedFields[] moduleFieldsById;
    private final PreEncodedFields[] sourceFieldsById;
    private final PreEncodedFields externalSourceFields;
    private volatile boolean closed;

    /**
     * Open (creating when absent) the event log of a node. Register every module before: module names are
     * taken now.
     *
     * @param directory  of the Chronicle queue, e.g. {@code DATA/node-0/events}.
     * @param definition of the node whose events are logged.
     * @throws io.jmir.journal.JournalMismatchException when the directory holds another node's or kind's journal.
     */
    public ChronicleEventLog(final Path directory, final NodeDefinition definition)
    {
        if (directory == null)
        {
            throw new ConfigurationException("eventLog.directory", "must be set");
        }
        this.nodeId = definition.nodeId();
        this.schemas = definition.schemas();
        this.moduleNames = definition.moduleNames().toArray(new String[0]);
        this.queue = new JournalQueue(directory, JournalKind.EVENTS, SyncPolicy.NONE, 2_000);
        try
        {
            queue.verifyHeaders(nodeId);
            sequence.set(lastSequence() + 1);
            queue.startSession(JournalHeader.current(JournalKind.EVENTS, nodeId, true, JournalHeader.NONE,
                Long.MIN_VALUE, definition.nodeCount(), moduleNames));
            queue.handOver();
        }
        catch (final RuntimeException ex)
        {
            queue.close();
            throw ex;
        }
        threadState = ThreadLocal.withInitial(this::newThreadState);
        final net.openhft.chronicle.wire.WireType wireType = queue.queue().wireType();
        eventPrefix = new PreEncodedFields(wireType, (wire) -> wire.write(JournalFields.TYPE)
            .text(JournalFields.TYPE_EVENT).write(JournalFields.NODE).int32(nodeId).write(JournalFields.SEQ));
        moduleFieldsById = new PreEncodedFields[moduleNames.length];
        sourceFieldsById = new PreEncodedFields[moduleNames.length];
        for (int i = 0; i < moduleNames.length; i++)
        {
            final int id = i;
            moduleFieldsById[i] = new PreEncodedFields(wireType, (wire) -> wire.write(JournalFields.MODULE)
                .text(moduleNames[id]).write(JournalFields.MODULE_ID).int32(id));
            sourceFieldsById[i] = sourceFields(wireType, moduleNames[id], id);
        }
        externalSourceFields = sourceFields(wireType, JournalFields.EXTERNAL, EventBuilder.EXTERNAL_SOURCE);
    }

    private static PreEncodedFields sourceFields(
        final net.openhft.chronicle.wire.WireType wireType, final String name, final int id)
    {
        return new PreEncodedFields(wireType, (wire) -> wire.write(JournalFields.SOURCE).text(name)
            .write(JournalFields.SOURCE_ID).int32(id).write(JournalFields.EVENT));
    }

    @Override
    public void onDispatch(
        final int nodeId,
        final int moduleId,
        final DirectBuffer buffer,
        final int offset,
        final int length,
        final long timestampNs)
    {
        if (closed)
        {
            return;
        }
        final ThreadState state = threadState.get();
        final PointerBytesStore bytes = state.stage(buffer, offset, length);
        final int sourceId = EnvelopeLayout.source(buffer, offset);
        final String eventName = schemas.eventName(
            EnvelopeLayout.eventSchemaId(buffer, offset), EnvelopeLayout.eventTemplateId(buffer, offset));
        final PreEncodedFields moduleFields = moduleId >= 0 && moduleId < moduleFieldsById.length ?
            moduleFieldsById[moduleId] : null;
        final PreEncodedFields sourceFields = sourceId >= 0 && sourceId < sourceFieldsById.length ?
            sourceFieldsById[sourceId] : (sourceId == EventBuilder.EXTERNAL_SOURCE ? externalSourceFields : null);
        try (DocumentContext dc = state.appender.writingDocument())
        {
            final Wire wire = dc.wire();
            eventPrefix.writeTo(wire);
            wire.getValueOut().int64(sequence.getAndIncrement());
            wire.write(JournalFields.TIME_NS).int64(timestampNs);
            if (moduleFields != null)
            {
                moduleFields.writeTo(wire);
            }
            else
            {
                wire.write(JournalFields.MODULE).text(moduleName(moduleId))
                    .write(JournalFields.MODULE_ID).int32(moduleId);
            }
            if (sourceFields != null)
            {
                sourceFields.writeTo(wire);
            }
            else
            {
                wire.write(JournalFields.SOURCE).text(moduleName(sourceId))
                    .write(JournalFields.SOURCE_ID).int32(sourceId).write(JournalFields.EVENT);
            }
            wire.getValueOut().text(eventName);
            wire.write(JournalFields.ENVELOPE).bytes(bytes);
        }
    }

    /**
     * @return number of events recorded by this session plus the sequence it continued from.
     */
    public long nextSequence()
    {
        return sequence.get();
    }

    /**
     * @return the directory of the log.
     */
    public Path directory()
    {
        return queue.directory();
    }

    @Override
    public void close()
    {
        if (closed)
        {
            return;
        }
        closed = true;
        synchronized (appenders)
        {
            for (final ExcerptAppender appender : appenders)
            {
                appender.singleThreadedCheckReset();
                appender.close();
            }
            appenders.clear();
        }
        queue.close();
    }

    private String moduleName(final int id)
    {
        if (id >= 0 && id < moduleNames.length)
        {
            return moduleNames[id];
        }
        return id == EventBuilder.EXTERNAL_SOURCE ? JournalFields.EXTERNAL : "module-" + id;
    }

    private long lastSequence()
    {
        if (queue.isEmpty())
        {
            return -1;
        }
        try (var tailer = queue.queue().createTailer())
        {
            tailer.direction(net.openhft.chronicle.queue.TailerDirection.BACKWARD).toEnd();
            while (true)
            {
                try (DocumentContext dc = tailer.readingDocument())
                {
                    if (!dc.isPresent())
                    {
                        return -1;
                    }
                    if (JournalFields.TYPE_EVENT.equals(dc.wire().read(JournalFields.TYPE).text()))
                    {
                        dc.wire().read(JournalFields.NODE).int32();
                        return dc.wire().read(JournalFields.SEQ).int64();
                    }
                }
            }
        }
    }

    private ThreadState newThreadState()
    {
        final ExcerptAppender appender = queue.queue().createAppender();
        synchronized (appenders)
        {
            appenders.add(appender);
        }
        return new ThreadState(appender);
    }

    private static final class ThreadState
    {
        private final ExcerptAppender appender;
        private final PointerBytesStore pointer = new PointerBytesStore();
        private final UnsafeBuffer scratch = new UnsafeBuffer(0, 0);

        ThreadState(final ExcerptAppender appender)
        {
            this.appender = appender;
            scratch.wrap(BufferUtil.allocateDirectAligned(4096, 64));
        }

        PointerBytesStore stage(final DirectBuffer buffer, final int offset, final int length)
        {
            if (buffer.byteArray() == null && buffer.addressOffset() != 0)
            {
                pointer.set(buffer.addressOffset() + offset, length);
                return pointer;
            }
            if (length > scratch.capacity())
            {
                scratch.wrap(BufferUtil.allocateDirectAligned(Integer.highestOneBit(length) << 1, 64));
            }
            scratch.putBytes(0, buffer, offset, length);
            pointer.set(scratch.addressOffset(), length);
            return pointer;
        }
    }
}
