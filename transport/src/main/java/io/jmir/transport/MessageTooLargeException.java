package io.jmir.transport;

/**
 * Reported to the transport's error handler (never thrown into a module) when a module asks to send a message
 * larger than the configured maximum message size; the message is dropped and counted as
 * {@link DropReason#SEND_TOO_LARGE}.
 */
public final class MessageTooLargeException extends RuntimeException
{
    private static final long serialVersionUID = 1L;

    /**
     * @param nodeId         sending node.
     * @param destination    node the message was for.
     * @param length         of the message.
     * @param maxMessageSize configured maximum.
     */
    public MessageTooLargeException(final int nodeId, final int destination, final int length, final int maxMessageSize)
    {
        super("node " + nodeId + " dropped a message of " + length + " bytes to node " + destination +
            ": larger than maxMessageSize " + maxMessageSize + " (counted as " +
            DropReason.SEND_TOO_LARGE.label() + ")");
    }
}
