package io.jmir.protocols.clients;

import io.jmir.codecs.EngineEvents;
import io.jmir.codecs.engine.BooleanType;
import io.jmir.codecs.engine.HashRequestDecoder;
import io.jmir.codecs.engine.HashResultEncoder;
import io.jmir.codecs.engine.MessageHeaderEncoder;
import io.jmir.codecs.engine.RequestStorePutDecoder;
import io.jmir.codecs.engine.Scheme;
import io.jmir.codecs.engine.VerifyRequestDecoder;
import io.jmir.codecs.engine.VerifyResultEncoder;
import io.jmir.engine.Emitter;
import io.jmir.engine.Event;
import io.jmir.engine.Module;
import io.jmir.engine.internal.DefaultModuleContext;
import io.jmir.protocols.codecs.ClientProgressEncoder;
import io.jmir.protocols.codecs.RequestsReadyDecoder;
import io.jmir.protocols.iss.IssConfig;
import io.jmir.protocols.testkit.IssNode;
import io.jmir.protocols.testkit.RecordingApp;
import io.jmir.protocols.testkit.RecordingEmitter;
import io.jmir.protocols.testkit.RecordingEmitter.Recorded;
import io.jmir.protocols.testkit.RequestFactory;
import io.jmir.protocols.testkit.TestKeys;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The client tracker alone: deduplication of resubmissions, watermark window, scheme and size checks, one
 * VerifyRequest + HashRequest per input batch, store before release (RequestsReady only as follow-up of the last
 * RequestStorePut), invalid signatures counted and their number freed, watermarks moved by ClientProgress.
 */
@Timeout(10)
class ClientTrackerModuleTest
{
    private static final int CRYPTO = 2;
    private static final int HASHER = 1;
    private static final int STORE = 5;
    private static final int CLIENTS = 6;
    private static final int ISS = 7;
    private final TestKeys keys = new TestKeys(3, 4, 4);
    private final RequestFactory factory = new RequestFactory(keys, Scheme.HMAC_SHA256);
    private final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer(1024);
    private final RecordingEmitter emitter = new RecordingEmitter(CLIENTS);
    private ClientTrackerModule tracker;

    @BeforeEach
    void setUp()
    {
        final IssConfig config = new IssConfig().nodeCount(4).clientCount(4).clientWatermarkWindow(64)
            .maxRequestBytes(100).clientAuthScheme(Scheme.HMAC_SHA256);
        final IssNode node = new IssNode(1, config, new NoOp(), keys, new RecordingApp(),
            (n, c, r, s, b, o, l) -> { }, 4096, 0);
        tracker = node.clients;
        tracker.onAttach(new DefaultModuleContext(node.definition, CLIENTS));
    }

    @Test
    void shouldVerifyHashStoreThenReleaseEachRequestOnceDespiteResubmissions()
    {
        submit(0, 0, 5);
        submit(0, 1, 5);
        submit(0, 0, 5);
        submit(1, 0, 5);
        submit(1, 0, 5);
        tracker.onEndOfBatch(emitter);
        final List<Recorded> checks = emitter.drain();
        assertThat(checks).extracting(Recorded::destination).containsExactly(CRYPTO, HASHER);
        assertThat(checks.get(0).decode(new VerifyRequestDecoder()).items().count()).isEqualTo(3);
        assertThat(checks.get(1).decode(new HashRequestDecoder()).items().count()).isEqualTo(3);
        assertThat(tracker.duplicates()).isEqualTo(2);
        final long correlation = checks.get(0).decode(new VerifyRequestDecoder()).correlationId();

        verifyResult(correlation, true, false, true);
        assertThat(emitter.drain()).as("waits for the digests too").isEmpty();
        hashResult(correlation, 3);
        final List<Recorded> stored = emitter.drain();
        assertThat(stored).hasSize(2);
        assertThat(stored).allMatch(r -> r.destination() == STORE && r.templateId() == EngineEvents.REQUEST_STORE_PUT);
        assertThat(stored.get(0).followUps()).isEmpty();
        assertThat(stored.get(0).decode(new RequestStorePutDecoder()).clientId()).isZero();
        final Recorded ready = stored.get(1).followUps().get(0);
        assertThat(ready.destination()).isEqualTo(ISS);
        final List<Long> released = new ArrayList<>();
        for (final RequestsReadyDecoder.RequestsDecoder r : ready.decode(new RequestsReadyDecoder()).requests())
        {
            released.add(r.clientId() * 100 + r.requestNo());
            assertThat(r.payloadLength()).isEqualTo(5);
            r.skipPayload();
        }
        assertThat(released).containsExactly(0L, 100L);
        assertThat(tracker.invalid()).isEqualTo(1);
        assertThat(tracker.accepted()).isEqualTo(2);

        submit(0, 1, 5);
        submit(0, 0, 5);
        tracker.onEndOfBatch(emitter);
        final List<Recorded> again = emitter.drain();
        assertThat(again.get(0).decode(new VerifyRequestDecoder()).items().count())
            .as("only the request that failed verification may be admitted again").isEqualTo(1);
    }

    @Test
    void shouldRejectOutsideTheWatermarksAndMoveThemOnProgress()
    {
        submit(2, 64, 1);
        submit(2, 0, 101);
        tracker.onEndOfBatch(emitter);
        assertThat(emitter.drain()).isEmpty();
        assertThat(tracker.outOfWindow()).isEqualTo(1);
        assertThat(tracker.malformed()).isEqualTo(1);

        final ClientProgressEncoder progress = new ClientProgressEncoder();
        progress.wrapAndApplyHeader(buffer, 0, new io.jmir.protocols.codecs.MessageHeaderEncoder()).epoch(3)
            .clientsCount(1).next().clientId(2).lowWatermark(10);
        tracker.onEvent(RecordingEmitter.event(CLIENTS, ISS, buffer, 0, 8 + progress.encodedLength()), emitter);
        submit(2, 64, 1);
        submit(2, 9, 1);
        tracker.onEndOfBatch(emitter);
        final List<Recorded> checks = emitter.drain();
        assertThat(checks.get(0).decode(new VerifyRequestDecoder()).items().count()).isEqualTo(1);
        assertThat(tracker.outOfWindow()).isEqualTo(2);
    }

    private void submit(final int client, final long requestNo, final int payloadLength)
    {
        final UnsafeBuffer payload = new UnsafeBuffer(new byte[payloadLength]);
        final int length = factory.encode(buffer, client, requestNo, payload, 0, payloadLength, 1, true);
        final Event event = RecordingEmitter.event(CLIENTS, 0xFFFF, buffer, 0, length);
        tracker.onEvent(event, emitter);
    }

    private void verifyResult(final long correlation, final boolean... valid)
    {
        final VerifyResultEncoder encoder = new VerifyResultEncoder();
        final VerifyResultEncoder.ResultsEncoder results = encoder.wrapAndApplyHeader(buffer, 0,
            new MessageHeaderEncoder()).correlationId(correlation).allValid(BooleanType.FALSE)
            .resultsCount(valid.length);
        for (final boolean v : valid)
        {
            results.next().valid(v ? BooleanType.TRUE : BooleanType.FALSE);
        }
        tracker.onEvent(RecordingEmitter.event(CLIENTS, CRYPTO, buffer, 0, 8 + encoder.encodedLength()), emitter);
    }

    private void hashResult(final long correlation, final int count)
    {
        final HashResultEncoder encoder = new HashResultEncoder();
        final HashResultEncoder.DigestsEncoder digests = encoder.wrapAndApplyHeader(buffer, 0,
            new MessageHeaderEncoder()).correlationId(correlation).digestsCount(count);
        for (int i = 0; i < count; i++)
        {
            digests.next().putDigest(new byte[32], 0, 32);
        }
        tracker.onEvent(RecordingEmitter.event(CLIENTS, HASHER, buffer, 0, 8 + encoder.encodedLength()), emitter);
    }

    private static final class NoOp implements Module
    {
        @Override
        public void onEvent(final Event event, final Emitter emitter)
        {
        }
    }
}
