package io.jmir.engine.demo;

import io.jmir.codecs.engine.DeliverBatchEncoder;
import io.jmir.codecs.engine.MessageHeaderEncoder;
import io.jmir.engine.modules.RecordedEvent;
import io.jmir.engine.modules.RecordingEmitter;
import io.jmir.engine.modules.hasher.HasherModule;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

@Timeout(30)
class EchoAppTest
{
    private final EchoApp app = new EchoApp();
    private final RecordingEmitter emitter = new RecordingEmitter(EchoHarness.APP);

    static RecordedEvent batch(final long sequenceNumber, final long clientId, final long requestNo, final String text)
    {
        final byte[] payload = text.getBytes(StandardCharsets.UTF_8);
        return RecordingEmitter.envelope(EchoHarness.APP, EchoHarness.WAL, (b) ->
        {
            final DeliverBatchEncoder encoder = new DeliverBatchEncoder()
                .wrapAndApplyHeader(b.buffer(), b.payloadOffset(), new MessageHeaderEncoder())
                .sequenceNumber(sequenceNumber);
            encoder.requestsCount(1).next().clientId(clientId).requestNo(requestNo)
                .putPayload(payload, 0, payload.length);
            b.payload(encoder);
        });
    }

    @Test
    void shouldRecordDeliveriesAndChainTheStateDigestAsDocumented()
    {
        app.onEvent(batch(0, 5, 1, "a").event(), emitter);
        app.onEvent(batch(1, 4, 9, "bc").event(), emitter);

        final MessageDigest sha256 = HasherModule.newSha256();
        byte[] state = new byte[32];
        state = step(sha256, state, 0, 5, 1, "a");
        state = step(sha256, state, 1, 4, 9, "bc");
        assertThat(app.stateDigest()).isEqualTo(state);
        assertThat(app.deliveries()).extracting(EchoApp.Delivery::sequenceNumber).containsExactly(0L, 1L);
        assertThat(app.requests()).containsExactly(
            new EchoApp.Request(4, 9, "6263"), new EchoApp.Request(5, 1, "61"));
        assertThat(emitter.events()).isEmpty();
    }

    @Test
    void shouldGiveTheSameRequestSetDigestForAnyDeliveryOrder()
    {
        final EchoApp other = new EchoApp();
        app.onEvent(batch(0, 1, 1, "x").event(), emitter);
        app.onEvent(batch(1, 2, 1, "y").event(), emitter);
        other.onEvent(batch(0, 2, 1, "y").event(), emitter);
        other.onEvent(batch(1, 1, 1, "x").event(), emitter);

        assertThat(other.requestSetDigest()).isEqualTo(app.requestSetDigest());
        assertThat(other.stateDigest()).isNotEqualTo(app.stateDigest());
    }

    @Test
    void shouldDropAMalformedBatch()
    {
        final RecordedEvent batch = batch(0, 1, 1, "x");
        final int countOffset = batch.event().bodyOffset() + DeliverBatchEncoder.BLOCK_LENGTH + 2;
        new UnsafeBuffer(batch.bytes()).putShort(countOffset, (short)40, ByteOrder.LITTLE_ENDIAN);

        app.onEvent(batch.event(), emitter);

        assertThat(app.malformed()).isEqualTo(1);
        assertThat(app.deliveryCount()).isZero();
    }

    @Test
    void shouldWakeAWaiterOnceEnoughDeliveriesArrived() throws Exception
    {
        assertThat(app.awaitDeliveries(1, 10, TimeUnit.MILLISECONDS)).isFalse();
        final CountDownLatch waiting = new CountDownLatch(1);
        final boolean[] result = new boolean[1];
        final Thread waiter = new Thread(() ->
        {
            waiting.countDown();
            try
            {
                result[0] = app.awaitDeliveries(2, 20, TimeUnit.SECONDS);
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
            }
        });
        waiter.start();
        assertThat(waiting.await(10, TimeUnit.SECONDS)).isTrue();

        app.onEvent(batch(0, 1, 1, "x").event(), emitter);
        app.onEvent(batch(1, 1, 2, "y").event(), emitter);
        waiter.join(20_000);

        assertThat(waiter.isAlive()).isFalse();
        assertThat(result[0]).isTrue();
        assertThat(app.deliveryCount()).isEqualTo(2);
    }

    private static byte[] step(
        final MessageDigest sha256, final byte[] state, final long seq, final long clientId, final long requestNo,
        final String text)
    {
        final byte[] payload = text.getBytes(StandardCharsets.UTF_8);
        sha256.update(state);
        sha256.update(ByteBuffer.allocate(28).order(ByteOrder.LITTLE_ENDIAN)
            .putLong(seq).putLong(clientId).putLong(requestNo).putInt(payload.length).array());
        sha256.update(payload);
        return sha256.digest();
    }
}
