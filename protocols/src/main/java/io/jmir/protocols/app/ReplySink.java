package io.jmir.protocols.app;

import org.agrona.DirectBuffer;

/**
 * Receives the replies a node sends to clients. This is how replies leave a node in the in-JVM cluster (and the
 * simulation): the {@link ReplyModule} calls it for every ClientReply; a network front-end would send them on
 * instead.
 * <p>
 * <b>Threading:</b> called on the reply module's stage thread; one sink shared by several nodes (each node has its
 * own reply stage) must be thread safe. It must not block for long: it delays the node's replies.
 */
@FunctionalInterface
public interface ReplySink
{
    /**
     * One node's result for one request.
     *
     * @param nodeId    node that executed it.
     * @param clientId  client id.
     * @param requestNo request number.
     * @param seqNo     sequence number of its batch.
     * @param result    buffer holding the result (valid only during the call).
     * @param offset    of the result.
     * @param length    of the result.
     */
    void onReply(int nodeId, long clientId, long requestNo, long seqNo, DirectBuffer result, int offset, int length);
}
