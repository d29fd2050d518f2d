package io.jmir.engine;

import org.agrona.DirectBuffer;

/**
 * Emits events from a module. {@link #event(int)} claims space in the destination (a ring slot in the
 * pipeline runtime) and returns the builder the module encodes into: claim, encode, commit, with nothing
 * allocated per event.
 * <pre>{@code
 *   final EventBuilder b = emitter.event(walId);
 *   walAppend.wrapAndApplyHeader(b.buffer(), b.payloadOffset(), header).retentionIndex(7).putEntry(...);
 *   b.payload(walAppend)
 *    .followUp(netId);                 // released only after the WAL processed the append
 *   sendMessage.wrapAndApplyHeader(b.buffer(), b.payloadOffset(), header)...;
 *   b.payload(sendMessage).end()
 *    .commit();
 * }</pre>
 * <b>Threading:</b> used only on the thread that called the module; never kept beyond the call.
 * One event is open at a time: commit (or abort) it before calling {@link #event(int)} again.
 * <p>
 * <b>Back-pressure:</b> emitting never blocks. When the destination ring is full the event waits in the
 * emitting stage's overflow queue and is forwarded, in order, as soon as the ring has space. Overflow only
 * grows while the node is saturated; the edges ({@link Node#submit}, network receive via
 * {@link #isBackPressured()}) refuse input while it is above its limit, so internal cycles never deadlock.
 */
public interface Emitter
{
    /**
     * Open an event to a module.
     *
     * @param destination id of the receiving module.
     * @return the builder, positioned at the payload.
     * @throws IllegalStateException when an event is already open.
     */
    EventBuilder event(int destination);

    /**
     * Emit a pre-encoded SBE message (with its message header) as the payload of an event.
     *
     * @param destination id of the receiving module.
     * @param buffer      holding the message.
     * @param offset      of the message header.
     * @param length      of the message.
     */
    default void emit(final int destination, final DirectBuffer buffer, final int offset, final int length)
    {
        final EventBuilder builder = event(destination);
        builder.buffer().putBytes(builder.payloadOffset(), buffer, offset, length);
        builder.payload(length).commit();
    }

    /**
     * @return true while events emitted here wait in overflow; edge modules (network receive) should stop
     * taking input until it is false again.
     */
    boolean isBackPressured();
}
