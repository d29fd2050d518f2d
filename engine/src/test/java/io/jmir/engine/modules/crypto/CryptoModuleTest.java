package io.jmir.engine.modules.crypto;

import io.jmir.codecs.EngineEvents;
import io.jmir.codecs.engine.PrincipalKind;
import io.jmir.codecs.engine.Scheme;
import io.jmir.codecs.engine.SignResultDecoder;
import io.jmir.codecs.engine.VerifyRequestEncoder;
import io.jmir.engine.ConfigurationException;
import io.jmir.engine.modules.RecordedEvent;
import io.jmir.engine.modules.RecordingEmitter;
import io.jmir.engine.modules.crypto.CryptoTestSupport.Item;
import io.jmir.engine.modules.crypto.CryptoTestSupport.Verdict;
import org.agrona.concurrent.UnsafeBuffer;
import org.bouncycastle.crypto.signers.Ed25519Signer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static io.jmir.codecs.EnvelopeLayout.BYTE_ORDER;
import static io.jmir.engine.modules.crypto.CryptoTestSupport.PROTOCOL;
import static io.jmir.engine.modules.crypto.CryptoTestSupport.attach;
import static io.jmir.engine.modules.crypto.CryptoTestSupport.deliver;
import static io.jmir.engine.modules.crypto.CryptoTestSupport.ed25519;
import static io.jmir.engine.modules.crypto.CryptoTestSupport.hmac;
import static io.jmir.engine.modules.crypto.CryptoTestSupport.signRequest;
import static io.jmir.engine.modules.crypto.CryptoTestSupport.verdict;
import static io.jmir.engine.modules.crypto.CryptoTestSupport.verifyRequest;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@Timeout(60)
class CryptoModuleTest
{
    private static final int SELF = 0;
    private static final int ED = Scheme.ED25519.value();
    private static final int MAC = Scheme.HMAC_SHA256.value();
    private static final int NODE = PrincipalKind.NODE.value();
    private static final int CLIENT = PrincipalKind.CLIENT.value();
    private static final byte[] MESSAGE = "order batch 17".getBytes(StandardCharsets.US_ASCII);

    private final KeyRegistry registry = KeyRegistry.deterministic(42L, 4, 2);
    private final RecordingEmitter emitter = new RecordingEmitter(CryptoTestSupport.CRYPTO);
    private CryptoModule crypto = attach(new CryptoModule(registry), SELF, 4);

    @AfterEach
    void close()
    {
        crypto.onClose();
    }

    @Test
    void shouldSignWithTheNodesOwnEd25519Key()
    {
        deliver(crypto, signRequest(5L, Scheme.ED25519, PrincipalKind.NODE, 3, MESSAGE), emitter);

        final RecordedEvent event = emitter.takeOne();
        assertThat(event.destination()).isEqualTo(PROTOCOL);
        assertThat(event.templateId()).isEqualTo(EngineEvents.SIGN_RESULT);
        final SignResultDecoder result = event.decode(new SignResultDecoder());
        assertThat(result.correlationId()).isEqualTo(5L);
        assertThat(result.scheme()).isEqualTo(Scheme.ED25519);
        final byte[] signature = new byte[result.signatureLength()];
        result.getSignature(signature, 0, signature.length);
        assertThat(signature).isEqualTo(ed25519(registry, PrincipalKind.NODE, SELF, MESSAGE));
        final Ed25519Signer verifier = new Ed25519Signer();
        verifier.init(false, registry.publicKey(PrincipalKind.NODE, SELF));
        verifier.update(MESSAGE, 0, MESSAGE.length);
        assertThat(verifier.verifySignature(signature)).isTrue();
    }

    @Test
    void shouldMacWithThePairwiseKeyOfTheNamedPeer() throws Exception
    {
        deliver(crypto, signRequest(1L, Scheme.HMAC_SHA256, PrincipalKind.NODE, 2, MESSAGE), emitter);
        deliver(crypto, signRequest(2L, Scheme.HMAC_SHA256, PrincipalKind.CLIENT, 1, MESSAGE), emitter);

        final List<RecordedEvent> events = emitter.take();
        assertThat(signature(events.get(0))).isEqualTo(
            hmac(registry.macKey(PrincipalKind.NODE, 2, PrincipalKind.NODE, SELF), MESSAGE));
        assertThat(signature(events.get(1))).isEqualTo(
            hmac(registry.macKey(PrincipalKind.CLIENT, 1, PrincipalKind.NODE, SELF), MESSAGE));
        assertThat(crypto.signFailures()).isZero();
    }

    @Test
    void shouldAnswerWithAnEmptySignatureWhenNoKeyApplies()
    {
        final KeyRegistry publicOnly = new KeyRegistry(new byte[32])
            .addPublicKey(PrincipalKind.NODE, SELF, registry.publicKey(PrincipalKind.NODE, SELF));
        crypto.onClose();
        crypto = attach(new CryptoModule(publicOnly), SELF, 4);

        deliver(crypto, signRequest(1L, Scheme.ED25519, PrincipalKind.NODE, 0, MESSAGE), emitter);
        deliver(crypto, signRequest(2L, Scheme.HMAC_SHA256, PrincipalKind.CLIENT, 99, MESSAGE), emitter);
        deliver(crypto, signRequest(3L, Scheme.HMAC_SHA256, PrincipalKind.NODE, 4, MESSAGE), emitter);

        final List<RecordedEvent> events = emitter.take();
        assertThat(events).hasSize(3);
        for (final RecordedEvent event : events)
        {
            assertThat(signature(event)).isEmpty();
        }
        assertThat(crypto.signFailures()).isEqualTo(3);
    }

    @Test
    void shouldVerifyEachItemOnItsOwn() throws Exception
    {
        final byte[] fromNode1 = ed25519(registry, PrincipalKind.NODE, 1, MESSAGE);
        final byte[] fromClient1 = ed25519(registry, PrincipalKind.CLIENT, 1, MESSAGE);
        final byte[] macFromNode2 = hmac(registry.macKey(PrincipalKind.NODE, 2, PrincipalKind.NODE, SELF), MESSAGE);
        final byte[] macFromClient0 =
            hmac(registry.macKey(PrincipalKind.CLIENT, 0, PrincipalKind.NODE, SELF), MESSAGE);
        final byte[] tampered = MESSAGE.clone();
        tampered[0] ^= 1;
        final List<Item> items = List.of(
            new Item(ED, NODE, 1, MESSAGE, fromNode1),
            new Item(ED, CLIENT, 1, MESSAGE, fromClient1),
            new Item(MAC, NODE, 2, MESSAGE, macFromNode2),
            new Item(MAC, CLIENT, 0, MESSAGE, macFromClient0),
            new Item(ED, NODE, 1, tampered, fromNode1),
            new Item(ED, NODE, 2, MESSAGE, fromNode1),
            new Item(ED, NODE, 99, MESSAGE, fromNode1),
            new Item(ED, NODE, 1, MESSAGE, new byte[] {1, 2, 3}),
            new Item(MAC, NODE, 3, MESSAGE, macFromNode2),
            new Item(MAC, NODE, 2, MESSAGE, new byte[0]),
            new Item(9, NODE, 1, MESSAGE, fromNode1),
            new Item(ED, 7, 1, MESSAGE, fromNode1),
            new Item(MAC, CLIENT, 77, MESSAGE, macFromClient0),
            new Item(ED, NODE, 1, MESSAGE, new byte[64]));

        deliver(crypto, verifyRequest(11L, items), emitter);

        final RecordedEvent event = emitter.takeOne();
        assertThat(event.destination()).isEqualTo(PROTOCOL);
        final Verdict verdict = verdict(event);
        assertThat(verdict.correlationId()).isEqualTo(11L);
        assertThat(verdict.allValid()).isFalse();
        assertThat(verdict.valid()).containsExactly(
            true, true, true, true, false, false, false, false, false, false, false, false, false, false);
        assertThat(crypto.verifiedItems()).isEqualTo(14);
        assertThat(crypto.invalidItems()).isEqualTo(10);
    }

    @Test
    void shouldReportAllValidWhenEveryItemVerifies()
    {
        final List<Item> items = new ArrayList<>();
        for (int node = 0; node < 4; node++)
        {
            items.add(new Item(ED, NODE, node, MESSAGE, ed25519(registry, PrincipalKind.NODE, node, MESSAGE)));
        }

        deliver(crypto, verifyRequest(3L, items), emitter);
        deliver(crypto, verifyRequest(4L, List.of()), emitter);

        final List<RecordedEvent> events = emitter.take();
        assertThat(verdict(events.get(0))).isEqualTo(new Verdict(3L, true, List.of(true, true, true, true)));
        assertThat(verdict(events.get(1))).isEqualTo(new Verdict(4L, true, List.of()));
    }

    @Test
    void shouldAnswerAVerifyRequestWithGarbageLengthsAsInvalid()
    {
        final byte[] signature = ed25519(registry, PrincipalKind.NODE, 1, MESSAGE);
        final RecordedEvent request = verifyRequest(8L, List.of(new Item(ED, NODE, 1, MESSAGE, signature)));
        final int messageLengthOffset = request.event().bodyOffset() + VerifyRequestEncoder.BLOCK_LENGTH + 4 +
            VerifyRequestEncoder.ItemsEncoder.sbeBlockLength();
        final int signatureLengthOffset = messageLengthOffset + 4 + MESSAGE.length;
        final UnsafeBuffer bytes = new UnsafeBuffer(request.bytes());
        assertThat(bytes.getInt(signatureLengthOffset, BYTE_ORDER)).isEqualTo(64);
        bytes.putInt(signatureLengthOffset, -5, BYTE_ORDER);

        deliver(crypto, request, emitter);

        assertThat(verdict(emitter.takeOne())).isEqualTo(new Verdict(8L, false, List.of()));
        assertThat(crypto.malformedRequests()).isEqualTo(1);
    }

    @Test
    void shouldVerifyOnWorkersAndAnswerInRequestOrder()
    {
        final List<RecordedEvent> requests = mixedRequests(60);
        final List<Verdict> inline = new ArrayList<>();
        for (final RecordedEvent request : requests)
        {
            deliver(crypto, request, emitter);
            inline.add(verdict(emitter.takeOne()));
        }
        crypto.onClose();
        crypto = attach(new CryptoModule(registry).workers(2).maxInFlight(16), SELF, 4);
        assertThat(crypto.nextDeadlineNs()).isEqualTo(Long.MAX_VALUE);

        final List<Verdict> verdicts = new ArrayList<>();
        for (final RecordedEvent request : requests)
        {
            deliver(crypto, request, emitter);
            if (crypto.verificationsInFlight() > 0)
            {
                assertThat(crypto.nextDeadlineNs()).isZero();
            }
            emitter.take().forEach((event) -> verdicts.add(verdict(event)));
        }
        drain(verdicts, requests.size());

        assertThat(verdicts).isEqualTo(inline);
        assertThat(crypto.nextDeadlineNs()).isEqualTo(Long.MAX_VALUE);
        assertThat(crypto.verifyRequests()).isEqualTo(60);
    }

    @Test
    void shouldWaitForTheOldestRequestWhenEverySlotIsInFlight()
    {
        crypto.onClose();
        crypto = attach(new CryptoModule(registry).workers(1).maxInFlight(2), SELF, 4);
        final List<RecordedEvent> requests = mixedRequests(12);
        final List<Verdict> verdicts = new ArrayList<>();

        for (final RecordedEvent request : requests)
        {
            deliver(crypto, request, emitter);
            assertThat(crypto.verificationsInFlight()).isLessThanOrEqualTo(2);
            emitter.take().forEach((event) -> verdicts.add(verdict(event)));
        }
        assertThat(verdicts).hasSizeGreaterThanOrEqualTo(10);
        drain(verdicts, requests.size());

        for (int i = 0; i < verdicts.size(); i++)
        {
            assertThat(verdicts.get(i).correlationId()).isEqualTo(i);
        }
    }

    @Test
    void shouldStopItsWorkersOnClose()
    {
        crypto.onClose();
        crypto = attach(new CryptoModule(registry).workers(3), SELF, 4);
        deliver(crypto, mixedRequests(1).get(0), emitter);
        assertThat(crypto.workersStopped()).isFalse();

        crypto.onClose();

        assertThat(crypto.workersStopped()).isTrue();
    }

    @Test
    void shouldRejectInvalidConfigurationNamingTheKey()
    {
        assertThatThrownBy(() -> new CryptoModule(registry).workers(-1))
            .isInstanceOfSatisfying(ConfigurationException.class, (ex) -> assertThat(ex.key()).isEqualTo(
                "crypto.workers"));
        assertThatThrownBy(() -> new CryptoModule(registry).maxInFlight(3))
            .isInstanceOfSatisfying(ConfigurationException.class, (ex) -> assertThat(ex.key()).isEqualTo(
                "crypto.maxInFlight"));
        assertThatThrownBy(() -> crypto.workers(2)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void shouldMeasureTheSingleCoreEd25519VerifyRate()
    {
        final int itemsPerRequest = 50;
        final List<Item> items = new ArrayList<>();
        for (int i = 0; i < itemsPerRequest; i++)
        {
            final byte[] message = ("request " + i).getBytes(StandardCharsets.US_ASCII);
            items.add(new Item(ED, CLIENT, i % 2, message, ed25519(registry, PrincipalKind.CLIENT, i % 2, message)));
        }
        final RecordedEvent request = verifyRequest(1L, items);
        emitter.recording(false);
        for (int i = 0; i < 20; i++)
        {
            deliver(crypto, request, emitter);
        }
        final int requests = 40;
        final long start = System.nanoTime();
        for (int i = 0; i < requests; i++)
        {
            deliver(crypto, request, emitter);
        }
        final long elapsedNs = System.nanoTime() - start;

        final double perSecond = requests * itemsPerRequest * 1e9 / elapsedNs;
        System.out.printf("Ed25519 verify rate, single core (inline crypto module, BouncyCastle): %.0f/s%n",
            perSecond);
        assertThat(crypto.invalidItems()).isZero();
        assertThat(crypto.verifiedItems()).isEqualTo(60L * itemsPerRequest);
    }

    private List<RecordedEvent> mixedRequests(final int count)
    {
        final List<RecordedEvent> requests = new ArrayList<>();
        for (int i = 0; i < count; i++)
        {
            final byte[] message = ("message " + i).getBytes(StandardCharsets.US_ASCII);
            final List<Item> items = new ArrayList<>();
            for (int j = 0; j < 1 + i % 4; j++)
            {
                final int signer = (i + j) % 4;
                final byte[] signature = ed25519(registry, PrincipalKind.NODE, signer, message);
                final boolean corrupt = (i * 7 + j) % 3 == 0;
                items.add(new Item(ED, NODE, corrupt ? (signer + 1) % 4 : signer, message, signature));
            }
            requests.add(verifyRequest(i, items));
        }
        return requests;
    }

    private void drain(final List<Verdict> verdicts, final int expected)
    {
        while (verdicts.size() < expected)
        {
            assertThat(crypto.awaitOldestVerification(10, TimeUnit.SECONDS)).isTrue();
            assertThat(crypto.doWork(0, emitter)).isPositive();
            emitter.take().forEach((event) -> verdicts.add(verdict(event)));
        }
    }

    private static byte[] signature(final RecordedEvent event)
    {
        final SignResultDecoder result = event.decode(new SignResultDecoder());
        final byte[] signature = new byte[result.signatureLength()];
        result.getSignature(signature, 0, signature.length);
        return signature;
    }
}
