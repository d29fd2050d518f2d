package io.jmir.engine.modules.crypto;

import io.jmir.codecs.engine.BooleanType;
import io.jmir.codecs.engine.MessageHeaderEncoder;
import io.jmir.codecs.engine.PrincipalKind;
import io.jmir.codecs.engine.Scheme;
import io.jmir.codecs.engine.SignRequestEncoder;
import io.jmir.codecs.engine.VerifyRequestEncoder;
import io.jmir.codecs.engine.VerifyResultDecoder;
import io.jmir.engine.Event;
import io.jmir.engine.Module;
import io.jmir.engine.NodeDefinition;
import io.jmir.engine.internal.DefaultModuleContext;
import io.jmir.engine.modules.RecordedEvent;
import io.jmir.engine.modules.RecordingEmitter;
import org.bouncycastle.crypto.signers.Ed25519Signer;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds crypto requests and decodes results for the crypto tests.
 */
final class CryptoTestSupport
{
    static final int CRYPTO = 0;
    static final int PROTOCOL = 1;

    private CryptoTestSupport()
    {
    }

    /** One VerifyRequest item, with raw scheme and kind codes so that invalid codes can be sent. */
    record Item(int scheme, int kind, long principalId, byte[] message, byte[] signature)
    {
    }

    static CryptoModule attach(final CryptoModule crypto, final int nodeId, final int nodeCount)
    {
        final Module idle = (event, emitter) ->
        {
        };
        final NodeDefinition definition = new NodeDefinition(nodeId, nodeCount)
            .module("crypto", crypto)
            .module("protocol", idle);
        crypto.onAttach(new DefaultModuleContext(definition, CRYPTO));
        return crypto;
    }

    static byte[] ed25519(final KeyRegistry registry, final PrincipalKind kind, final long id, final byte[] message)
    {
        final Ed25519Signer signer = new Ed25519Signer();
        signer.init(true, registry.privateKey(kind, id));
        signer.update(message, 0, message.length);
        return signer.generateSignature();
    }

    static byte[] hmac(final byte[] key, final byte[] message) throws Exception
    {
        final Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key, "HmacSHA256"));
        return mac.doFinal(message);
    }

    static RecordedEvent verifyRequest(final long correlationId, final List<Item> items)
    {
        return RecordingEmitter.envelope(CRYPTO, PROTOCOL, (b) ->
        {
            final VerifyRequestEncoder encoder = new VerifyRequestEncoder()
                .wrapAndApplyHeader(b.buffer(), b.payloadOffset(), new MessageHeaderEncoder())
                .correlationId(correlationId);
            final VerifyRequestEncoder.ItemsEncoder itemsEncoder = encoder.itemsCount(items.size());
            for (final Item item : items)
            {
                final int entryOffset = encoder.limit();
                itemsEncoder.next()
                    .scheme(Scheme.ED25519)
                    .principalKind(PrincipalKind.NODE)
                    .principalId(item.principalId())
                    .putMessage(item.message(), 0, item.message().length)
                    .putSignature(item.signature(), 0, item.signature().length);
                b.buffer().putByte(entryOffset + VerifyRequestEncoder.ItemsEncoder.schemeEncodingOffset(),
                    (byte)item.scheme());
                b.buffer().putByte(entryOffset + VerifyRequestEncoder.ItemsEncoder.principalKindEncodingOffset(),
                    (byte)item.kind());
            }
            b.payload(encoder);
        });
    }

    static RecordedEvent signRequest(
        final long correlationId, final Scheme scheme, final PrincipalKind kind, final long id, final byte[] message)
    {
        return RecordingEmitter.envelope(CRYPTO, PROTOCOL, (b) -> b.payload(new SignRequestEncoder()
            .wrapAndApplyHeader(b.buffer(), b.payloadOffset(), new MessageHeaderEncoder())
            .correlationId(correlationId)
            .scheme(scheme)
            .principalKind(kind)
            .principalId(id)
            .putMessage(message, 0, message.length)));
    }

    /** A decoded VerifyResult. */
    record Verdict(long correlationId, boolean allValid, List<Boolean> valid)
    {
    }

    static Verdict verdict(final RecordedEvent event)
    {
        final VerifyResultDecoder decoder = event.decode(new VerifyResultDecoder());
        final long correlationId = decoder.correlationId();
        final boolean allValid = decoder.allValid() == BooleanType.TRUE;
        final List<Boolean> valid = new ArrayList<>();
        for (final VerifyResultDecoder.ResultsDecoder result : decoder.results())
        {
            valid.add(result.valid() == BooleanType.TRUE);
        }
        return new Verdict(correlationId, allValid, valid);
    }

    static void deliver(final Module module, final RecordedEvent event, final RecordingEmitter emitter)
    {
        final Event flyweight = event.event();
        module.onEvent(flyweight, emitter);
    }
}
