package io.jmir.cli.replay;

import io.jmir.cli.cat.RecordPrinter;
import io.jmir.codecs.EnvelopeLayout;
import io.jmir.engine.Emitter;
import io.jmir.engine.Event;
import io.jmir.engine.EventBuilder;
import io.jmir.engine.Module;
import io.jmir.engine.NodeDefinition;
import io.jmir.engine.internal.DefaultModuleContext;
import io.jmir.engine.internal.EventSink;
import io.jmir.journal.JournalException;
import io.jmir.journal.JournalFields;
import io.jmir.journal.JournalHeader;
import io.jmir.journal.read.JournalReader;
import io.jmir.journal.read.JournalRecord;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Replays one module of one node from the node's event log and checks it emits exactly what it emitted in the
 * recorded run.
 * <p>
 * <b>Inputs</b>: every event the log shows dispatched to the module, in log order (one thread processed them in
 * that order). They are fed to a fresh instance (one per node session: a restart starts a new instance, as the
 * node did), with {@code onEndOfBatch} after each event, as the simulation runtime does; a module whose output
 * depends on batch boundaries (a WAL) cannot be replayed this way, a deterministic protocol can.
 * <p>
 * <b>Recorded outputs</b>: the log records dispatches, not emissions. Each event the module emitted was
 * dispatched to its destination with the module as source; but so was each follow-up it attached (released
 * later by the parent's destination). A recorded dispatch is therefore a follow-up, not an emission, when its
 * bytes equal a not yet released follow-up of an earlier recorded dispatch (follow-ups are forwarded byte for
 * byte); every other dispatch whose source is the module is one of its top-level emissions.
 * <p>
 * <b>Matching</b>: events from one module to one destination travel in order (one ring per destination, FIFO
 * overflow), so the replayed emissions to each destination are compared, in order and byte for byte (the whole
 * envelope: destination, source, type, payload and follow-ups), with the recorded ones to that destination.
 * The first difference in emission order is the divergence; a recorded emission the replay did not produce is
 * one too; replayed emissions past the end of the recording for their destination are only counted as
 * unconfirmed (the run stopped before they were dispatched).
 * <p>
 * <b>Threading:</b> one thread.
 */
public final class Replayer
{
    private final Path eventLog;
    private final String moduleName;
    private final Supplier<Module> factory;
    private final RecordPrinter printer;

    private record Recorded(long seq, int moduleId, int sourceId, String event, byte[] envelope)
    {
    }

    private record Output(int inputIndex, byte[] envelope)
    {
    }

    /**
     * @param eventLog   directory of one node's event log.
     * @param moduleName module to replay.
     * @param factory    creates a fresh instance of the module (one per session).
     * @param printer    formats divergent events.
     */
    public Replayer(
        final Path eventLog, final String moduleName, final Supplier<Module> factory, final RecordPrinter printer)
    {
        this.eventLog = eventLog;
        this.moduleName = moduleName;
        this.factory = factory;
        this.printer = printer;
    }

    /**
     * @return the outcome.
     * @throws JournalException when the log is not an event log or lacks the module.
     */
    public ReplayResult run()
    {
        int sessions = 0;
        long inputs = 0;
        long recordedOutputs = 0;
        long matched = 0;
        long unconfirmed = 0;
        try (JournalReader reader = new JournalReader(eventLog))
        {
            final JournalRecord record = new JournalRecord();
            JournalHeader header = null;
            List<Recorded> session = new ArrayList<>();
            boolean more = true;
            while (more)
            {
                more = reader.next(record);
                final boolean newSession = more && JournalFields.TYPE_HEADER.equals(record.type()) &&
                    Boolean.TRUE.equals(record.fields().get(JournalFields.SESSION_START));
                if ((newSession || !more) && header != null)
                {
                    final SessionResult result = replaySession(header, session);
                    sessions++;
                    inputs += result.inputs;
                    recordedOutputs += result.recordedOutputs;
                    matched += result.matched;
                    unconfirmed += result.unconfirmed;
                    if (result.divergence != null)
                    {
                        return new ReplayResult(sessions, inputs, recordedOutputs, matched, unconfirmed,
                            "session " + sessions + ": " + result.divergence);
                    }
                    session = new ArrayList<>();
                }
                if (newSession)
                {
                    header = JournalHeader.current(io.jmir.journal.JournalKind.EVENTS,
                        (int)record.getLong(JournalFields.NODE, 0), true, -1, Long.MIN_VALUE,
                        (int)record.getLong(JournalFields.NODE_COUNT, 1),
                        record.getText(JournalFields.MODULES).split(","));
                }
                else if (more && JournalFields.TYPE_EVENT.equals(record.type()))
                {
                    final int destination = (int)record.getLong(JournalFields.MODULE_ID, -1);
                    final int source = (int)record.getLong(JournalFields.SOURCE_ID, -1);
                    session.add(new Recorded(record.getLong(JournalFields.SEQ, 0), destination, source,
                        record.getText(JournalFields.EVENT), record.getBytes(JournalFields.ENVELOPE)));
                }
            }
            if (sessions == 0)
            {
                throw new JournalException("no node session found in " + eventLog + ": not an event log?");
            }
        }
        return new ReplayResult(sessions, inputs, recordedOutputs, matched, unconfirmed, null);
    }

    private static final class SessionResult
    {
        long inputs;
        long recordedOutputs;
        long matched;
        long unconfirmed;
        String divergence;
    }

    private SessionResult replaySession(final JournalHeader header, final List<Recorded> records)
    {
        final String[] names = header.modules();
        int moduleId = -1;
        for (int i = 0; i < names.length; i++)
        {
            if (names[i].equals(moduleName))
            {
                moduleId = i;
            }
        }
        if (moduleId < 0)
        {
            throw new JournalException("module '" + moduleName + "' is not in the event log's node (modules: " +
                String.join(",", names) + ")");
        }
        printer.moduleNames(names);
        final SessionResult result = new SessionResult();
        final Map<Integer, List<Recorded>> recorded = recordedOutputs(records, moduleId);
        recorded.values().forEach((list) -> result.recordedOutputs += list.size());
        final List<Recorded> inputs = new ArrayList<>();
        for (final Recorded record : records)
        {
            if (record.moduleId == moduleId)
            {
                inputs.add(record);
            }
        }
        result.inputs = inputs.size();
        final List<Output> outputs = new ArrayList<>();
        final String failure = feed(header, names, moduleId, inputs, outputs);
        final Map<Integer, Integer> position = new HashMap<>();
        for (final Output output : outputs)
        {
            final int destination = EnvelopeLayout.destination(new UnsafeBuffer(output.envelope), 0);
            final int k = position.merge(destination, 1, Integer::sum) - 1;
            final List<Recorded> expected = recorded.getOrDefault(destination, List.of());
            if (k >= expected.size())
            {
                result.unconfirmed++;
                continue;
            }
            final Recorded recordedOutput = expected.get(k);
            if (!java.util.Arrays.equals(recordedOutput.envelope, output.envelope))
            {
                result.divergence = "output #" + k + " to '" + name(names, destination) + "' differs, emitted " +
                    "while processing input " + describe(inputs.get(output.inputIndex)) + "\n  recorded (seq " +
                    recordedOutput.seq + "): " + printer.envelopeText(recordedOutput.envelope) +
                    "\n  replayed:          " + printer.envelopeText(output.envelope);
                return result;
            }
            result.matched++;
        }
        if (failure != null)
        {
            result.divergence = failure;
            return result;
        }
        for (final Map.Entry<Integer, List<Recorded>> entry : recorded.entrySet())
        {
            final int produced = position.getOrDefault(entry.getKey(), 0);
            if (entry.getValue().size() > produced)
            {
                final Recorded missing = entry.getValue().get(produced);
                result.divergence = "recorded output #" + produced + " to '" + name(names, entry.getKey()) +
                    "' (seq " + missing.seq + ") was not produced by the replay\n  recorded: " +
                    printer.envelopeText(missing.envelope) + "\n  replayed: (nothing)";
                return result;
            }
        }
        return result;
    }

    private String feed(
        final JournalHeader header,
        final String[] names,
        final int moduleId,
        final List<Recorded> inputs,
        final List<Output> outputs)
    {
        final NodeDefinition definition = new NodeDefinition(header.nodeId(), Math.max(header.nodeCount(),
            header.nodeId() + 1));
        final Module module = factory.get();
        for (int i = 0; i < names.length; i++)
        {
            definition.module(names[i], i == moduleId ? module : (event, emitter) -> { });
        }
        final CapturingEmitter emitter = new CapturingEmitter(moduleId, outputs);
        module.onAttach(new DefaultModuleContext(definition, moduleId));
        final Event event = new Event();
        for (int i = 0; i < inputs.size(); i++)
        {
            final byte[] bytes = inputs.get(i).envelope;
            emitter.inputIndex = i;
            try
            {
                module.onEvent(event.wrap(new UnsafeBuffer(bytes), 0, bytes.length), emitter);
                module.onEndOfBatch(emitter);
            }
            catch (final RuntimeException ex)
            {
                return "the module threw " + ex + " while processing input " + describe(inputs.get(i));
            }
        }
        module.onClose();
        return null;
    }

    private String describe(final Recorded input)
    {
        return "seq " + input.seq + " " + input.event + " " + printer.envelopeText(input.envelope);
    }

    private static String name(final String[] names, final int id)
    {
        return id >= 0 && id < names.length ? names[id] : "module-" + id;
    }

    /**
     * Top-level emissions of a module, per destination, in log order (released follow-ups excluded).
     */
    static Map<Integer, List<Recorded>> recordedOutputs(final List<Recorded> records, final int moduleId)
    {
        final Map<ByteBuffer, Integer> pendingFollowUps = new HashMap<>();
        final Map<Integer, List<Recorded>> outputs = new HashMap<>();
        for (final Recorded recorded : records)
        {
            final ByteBuffer key = ByteBuffer.wrap(recorded.envelope);
            final Integer pending = pendingFollowUps.get(key);
            if (pending != null)
            {
                if (pending == 1)
                {
                    pendingFollowUps.remove(key);
                }
                else
                {
                    pendingFollowUps.put(key, pending - 1);
                }
            }
            else if (recorded.sourceId == moduleId)
            {
                outputs.computeIfAbsent(recorded.moduleId, (k) -> new ArrayList<>()).add(recorded);
            }
            addFollowUps(recorded.envelope, pendingFollowUps);
        }
        return outputs;
    }

    private static void addFollowUps(final byte[] envelope, final Map<ByteBuffer, Integer> pending)
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(envelope);
        final io.jmir.engine.Event event = new io.jmir.engine.Event().wrap(buffer, 0, envelope.length);
        int cursor = event.followUpsOffset();
        final int end = cursor + event.followUpsLength();
        while (cursor + EnvelopeLayout.OVERHEAD <= end)
        {
            final int length = EnvelopeLayout.totalLength(buffer, cursor);
            if (length < EnvelopeLayout.OVERHEAD || cursor + length > end)
            {
                return;
            }
            final byte[] followUp = new byte[length];
            buffer.getBytes(cursor, followUp);
            pending.merge(ByteBuffer.wrap(followUp), 1, Integer::sum);
            cursor += length;
        }
    }

    private static final class CapturingEmitter implements Emitter, EventSink
    {
        private final EventBuilder builder = new EventBuilder();
        private final UnsafeBuffer scratch = new UnsafeBuffer(new byte[1 << 20]);
        private final int source;
        private final List<Output> outputs;
        private int inputIndex;

        CapturingEmitter(final int source, final List<Output> outputs)
        {
            this.source = source;
            this.outputs = outputs;
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
            final byte[] bytes = new byte[length];
            scratch.getBytes(offset, bytes);
            outputs.add(new Output(inputIndex, bytes));
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
