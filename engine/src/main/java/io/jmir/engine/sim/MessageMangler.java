package io.jmir.engine.sim;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import java.util.SplittableRandom;

/**
 * Byzantine (or merely unlucky) behaviour on the simulated network: sees every message a node sends to one
 * destination before the network's own faults apply and decides what actually goes on the wire — nothing
 * (drop), the message unchanged, a modified copy, something else entirely, several messages (duplicates,
 * equivocation) and each with an extra delay. Installed with {@link SimNetwork#addMangler(MessageMangler)}
 * (every sender) or {@link SimNetwork#addMangler(int, MessageMangler)} (one sender); several manglers chain:
 * the sender's manglers in the order added, then the global ones, each seeing what the previous one output.
 * <p>
 * A message that a mangler outputs nothing for is counted as dropped with
 * {@link SimNetwork.DropReason#MANGLER}. What is output then faces the network's faults (partition, random
 * loss, duplication, latency) like any message.
 * <p>
 * <b>Threading:</b> called on the simulation thread while the sending node's net module handles a
 * {@code SendMessage}. The message buffer is valid only during the call. Must be deterministic given the
 * {@link Output#random()} it is handed, or runs with the same seed differ.
 */
@FunctionalInterface
public interface MessageMangler
{
    /**
     * Where a mangler puts what goes on the wire.
     */
    interface Output
    {
        /**
         * Send bytes with the network's normal latency.
         *
         * @param buffer holding the bytes (the original message, {@link #scratch()}, or any buffer).
         * @param offset of the bytes.
         * @param length of the bytes.
         */
        void send(DirectBuffer buffer, int offset, int length);

        /**
         * Send bytes delivered {@code extraDelayNs} later than the network's latency would deliver them.
         *
         * @param buffer       holding the bytes.
         * @param offset       of the bytes.
         * @param length       of the bytes.
         * @param extraDelayNs added to the latency, at least 0.
         */
        void send(DirectBuffer buffer, int offset, int length, long extraDelayNs);

        /**
         * @return a buffer of the simulation's slot capacity, owned by this mangler for the call, to build
         * modified messages in.
         */
        MutableDirectBuffer scratch();

        /**
         * @return the simulation network's seeded random generator; use only this for random choices.
         */
        SplittableRandom random();

        /**
         * @return current virtual time in ns.
         */
        long nowNs();
    }

    /**
     * Decide what goes on the wire for one message from one node to one node.
     *
     * @param fromNode node sending.
     * @param toNode   node the message is for.
     * @param message  buffer holding the message bytes.
     * @param offset   of the message.
     * @param length   of the message.
     * @param output   to send zero or more messages through.
     */
    void mangle(int fromNode, int toNode, DirectBuffer message, int offset, int length, Output output);
}
