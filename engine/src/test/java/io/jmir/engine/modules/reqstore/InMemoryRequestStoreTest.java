package io.jmir.engine.modules.reqstore;

import io.jmir.codecs.EngineEvents;
import io.jmir.codecs.engine.BooleanType;
import io.jmir.codecs.engine.MessageHeaderEncoder;
import io.jmir.codecs.engine.RequestStoreGcEncoder;
import io.jmir.codecs.engine.RequestStoreGetEncoder;
import io.jmir.codecs.engine.RequestStorePutEncoder;
import io.jmir.codecs.engine.RequestStoreResultDecoder;
import io.jmir.engine.ConfigurationException;
import io.jmir.engine.modules.RecordedEvent;
import io.jmir.engine.modules.RecordingEmitter;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;

import static io.jmir.codecs.EnvelopeLayout.BYTE_ORDER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@Timeout(30)
class InMemoryRequestStoreTest
{
    private static final int STORE = 0;
    private static final int PROTOCOL = 1;

    private final RecordingEmitter emitter = new RecordingEmitter(STORE);
    private InMemoryRequestStore store = new InMemoryRequestStore();

    /** A decoded RequestStoreResult. */
    record Result(int destination, long correlationId, long clientId, long requestNo, boolean found, String payload)
    {
    }

    static RecordedEvent put(final long clientId, final long requestNo, final long retentionIndex, final byte[] payload)
    {
        return RecordingEmitter.envelope(STORE, PROTOCOL, (b) -> b.payload(new RequestStorePutEncoder()
            .wrapAndApplyHeader(b.buffer(), b.payloadOffset(), new MessageHeaderEncoder())
            .clientId(clientId).requestNo(requestNo).retentionIndex(retentionIndex)
            .putPayload(payload, 0, payload.length)));
    }

    static RecordedEvent put(final long clientId, final long requestNo, final long retentionIndex, final String text)
    {
        return put(clientId, requestNo, retentionIndex, text.getBytes(StandardCharsets.UTF_8));
    }

    static RecordedEvent get(final long correlationId, final long clientId, final long requestNo)
    {
        return RecordingEmitter.envelope(STORE, PROTOCOL, (b) -> b.payload(new RequestStoreGetEncoder()
            .wrapAndApplyHeader(b.buffer(), b.payloadOffset(), new MessageHeaderEncoder())
            .correlationId(correlationId).clientId(clientId).requestNo(requestNo)));
    }

    static RecordedEvent gc(final long retentionIndex)
    {
        return RecordingEmitter.envelope(STORE, PROTOCOL, (b) -> b.payload(new RequestStoreGcEncoder()
            .wrapAndApplyHeader(b.buffer(), b.payloadOffset(), new MessageHeaderEncoder())
            .retentionIndex(retentionIndex)));
    }

    private void send(final RecordedEvent event)
    {
        store.onEvent(event.event(), emitter);
    }

    private Result lookup(final long correlationId, final long clientId, final long requestNo)
    {
        send(get(correlationId, clientId, requestNo));
        final RecordedEvent event = emitter.takeOne();
        assertThat(event.templateId()).isEqualTo(EngineEvents.REQUEST_STORE_RESULT);
        final RequestStoreResultDecoder decoder = event.decode(new RequestStoreResultDecoder());
        final long correlation = decoder.correlationId();
        final long client = decoder.clientId();
        final long request = decoder.requestNo();
        final boolean found = decoder.found() == BooleanType.TRUE;
        final byte[] payload = new byte[decoder.payloadLength()];
        decoder.getPayload(payload, 0, payload.length);
        return new Result(event.destination(), correlation, client, request, found,
            new String(payload, StandardCharsets.UTF_8));
    }

    @Test
    void shouldReturnStoredPayloadsToTheRequester()
    {
        send(put(1, 10, 0, "first"));
        send(put(2, 10, 0, "second"));

        assertThat(lookup(100, 1, 10)).isEqualTo(new Result(PROTOCOL, 100, 1, 10, true, "first"));
        assertThat(lookup(101, 2, 10)).isEqualTo(new Result(PROTOCOL, 101, 2, 10, true, "second"));
        assertThat(lookup(102, 1, 11)).isEqualTo(new Result(PROTOCOL, 102, 1, 11, false, ""));
        assertThat(store.hits()).isEqualTo(2);
        assertThat(store.misses()).isEqualTo(1);
    }

    @Test
    void shouldReplaceAnEntryPutAgain()
    {
        send(put(1, 1, 0, "a rather long payload"));
        send(put(1, 1, 5, "short"));

        assertThat(lookup(1, 1, 1).payload()).isEqualTo("short");
        assertThat(store.size()).isEqualTo(1);
        assertThat(store.storedBytes()).isEqualTo(5);
        send(gc(5));
        assertThat(store.size()).isEqualTo(1);
    }

    @Test
    void shouldDropEntriesBelowTheRetentionIndex()
    {
        for (int i = 0; i < 10; i++)
        {
            send(put(i % 3, i, i, "payload-" + i));
        }

        send(gc(6));

        assertThat(store.size()).isEqualTo(4);
        assertThat(store.collected()).isEqualTo(6);
        assertThat(lookup(1, 5 % 3, 5).found()).isFalse();
        assertThat(lookup(2, 6 % 3, 6).found()).isTrue();
        assertThat(store.storedBytes()).isEqualTo(4 * "payload-6".length());
    }

    @Test
    void shouldStayWithinBoundedMemoryWhenGarbageCollectedEachRound()
    {
        store = new InMemoryRequestStore(2_000, 2_000 * 64);
        final byte[] payload = new byte[64];
        int maxSize = 0;
        for (int round = 0; round < 200; round++)
        {
            for (int i = 0; i < 1_000; i++)
            {
                send(put(i % 50, round * 1_000L + i, round, payload));
            }
            maxSize = Math.max(maxSize, store.size());
            send(gc(round));
        }

        assertThat(store.rejectedPuts()).isZero();
        assertThat(maxSize).isLessThanOrEqualTo(2_000);
        assertThat(store.size()).isEqualTo(1_000);
        assertThat(store.storedBytes()).isEqualTo(1_000 * 64);
        assertThat(store.collected()).isEqualTo(199_000);
        send(gc(Long.MAX_VALUE));
        assertThat(store.size()).isZero();
        assertThat(store.storedBytes()).isZero();
    }

    @Test
    void shouldRefusePutsBeyondItsBounds()
    {
        store = new InMemoryRequestStore(2, 10);
        send(put(1, 1, 0, "12345"));
        send(put(1, 2, 0, "123"));
        send(put(1, 3, 0, "1"));
        send(put(1, 2, 0, "12345678"));
        send(put(1, 2, 0, "12345"));

        assertThat(store.rejectedPuts()).isEqualTo(2);
        assertThat(store.size()).isEqualTo(2);
        assertThat(store.storedBytes()).isEqualTo(10);
        assertThat(lookup(1, 1, 3).found()).isFalse();
        assertThat(lookup(1, 1, 2).payload()).isEqualTo("12345");
    }

    @Test
    void shouldDropAPutWhosePayloadRunsPastTheEvent()
    {
        final RecordedEvent put = put(1, 1, 0, "abc");
        final int lengthOffset = put.event().bodyOffset() + RequestStorePutEncoder.BLOCK_LENGTH;
        assertThat(put.event().buffer().getInt(lengthOffset, BYTE_ORDER)).isEqualTo(3);
        new UnsafeBuffer(put.bytes()).putInt(lengthOffset, 1 << 20, BYTE_ORDER);

        send(put);

        assertThat(store.malformedEvents()).isEqualTo(1);
        assertThat(store.size()).isZero();
        assertThat(emitter.events()).isEmpty();
    }

    @Test
    void shouldRejectInvalidBoundsNamingTheKey()
    {
        assertThatThrownBy(() -> new InMemoryRequestStore(0, 10))
            .isInstanceOfSatisfying(ConfigurationException.class,
                (ex) -> assertThat(ex.key()).isEqualTo("reqstore.maxEntries"));
        assertThatThrownBy(() -> new InMemoryRequestStore(10, 0))
            .isInstanceOfSatisfying(ConfigurationException.class,
                (ex) -> assertThat(ex.key()).isEqualTo("reqstore.maxBytes"));
    }
}
