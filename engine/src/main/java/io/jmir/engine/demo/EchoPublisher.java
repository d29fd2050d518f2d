package io.jmir.engine.demo;

import io.jmir.codecs.echo.EchoDeliveredEncoder;
import io.jmir.codecs.echo.EchoEchoEncoder;
import io.jmir.codecs.echo.EchoSendEncoder;
import io.jmir.codecs.echo.EchoStartedEncoder;
import io.jmir.codecs.engine.DeliverBatchEncoder;
import io.jmir.codecs.engine.HashRequestEncoder;
import io.jmir.codecs.engine.MessageHeaderEncoder;
import io.jmir.codecs.engine.SendMessageEncoder;
import io.jmir.codecs.engine.WalAppendEncoder;
import io.jmir.engine.Emitter;
import io.jmir.engine.EventBuilder;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;

import static io.jmir.codecs.EnvelopeLayout.BYTE_ORDER;

/**
 * Encodes everything {@link EchoBroadcast} emits: WAL records with their follow-ups, SEND and ECHO messages
 * wrapped in SendMessage, hash requests and batches for the app. Codecs and scratch buffers are fields;
 * scratch buffers only grow. <b>Threading:</b> the protocol module's thread.
 */
final class EchoPublisher
{
    private static final int HEADER_LENGTH = MessageHeaderEncoder.ENCODED_LENGTH;

    private final MessageHeaderEncoder engineHeader = new MessageHeaderEncoder();
    private final io.jmir.codecs.echo.MessageHeaderEncoder echoHeader = new io.jmir.codecs.echo.MessageHeaderEncoder();
    private final WalAppendEncoder walAppend = new WalAppendEncoder();
    private final SendMessageEncoder sendMessage = new SendMessageEncoder();
    private final HashRequestEncoder hashRequest = new HashRequestEncoder();
    private final DeliverBatchEncoder deliverBatch = new DeliverBatchEncoder();
    private final EchoSendEncoder echoSend = new EchoSendEncoder();
    private final EchoEchoEncoder echoEcho = new EchoEchoEncoder();
    private final EchoStartedEncoder echoStarted = new EchoStartedEncoder();
    private final EchoDeliveredEncoder echoDelivered = new EchoDeliveredEncoder();
    private final ExpandableArrayBuffer record = new ExpandableArrayBuffer(256);
    private final ExpandableArrayBuffer message = new ExpandableArrayBuffer(256);
    private final int nodeId;
    private final int nodeCount;
    private final int selfId;
    private final int netId;
    private final int hasherId;
    private final int walId;
    private final int appId;

    EchoPublisher(
        final int nodeId,
        final int nodeCount,
        final int selfId,
        final int netId,
        final int hasherId,
        final int walId,
        final int appId)
    {
        this.nodeId = nodeId;
        this.nodeCount = nodeCount;
        this.selfId = selfId;
        this.netId = netId;
        this.hasherId = hasherId;
        this.walId = walId;
        this.appId = appId;
    }

    /**
     * Persist the start of a broadcast; after the WAL processed it, SEND goes to the other nodes and to this
     * node's own protocol.
     */
    void startBroadcast(
        final Emitter emitter,
        final long seq,
        final long clientId,
        final long requestNo,
        final DirectBuffer payload,
        final int payloadOffset,
        final int payloadLength)
    {
        echoStarted.wrapAndApplyHeader(record, 0, echoHeader)
            .seq(seq).clientId(clientId).requestNo(requestNo)
            .putPayload(payload, payloadOffset, payloadLength);
        final int recordLength = HEADER_LENGTH + echoStarted.encodedLength();
        echoSend.wrapAndApplyHeader(message, 0, echoHeader)
            .origin(nodeId).seq(seq).clientId(clientId).requestNo(requestNo)
            .putPayload(payload, payloadOffset, payloadLength);
        final int messageLength = HEADER_LENGTH + echoSend.encodedLength();

        final EventBuilder builder = emitter.event(walId);
        builder.payload(walAppend.wrapAndApplyHeader(builder.buffer(), builder.payloadOffset(), engineHeader)
            .retentionIndex(0)
            .putEntry(record, 0, recordLength));
        if (nodeCount > 1)
        {
            builder.followUp(netId);
            encodeSendToOthers(builder, messageLength);
            builder.end();
        }
        builder.followUp(selfId);
        builder.buffer().putBytes(builder.payloadOffset(), message, 0, messageLength);
        builder.payload(messageLength).end();
        builder.commit();
    }

    /**
     * Ask the hasher for the digest of a value: SHA-256 of clientId (8 bytes LE) || requestNo (8 bytes LE) ||
     * payload.
     */
    void requestHash(
        final Emitter emitter,
        final long correlationId,
        final long clientId,
        final long requestNo,
        final byte[] payload,
        final int payloadLength)
    {
        message.putLong(0, clientId, BYTE_ORDER);
        message.putLong(8, requestNo, BYTE_ORDER);
        message.putBytes(16, payload, 0, payloadLength);
        final EventBuilder builder = emitter.event(hasherId);
        final HashRequestEncoder request = hashRequest
            .wrapAndApplyHeader(builder.buffer(), builder.payloadOffset(), engineHeader)
            .correlationId(correlationId);
        request.itemsCount(1).next().putData(message, 0, 16 + payloadLength);
        builder.payload(request).commit();
    }

    /**
     * Send ECHO(origin, seq, digest) to the other nodes.
     */
    void echo(final Emitter emitter, final int origin, final long seq, final byte[] digests, final int digestOffset)
    {
        if (nodeCount == 1)
        {
            return;
        }
        echoEcho.wrapAndApplyHeader(message, 0, echoHeader)
            .origin(origin).seq(seq).putDigest(digests, digestOffset, EchoInstances.DIGEST_LENGTH);
        final int messageLength = HEADER_LENGTH + echoEcho.encodedLength();
        final EventBuilder builder = emitter.event(netId);
        encodeSendToOthers(builder, messageLength);
        builder.commit();
    }

    /**
     * Persist a delivery; after the WAL processed it the batch goes to the app.
     */
    void deliver(
        final Emitter emitter,
        final long deliveryNo,
        final int origin,
        final long seq,
        final long clientId,
        final long requestNo,
        final byte[] payload,
        final int payloadLength)
    {
        echoDelivered.wrapAndApplyHeader(record, 0, echoHeader)
            .origin(origin).seq(seq).deliveryNo(deliveryNo).clientId(clientId).requestNo(requestNo)
            .putPayload(payload, 0, payloadLength);
        final int recordLength = HEADER_LENGTH + echoDelivered.encodedLength();
        final EventBuilder builder = emitter.event(walId);
        builder.payload(walAppend.wrapAndApplyHeader(builder.buffer(), builder.payloadOffset(), engineHeader)
            .retentionIndex(0)
            .putEntry(record, 0, recordLength));
        builder.followUp(appId);
        final DeliverBatchEncoder batch = deliverBatch
            .wrapAndApplyHeader(builder.buffer(), builder.payloadOffset(), engineHeader)
            .sequenceNumber(deliveryNo);
        batch.requestsCount(1).next().clientId(clientId).requestNo(requestNo).putPayload(payload, 0, payloadLength);
        builder.payload(batch).end();
        builder.commit();
    }

    /**
     * Hand a delivery recovered from the WAL to the (fresh) app again.
     */
    void redeliver(
        final Emitter emitter,
        final long deliveryNo,
        final long clientId,
        final long requestNo,
        final DirectBuffer payload,
        final int payloadOffset,
        final int payloadLength)
    {
        final EventBuilder builder = emitter.event(appId);
        final DeliverBatchEncoder batch = deliverBatch
            .wrapAndApplyHeader(builder.buffer(), builder.payloadOffset(), engineHeader)
            .sequenceNumber(deliveryNo);
        batch.requestsCount(1).next().clientId(clientId).requestNo(requestNo)
            .putPayload(payload, payloadOffset, payloadLength);
        builder.payload(batch).commit();
    }

    private void encodeSendToOthers(final EventBuilder builder, final int messageLength)
    {
        final SendMessageEncoder send = sendMessage
            .wrapAndApplyHeader(builder.buffer(), builder.payloadOffset(), engineHeader)
            .destinationModule(selfId);
        final SendMessageEncoder.DestinationsEncoder destinations = send.destinationsCount(nodeCount - 1);
        for (int node = 0; node < nodeCount; node++)
        {
            if (node != nodeId)
            {
                destinations.next().nodeId(node);
            }
        }
        send.putMessage(message, 0, messageLength);
        builder.payload(send);
    }
}
