package io.jmir.examples.client;

import org.agrona.DirectBuffer;

/**
 * How a client's ClientRequest events reach a node: in one JVM {@link LocalClusterSender} submits them to each
 * node's "clients" module; a network front-end would send them over a transport.
 * <p>
 * <b>Threading:</b> called by the client's submitting thread (and its retransmission calls); implementations must
 * tolerate several clients calling concurrently.
 */
@FunctionalInterface
public interface RequestSender
{
    /**
     * Send one encoded ClientRequest (engine schema, with message header) to a node.
     *
     * @param nodeId node.
     * @param buffer holding the message.
     * @param offset of the message.
     * @param length of the message.
     * @return true when handed over, false when dropped (the client retransmits later).
     */
    boolean send(int nodeId, DirectBuffer buffer, int offset, int length);
}
