package io.jmir.engine.modules;

import io.jmir.engine.Emitter;
import io.jmir.engine.EventBuilder;
import io.jmir.engine.internal.EventSink;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Test {@link Emitter} over a real {@link EventBuilder}: every committed envelope is copied into a
 * {@link RecordedEvent} (or only counted, allocation free, when recording is off). Single threaded.
 */
public final class RecordingEmitter implements Emitter, EventSink
{
    /** Default capacity of one event. */
    public static final int DEFAULT_CAPACITY = 1 << 20;

    private static final ThreadLocal<RecordingEmitter> ENVELOPES =
        ThreadLocal.withInitial(() -> new RecordingEmitter(0));

    private final EventBuilder builder = new EventBuilder();
    private final UnsafeBuffer buffer;
    private final List<RecordedEvent> events = new ArrayList<>();
    private final int capacity;
    private int source;
    private boolean recording = true;
    private boolean backPressured;
    private long commits;
    private long aborts;

    /**
     * @param source module id stamped as the source of every event.
     */
    public RecordingEmitter(final int source)
    {
        this(source, DEFAULT_CAPACITY);
    }

    /**
     * @param source   module id stamped as the source of every event.
     * @param capacity bytes available to one event (a slot's capacity).
     */
    public RecordingEmitter(final int source, final int capacity)
    {
        this.source = source;
        this.capacity = capacity;
        this.buffer = new UnsafeBuffer(new byte[capacity]);
    }

    /**
     * Build one envelope from {@code source} to {@code destination}.
     *
     * @param destination module id.
     * @param source      module id.
     * @param writer      encodes the payload (and follow-ups) into the builder; it must not commit.
     * @return the envelope.
     */
    public static RecordedEvent envelope(final int destination, final int source, final Consumer<EventBuilder> writer)
    {
        final RecordingEmitter emitter = ENVELOPES.get().source(source).recording(true);
        emitter.events.clear();
        final EventBuilder b = emitter.event(destination);
        writer.accept(b);
        b.commit();
        return emitter.takeOne();
    }

    @Override
    public EventBuilder event(final int destination)
    {
        return builder.begin(this, buffer, 0, capacity, destination, source);
    }

    @Override
    public boolean isBackPressured()
    {
        return backPressured;
    }

    @Override
    public void commit(final int offset, final int length)
    {
        commits++;
        if (recording)
        {
            final byte[] copy = new byte[length];
            buffer.getBytes(offset, copy);
            events.add(new RecordedEvent(copy));
        }
    }

    @Override
    public void abort()
    {
        aborts++;
    }

    @Override
    public int capacity(final int destination)
    {
        return capacity;
    }

    /**
     * @param source module id stamped on later events.
     * @return this.
     */
    public RecordingEmitter source(final int source)
    {
        this.source = source;
        return this;
    }

    /**
     * @param recording false to count commits only (nothing allocated per event).
     * @return this.
     */
    public RecordingEmitter recording(final boolean recording)
    {
        this.recording = recording;
        return this;
    }

    /**
     * @param backPressured what {@link #isBackPressured()} returns.
     * @return this.
     */
    public RecordingEmitter backPressured(final boolean backPressured)
    {
        this.backPressured = backPressured;
        return this;
    }

    /**
     * @return recorded events in commit order.
     */
    public List<RecordedEvent> events()
    {
        return events;
    }

    /**
     * @return recorded events, then forget them.
     */
    public List<RecordedEvent> take()
    {
        final List<RecordedEvent> result = new ArrayList<>(events);
        events.clear();
        return result;
    }

    /**
     * @return the only recorded event, then forget it.
     * @throws AssertionError when not exactly one event was recorded.
     */
    public RecordedEvent takeOne()
    {
        if (events.size() != 1)
        {
            throw new AssertionError("expected exactly one emitted event, got " + events);
        }
        return take().get(0);
    }

    /**
     * @return number of commits (recorded or not).
     */
    public long commits()
    {
        return commits;
    }

    /**
     * @return number of aborted events.
     */
    public long aborts()
    {
        return aborts;
    }

    /**
     * @return the builder behind this emitter (to check it is closed).
     */
    public EventBuilder builder()
    {
        return builder;
    }
}
