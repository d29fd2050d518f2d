package io.jmir.engine.demo;

import io.jmir.codecs.EngineEvents;
import io.jmir.codecs.echo.EchoDeliveredDecoder;
import io.jmir.codecs.echo.EchoSendDecoder;
import io.jmir.codecs.echo.EchoStartedDecoder;
import io.jmir.codecs.engine.HashRequestDecoder;
import io.jmir.codecs.engine.WalAppendDecoder;
import io.jmir.engine.ConfigurationException;
import io.jmir.engine.modules.RecordedEvent;
import io.jmir.engine.modules.RecordingEmitter;
import io.jmir.engine.modules.wal.InMemoryWalStore;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.sbe.MessageDecoderFlyweight;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static io.jmir.engine.demo.EchoHarness.APP;
import static io.jmir.engine.demo.EchoHarness.HASHER;
import static io.jmir.engine.demo.EchoHarness.NET;
import static io.jmir.engine.demo.EchoHarness.PROTOCOL;
import static io.jmir.engine.demo.EchoHarness.WAL;
import static io.jmir.engine.demo.EchoHarness.batch;
import static io.jmir.engine.demo.EchoHarness.digest;
import static io.jmir.engine.demo.EchoHarness.echo;
import static io.jmir.engine.demo.EchoHarness.send;
import static io.jmir.engine.demo.EchoHarness.sent;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@Timeout(30)
class EchoBroadcastTest
{
    private static final byte[] VALUE = "put x=1".getBytes(StandardCharsets.UTF_8);

    private final InMemoryWalStore store = new InMemoryWalStore();
    private EchoHarness node = new EchoHarness(0, 4, store, 16);

    @Test
    void shouldSendItsBroadcastOnlyAfterTheWalAppend()
    {
        final List<RecordedEvent> emitted = node.clientRequest(7, 1, VALUE);

        assertThat(emitted).hasSize(1);
        final RecordedEvent append = emitted.get(0);
        assertThat(append.destination()).isEqualTo(WAL);
        assertThat(append.templateId()).isEqualTo(EngineEvents.WAL_APPEND);
        final EchoStartedDecoder started = entry(append, new EchoStartedDecoder());
        assertThat(started.seq()).isZero();
        assertThat(started.clientId()).isEqualTo(7);
        final List<RecordedEvent> followUps = append.followUps();
        assertThat(followUps).extracting(RecordedEvent::destination).containsExactly(NET, PROTOCOL);
        final EchoHarness.Sent sent = sent(followUps.get(0));
        assertThat(sent.destinationModule()).isEqualTo(PROTOCOL);
        assertThat(sent.destinations()).containsExactly(1, 2, 3);
        assertThat(sent.message()).isEqualTo(send(0, 0, 7, 1, VALUE));
        assertThat(followUps.get(1).schemaId()).isEqualTo(EchoNodes.SCHEMA_ID);
        assertThat(followUps.get(1).templateId()).isEqualTo(EchoSendDecoder.TEMPLATE_ID);
        assertThat(node.clientRequest(7, 2, VALUE).get(0).followUps().get(1).decode(new EchoSendDecoder()).seq())
            .isEqualTo(1);
    }

    @Test
    void shouldHashItsOwnValueThroughTheHasherAndEchoIt()
    {
        final RecordedEvent ownSend = node.clientRequest(7, 1, VALUE).get(0).followUps().get(1);

        final List<RecordedEvent> hashRequests = node.feed(ownSend);

        assertThat(hashRequests).hasSize(1);
        assertThat(hashRequests.get(0).destination()).isEqualTo(HASHER);
        assertThat(hashRequests.get(0).decode(new HashRequestDecoder()).items().count()).isEqualTo(1);
        final List<RecordedEvent> echoes = node.answerHash(hashRequests.get(0));
        assertThat(echoes).hasSize(1);
        final EchoHarness.Sent sent = sent(echoes.get(0));
        assertThat(sent.destinations()).containsExactly(1, 2, 3);
        assertThat(sent.message()).isEqualTo(echo(0, 0, digest(7, 1, VALUE)));
    }

    @Test
    void shouldDeliverExactlyOnceAfterTwoFPlusOneMatchingEchoes()
    {
        final List<RecordedEvent> hash = node.receive(1, send(1, 0, 9, 4, VALUE));
        assertThat(node.answerHash(hash.get(0))).hasSize(1);
        final byte[] digest = digest(9, 4, VALUE);
        final byte[] wrong = digest.clone();
        wrong[5] ^= 1;

        assertThat(node.receive(2, echo(1, 0, digest))).isEmpty();
        assertThat(node.receive(2, echo(1, 0, digest))).isEmpty();
        assertThat(node.receive(3, echo(1, 0, wrong))).isEmpty();
        final List<RecordedEvent> delivery = node.receive(1, echo(1, 0, digest));
        assertThat(node.receive(3, echo(1, 0, digest))).isEmpty();
        assertThat(node.receive(1, send(1, 0, 9, 4, VALUE))).isEmpty();

        assertThat(delivery).hasSize(1);
        assertThat(delivery.get(0).destination()).isEqualTo(WAL);
        final EchoDeliveredDecoder delivered = entry(delivery.get(0), new EchoDeliveredDecoder());
        assertThat(delivered.origin()).isEqualTo(1);
        assertThat(delivered.deliveryNo()).isZero();
        final List<RecordedEvent> followUps = delivery.get(0).followUps();
        assertThat(followUps).extracting(RecordedEvent::destination).containsExactly(APP);
        assertThat(batch(followUps.get(0))).isEqualTo(new EchoHarness.Batch(0, 9, 4, "put x=1"));
        assertThat(node.protocol.duplicates()).isEqualTo(1);
        assertThat(node.protocol.late()).isEqualTo(2);
        assertThat(node.protocol.deliveries()).isEqualTo(1);
    }

    @Test
    void shouldCountEchoesThatArriveBeforeTheValue()
    {
        final byte[] digest = digest(3, 3, VALUE);
        for (int from = 1; from < 4; from++)
        {
            assertThat(node.receive(from, echo(2, 5, digest))).isEmpty();
        }

        final List<RecordedEvent> hash = node.receive(2, send(2, 5, 3, 3, VALUE));
        final List<RecordedEvent> afterHash = node.answerHash(hash.get(0));

        assertThat(afterHash).extracting(RecordedEvent::destination).containsExactly(NET, WAL);
        assertThat(batch(afterHash.get(1).followUps().get(0)).requestNo()).isEqualTo(3);
    }

    @Test
    void shouldDropMessagesFromUnknownNodesAndMalformedOnes()
    {
        final byte[] validSend = send(1, 0, 1, 1, VALUE);
        final byte[] truncated = validSend.clone();
        new UnsafeBuffer(truncated).putInt(8 + EchoSendDecoder.BLOCK_LENGTH, 1 << 30, ByteOrder.LITTLE_ENDIAN);
        final byte[] wrongSchema = validSend.clone();
        wrongSchema[4] = 1;

        assertThat(node.receive(7, validSend)).isEmpty();
        assertThat(node.receive(-1, validSend)).isEmpty();
        assertThat(node.receive(1, new byte[] {1, 2, 3})).isEmpty();
        assertThat(node.receive(1, truncated)).isEmpty();
        assertThat(node.receive(1, wrongSchema)).isEmpty();
        assertThat(node.receive(2, validSend)).isEmpty();
        assertThat(node.receive(1, echo(1, -1, new byte[32]))).isEmpty();
        assertThat(node.receive(1, echo(9, 0, new byte[32]))).isEmpty();
        assertThat(node.receive(1, send(1, EchoBroadcast.SEQ_LIMIT, 1, 1, VALUE))).isEmpty();
        assertThat(node.feed(RecordingEmitter.envelope(PROTOCOL, NET, (b) ->
        {
            final int length = validSend.length;
            b.buffer().putBytes(b.payloadOffset(), validSend);
            b.payload(length);
        }))).isEmpty();

        assertThat(node.protocol.unknownSenders()).isEqualTo(2);
        assertThat(node.protocol.malformed()).isEqualTo(7);
        assertThat(node.protocol.ignoredEvents()).isEqualTo(1);
        assertThat(node.receive(1, validSend)).hasSize(1);
    }

    @Test
    void shouldKeepABoundedWindowPerOrigin()
    {
        node = new EchoHarness(0, 4, store, 4);
        for (int seq = 0; seq < 3; seq++)
        {
            assertThat(node.receive(1, send(1, seq, 1, seq, VALUE))).hasSize(1);
        }
        assertThat(node.receive(2, echo(1, 4, new byte[32]))).isEmpty();
        assertThat(node.protocol.outOfWindow()).isEqualTo(1);

        assertThat(node.receive(1, send(1, 9, 1, 9, VALUE))).hasSize(1);

        assertThat(node.protocol.abandoned()).isEqualTo(3);
        assertThat(node.receive(1, send(1, 2, 1, 2, VALUE))).isEmpty();
        assertThat(node.receive(2, echo(1, 5, new byte[32]))).isEmpty();
        assertThat(node.protocol.late()).isEqualTo(2);
        assertThat(node.receive(2, echo(1, 6, new byte[32]))).isEmpty();
        assertThat(node.protocol.late()).isEqualTo(2);
    }

    @Test
    void shouldRecoverDeliveriesAndItsSequenceFromTheWal()
    {
        final List<RecordedEvent> walEvents = new ArrayList<>();
        walEvents.addAll(node.clientRequest(5, 1, VALUE));
        walEvents.addAll(node.clientRequest(5, 2, VALUE));
        final List<RecordedEvent> hash = node.receive(3, send(3, 0, 8, 8, VALUE));
        node.answerHash(hash.get(0));
        node.receive(1, echo(3, 0, digest(8, 8, VALUE)));
        walEvents.addAll(node.receive(2, echo(3, 0, digest(8, 8, VALUE))));
        assertThat(walEvents).extracting(RecordedEvent::destination).containsOnly(WAL).hasSize(3);
        final RecordingEmitter walOut = new RecordingEmitter(WAL);
        for (final RecordedEvent event : walEvents)
        {
            node.node.wal().onEvent(event.event(), walOut);
        }
        node.node.wal().onEndOfBatch(walOut);

        final EchoHarness restarted = new EchoHarness(0, 4, store, 16);
        restarted.node.wal().recover(walOut);
        final List<RecordedEvent> redelivered = new ArrayList<>();
        for (final RecordedEvent loaded : walOut.take())
        {
            redelivered.addAll(restarted.feed(loaded));
        }

        assertThat(redelivered).hasSize(1);
        assertThat(redelivered.get(0).destination()).isEqualTo(APP);
        assertThat(batch(redelivered.get(0))).isEqualTo(new EchoHarness.Batch(0, 8, 8, "put x=1"));
        assertThat(restarted.protocol.nextSeq()).isEqualTo(2);
        assertThat(restarted.protocol.deliveries()).isEqualTo(1);
        assertThat(restarted.protocol.recoveredDeliveries()).isEqualTo(1);
        assertThat(restarted.receive(3, send(3, 0, 8, 8, VALUE))).isEmpty();
        assertThat(restarted.protocol.late()).isEqualTo(1);
        assertThat(entry(restarted.clientRequest(5, 3, VALUE).get(0), new EchoStartedDecoder()).seq()).isEqualTo(2);
    }

    @Test
    void shouldEmitTheSameBytesForTheSameInputs()
    {
        final List<byte[]> first = script(new EchoHarness(0, 4, new InMemoryWalStore(), 16));
        final List<byte[]> second = script(new EchoHarness(0, 4, new InMemoryWalStore(), 16));

        assertThat(first).hasSize(second.size());
        for (int i = 0; i < first.size(); i++)
        {
            assertThat(first.get(i)).isEqualTo(second.get(i));
        }
    }

    @Test
    void shouldRejectAnInvalidWindowNamingTheKey()
    {
        assertThatThrownBy(() -> new EchoBroadcast(3))
            .isInstanceOfSatisfying(ConfigurationException.class, (ex) -> assertThat(ex.key()).isEqualTo(
                "echo.window"));
    }

    private static List<byte[]> script(final EchoHarness harness)
    {
        final List<byte[]> emitted = new ArrayList<>();
        final List<RecordedEvent> own = harness.clientRequest(1, 1, VALUE);
        own.forEach((event) -> emitted.add(event.bytes()));
        final List<RecordedEvent> hash = harness.feed(own.get(0).followUps().get(1));
        for (final RecordedEvent event : harness.answerHash(hash.get(0)))
        {
            emitted.add(event.bytes());
        }
        for (int from = 1; from < 4; from++)
        {
            harness.receive(from, echo(0, 0, digest(1, 1, VALUE))).forEach((event) -> emitted.add(event.bytes()));
        }
        return emitted;
    }

    private static <T extends MessageDecoderFlyweight> T entry(final RecordedEvent append, final T decoder)
    {
        final WalAppendDecoder walAppend = append.decode(new WalAppendDecoder());
        final byte[] entry = new byte[walAppend.entryLength()];
        walAppend.getEntry(entry, 0, entry.length);
        final UnsafeBuffer buffer = new UnsafeBuffer(entry);
        decoder.wrap(buffer, 8, buffer.getShort(0, ByteOrder.LITTLE_ENDIAN), 1);
        assertThat((int)buffer.getShort(2, ByteOrder.LITTLE_ENDIAN)).isEqualTo(decoder.sbeTemplateId());
        return decoder;
    }
}
