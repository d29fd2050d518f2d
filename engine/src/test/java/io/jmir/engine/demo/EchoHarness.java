package io.jmir.engine.demo;

import io.jmir.codecs.echo.EchoEchoEncoder;
import io.jmir.codecs.echo.EchoSendEncoder;
import io.jmir.codecs.echo.MessageHeaderEncoder;
import io.jmir.codecs.engine.DeliverBatchDecoder;
import io.jmir.codecs.engine.MessageReceivedEncoder;
import io.jmir.codecs.engine.SendMessageDecoder;
import io.jmir.engine.EventBuilder;
import io.jmir.engine.Module;
import io.jmir.engine.internal.DefaultModuleContext;
import io.jmir.engine.modules.RecordedEvent;
import io.jmir.engine.modules.RecordingEmitter;
import io.jmir.engine.modules.hasher.HasherModule;
import io.jmir.engine.modules.wal.InMemoryWalStore;
import org.agrona.ExpandableArrayBuffer;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;

/**
 * Drives one echo node's protocol module by hand: builds its inputs, runs its hash requests through a real
 * hasher, decodes its outputs.
 */
final class EchoHarness
{
    static final int NET = 0;
    static final int HASHER = 1;
    static final int PROTOCOL = 2;
    static final int WAL = 3;
    static final int APP = 4;

    final EchoNodes.EchoNode node;
    final EchoBroadcast protocol;
    final RecordingEmitter out = new RecordingEmitter(PROTOCOL);
    final HasherModule hasher = new HasherModule();
    final RecordingEmitter hasherOut = new RecordingEmitter(HASHER);

    /** A decoded SendMessage. */
    record Sent(int destinationModule, List<Integer> destinations, byte[] message)
    {
    }

    /** A decoded single-request DeliverBatch. */
    record Batch(long sequenceNumber, long clientId, long requestNo, String payload)
    {
    }

    EchoHarness(final int nodeId, final int nodeCount, final InMemoryWalStore store, final int window)
    {
        final Module idleNet = (event, emitter) ->
        {
        };
        node = EchoNodes.definition(nodeId, nodeCount, idleNet, store, window);
        protocol = node.protocol();
        for (int id = 0; id < node.definition().moduleCount(); id++)
        {
            node.definition().module(id).onAttach(new DefaultModuleContext(node.definition(), id));
        }
    }

    List<RecordedEvent> feed(final RecordedEvent event)
    {
        protocol.onEvent(event.event(), out);
        return out.take();
    }

    List<RecordedEvent> clientRequest(final long clientId, final long requestNo, final byte[] payload)
    {
        return feed(RecordingEmitter.envelope(PROTOCOL, EventBuilder.EXTERNAL_SOURCE, (b) ->
            b.payload(EchoNodes.encodeClientRequest(b.buffer(), b.payloadOffset(), clientId, requestNo, payload))));
    }

    List<RecordedEvent> receive(final int fromNode, final byte[] message)
    {
        return feed(messageReceived(fromNode, message));
    }

    static RecordedEvent messageReceived(final int fromNode, final byte[] message)
    {
        return RecordingEmitter.envelope(PROTOCOL, EventBuilder.EXTERNAL_SOURCE, (b) -> b.payload(
            new MessageReceivedEncoder()
                .wrapAndApplyHeader(b.buffer(), b.payloadOffset(), new io.jmir.codecs.engine.MessageHeaderEncoder())
                .fromNode(fromNode)
                .putMessage(message, 0, message.length)));
    }

    /**
     * Answer a HashRequest of the protocol with the real hasher and feed the result back.
     */
    List<RecordedEvent> answerHash(final RecordedEvent hashRequest)
    {
        hasher.onEvent(hashRequest.event(), hasherOut);
        return feed(hasherOut.takeOne());
    }

    static byte[] send(
        final int origin, final long seq, final long clientId, final long requestNo, final byte[] payload)
    {
        final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer(64);
        final EchoSendEncoder encoder = new EchoSendEncoder()
            .wrapAndApplyHeader(buffer, 0, new MessageHeaderEncoder())
            .origin(origin).seq(seq).clientId(clientId).requestNo(requestNo).putPayload(payload, 0, payload.length);
        return copy(buffer, MessageHeaderEncoder.ENCODED_LENGTH + encoder.encodedLength());
    }

    static byte[] echo(final int origin, final long seq, final byte[] digest)
    {
        final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer(64);
        final EchoEchoEncoder encoder = new EchoEchoEncoder()
            .wrapAndApplyHeader(buffer, 0, new MessageHeaderEncoder())
            .origin(origin).seq(seq).putDigest(digest, 0, 32);
        return copy(buffer, MessageHeaderEncoder.ENCODED_LENGTH + encoder.encodedLength());
    }

    static byte[] digest(final long clientId, final long requestNo, final byte[] payload)
    {
        final MessageDigest sha256 = HasherModule.newSha256();
        sha256.update(ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(clientId).putLong(requestNo)
            .array());
        sha256.update(payload);
        return sha256.digest();
    }

    static Sent sent(final RecordedEvent event)
    {
        final SendMessageDecoder decoder = event.decode(new SendMessageDecoder());
        final int destinationModule = decoder.destinationModule();
        final List<Integer> destinations = new ArrayList<>();
        for (final SendMessageDecoder.DestinationsDecoder destination : decoder.destinations())
        {
            destinations.add(destination.nodeId());
        }
        final byte[] message = new byte[decoder.messageLength()];
        decoder.getMessage(message, 0, message.length);
        return new Sent(destinationModule, destinations, message);
    }

    static Batch batch(final RecordedEvent event)
    {
        final DeliverBatchDecoder decoder = event.decode(new DeliverBatchDecoder());
        final long sequenceNumber = decoder.sequenceNumber();
        final DeliverBatchDecoder.RequestsDecoder requests = decoder.requests();
        if (requests.count() != 1)
        {
            throw new AssertionError("expected one request per batch, got " + requests.count());
        }
        requests.next();
        final long clientId = requests.clientId();
        final long requestNo = requests.requestNo();
        final byte[] payload = new byte[requests.payloadLength()];
        requests.getPayload(payload, 0, payload.length);
        return new Batch(sequenceNumber, clientId, requestNo, new String(payload, StandardCharsets.UTF_8));
    }

    private static byte[] copy(final ExpandableArrayBuffer buffer, final int length)
    {
        final byte[] bytes = new byte[length];
        buffer.getBytes(0, bytes);
        return bytes;
    }
}
