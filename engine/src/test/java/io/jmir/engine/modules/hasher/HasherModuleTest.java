package io.jmir.engine.modules.hasher;

import io.jmir.codecs.EngineEvents;
import io.jmir.codecs.engine.HashRequestEncoder;
import io.jmir.codecs.engine.HashResultDecoder;
import io.jmir.codecs.engine.MessageHeaderEncoder;
import io.jmir.codecs.engine.TickEncoder;
import io.jmir.engine.EventBuilder;
import io.jmir.engine.modules.AllocationMeter;
import io.jmir.engine.modules.RecordedEvent;
import io.jmir.engine.modules.RecordingEmitter;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;

import static io.jmir.codecs.EnvelopeLayout.BYTE_ORDER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

@Timeout(30)
class HasherModuleTest
{
    static final int HASHER = 1;
    static final int PROTOCOL = 3;

    private final HasherModule hasher = new HasherModule();
    private final RecordingEmitter emitter = new RecordingEmitter(HASHER);

    static RecordedEvent hashRequest(final int source, final long correlationId, final List<byte[]> items)
    {
        return RecordingEmitter.envelope(HASHER, source, (b) ->
        {
            final HashRequestEncoder encoder = new HashRequestEncoder()
                .wrapAndApplyHeader(b.buffer(), b.payloadOffset(), new MessageHeaderEncoder())
                .correlationId(correlationId);
            final HashRequestEncoder.ItemsEncoder itemsEncoder = encoder.itemsCount(items.size());
            for (final byte[] item : items)
            {
                itemsEncoder.next().putData(item, 0, item.length);
            }
            b.payload(encoder);
        });
    }

    static List<byte[]> digests(final RecordedEvent result)
    {
        final HashResultDecoder decoder = result.decode(new HashResultDecoder());
        final List<byte[]> digests = new ArrayList<>();
        for (final HashResultDecoder.DigestsDecoder d : decoder.digests())
        {
            final byte[] digest = new byte[32];
            d.getDigest(digest, 0, 32);
            digests.add(digest);
        }
        return digests;
    }

    static byte[] sha256(final byte[] data) throws Exception
    {
        return MessageDigest.getInstance("SHA-256").digest(data);
    }

    @Test
    void shouldReplyToTheRequesterWithOneDigestPerItemInOrder() throws Exception
    {
        final List<byte[]> items = List.of(
            "alpha".getBytes(StandardCharsets.UTF_8), new byte[0], new byte[5000],
            "omega".getBytes(StandardCharsets.UTF_8));

        hasher.onEvent(hashRequest(PROTOCOL, 42L, items).event(), emitter);

        final RecordedEvent result = emitter.takeOne();
        assertThat(result.destination()).isEqualTo(PROTOCOL);
        assertThat(result.source()).isEqualTo(HASHER);
        assertThat(result.templateId()).isEqualTo(EngineEvents.HASH_RESULT);
        assertThat(result.decode(new HashResultDecoder()).correlationId()).isEqualTo(42L);
        final List<byte[]> digests = digests(result);
        assertThat(digests).hasSize(4);
        for (int i = 0; i < items.size(); i++)
        {
            assertThat(digests.get(i)).isEqualTo(sha256(items.get(i)));
        }
        assertThat(hasher.requests()).isEqualTo(1);
        assertThat(hasher.items()).isEqualTo(4);
    }

    @Test
    void shouldAnswerARequestWithoutItems()
    {
        hasher.onEvent(hashRequest(PROTOCOL, 7L, List.of()).event(), emitter);

        final RecordedEvent result = emitter.takeOne();
        assertThat(result.decode(new HashResultDecoder()).correlationId()).isEqualTo(7L);
        assertThat(digests(result)).isEmpty();
    }

    @Test
    void shouldDropARequestWhoseItemLengthRunsPastThePayload()
    {
        final RecordedEvent request = hashRequest(PROTOCOL, 1L, List.of(new byte[] {1, 2, 3}));
        final int itemLengthOffset = request.event().bodyOffset() + HashRequestEncoder.BLOCK_LENGTH + 4;
        assertThat(request.event().buffer().getInt(itemLengthOffset, BYTE_ORDER)).isEqualTo(3);
        new UnsafeBuffer(request.bytes()).putInt(itemLengthOffset, 0x7FFF_FFF0, BYTE_ORDER);

        hasher.onEvent(request.event(), emitter);

        assertThat(emitter.events()).isEmpty();
        assertThat(hasher.malformedRequests()).isEqualTo(1);
    }

    @Test
    void shouldDropARequestWhoseGroupCountExceedsItsItems()
    {
        final RecordedEvent request = hashRequest(PROTOCOL, 1L, List.of(new byte[] {1}));
        final int countOffset = request.event().bodyOffset() + HashRequestEncoder.BLOCK_LENGTH + 2;
        new UnsafeBuffer(request.bytes()).putShort(countOffset, (short)500, BYTE_ORDER);

        hasher.onEvent(request.event(), emitter);

        assertThat(emitter.events()).isEmpty();
        assertThat(hasher.malformedRequests()).isEqualTo(1);
    }

    @Test
    void shouldIgnoreOtherEventsAndRequestsFromOutsideTheNode()
    {
        final RecordedEvent tick = RecordingEmitter.envelope(HASHER, PROTOCOL, (b) -> b.payload(new TickEncoder()
            .wrapAndApplyHeader(b.buffer(), b.payloadOffset(), new MessageHeaderEncoder()).nowNs(1).tickCount(1)));

        hasher.onEvent(tick.event(), emitter);
        hasher.onEvent(hashRequest(EventBuilder.EXTERNAL_SOURCE, 1L, List.of(new byte[1])).event(), emitter);

        assertThat(emitter.events()).isEmpty();
        assertThat(hasher.ignoredEvents()).isEqualTo(2);
    }

    @Test
    void shouldNotAllocatePerRequest()
    {
        assumeThat(AllocationMeter.supported()).isTrue();
        final List<byte[]> items = new ArrayList<>();
        for (int i = 0; i < 4; i++)
        {
            items.add(new byte[16 + i * 100]);
        }
        final RecordedEvent request = hashRequest(PROTOCOL, 9L, items);
        emitter.recording(false);

        final long allocated = AllocationMeter.measure(30, () ->
        {
            for (int i = 0; i < 5_000; i++)
            {
                hasher.onEvent(request.event(), emitter);
            }
        });

        assertThat(emitter.commits()).isEqualTo(155_000L);
        assertThat(allocated).as("bytes allocated by 5,000 hash requests").isLessThan(AllocationMeter.NOISE_BYTES);
    }
}
