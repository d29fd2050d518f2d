package io.jmir.transport;

/**
 * Why a net module dropped a message or a frame. Each reason is one counter ({@link NetCounters#drops}); none of
 * them ever reaches a protocol module as an exception.
 */
public enum DropReason
{
    /** A SendMessage whose message is larger than the configured maximum message size: refused at send. */
    SEND_TOO_LARGE("send-too-large"),
    /** A SendMessage names a node id that is not in the cluster configuration. */
    SEND_UNKNOWN_DESTINATION("send-unknown-destination"),
    /** A SendMessage event whose destinations group or message does not fit its payload. */
    SEND_MALFORMED_REQUEST("send-malformed-request"),
    /** The peer is not connected (not up yet, or gone): dropped at once, traffic flows once it is up. */
    SEND_NOT_CONNECTED("send-not-connected"),
    /** The peer's publication stayed back-pressured for every bounded retry (in-JVM: its inbox was full). */
    SEND_BACK_PRESSURED("send-back-pressured"),
    /** The publication stayed in an admin action (term rotation) for every bounded retry. */
    SEND_ADMIN_ACTION("send-admin-action"),
    /** The publication was closed or reached its maximum position; it is re-created in the background. */
    SEND_PUBLICATION_CLOSED("send-publication-closed"),
    /** A received frame is truncated or not a well formed version of the frame schema. */
    RECV_MALFORMED("recv-malformed"),
    /** A received frame carries another cluster's id. */
    RECV_WRONG_CLUSTER("recv-wrong-cluster"),
    /** A received frame claims a sender that is not in the cluster (or this node itself). */
    RECV_UNKNOWN_SENDER("recv-unknown-sender"),
    /** A received frame is addressed to another node. */
    RECV_WRONG_RECEIVER("recv-wrong-receiver"),
    /** A received frame's MAC does not verify with the pairwise key of its claimed sender. */
    RECV_BAD_MAC("recv-bad-mac"),
    /** A received frame (or its message) is larger than this node's maximum message size. */
    RECV_TOO_LARGE("recv-too-large"),
    /** An authenticated frame addresses a module id this node does not have. */
    RECV_UNKNOWN_MODULE("recv-unknown-module"),
    /** An authenticated message does not fit the destination module's event slot. */
    RECV_EVENT_TOO_LARGE("recv-event-too-large"),
    /** The net module received an event that is neither Init nor SendMessage. */
    UNEXPECTED_EVENT("unexpected-event");

    private static final DropReason[] VALUES = values();

    private final String label;

    DropReason(final String label)
    {
        this.label = label;
    }

    /**
     * @return short name used in counter labels.
     */
    public String label()
    {
        return label;
    }

    /**
     * @return true for reasons counted on the receive path (bad or undeliverable frames).
     */
    public boolean isReceiveSide()
    {
        return name().startsWith("RECV_");
    }

    static DropReason[] all()
    {
        return VALUES;
    }
}
