package io.jmir.engine.internal;

/**
 * Where an {@link io.jmir.engine.EventBuilder} commits the event it wrote. Implemented by the runtimes
 * (ring slot, overflow queue, simulation inbox). Internal API: not for modules.
 * <p>
 * <b>Threading:</b> called on the thread that owns the builder.
 */
public interface EventSink
{
    /**
     * The event at {@code offset} of the claimed space is complete.
     *
     * @param offset where the envelope starts in the claimed space.
     * @param length of the envelope.
     */
    void commit(int offset, int length);

    /**
     * The claimed space is abandoned; nothing becomes visible.
     */
    void abort();

    /**
     * Largest envelope the given module accepts (its slot capacity); follow-ups are checked against it when
     * they are closed, so an oversize follow-up fails at emission rather than at release.
     *
     * @param destination module id.
     * @return capacity in bytes.
     */
    int capacity(int destination);
}
