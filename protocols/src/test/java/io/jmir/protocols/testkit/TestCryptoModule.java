package io.jmir.protocols.testkit;

import io.jmir.codecs.EngineEvents;
import io.jmir.codecs.engine.BooleanType;
import io.jmir.codecs.engine.MessageHeaderDecoder;
import io.jmir.codecs.engine.MessageHeaderEncoder;
import io.jmir.codecs.engine.PrincipalKind;
import io.jmir.codecs.engine.Scheme;
import io.jmir.codecs.engine.VerifyRequestDecoder;
import io.jmir.codecs.engine.VerifyResultEncoder;
import io.jmir.engine.Emitter;
import io.jmir.engine.Event;
import io.jmir.engine.EventBuilder;
import io.jmir.engine.Module;
import org.agrona.concurrent.UnsafeBuffer;
import org.bouncycastle.math.ec.rfc8032.Ed25519;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.security.GeneralSecurityException;

/**
 * Stand-in "crypto" until io.jmir.engine.modules.crypto lands: VerifyRequest -> VerifyResult for client
 * principals, Ed25519 (BouncyCastle's rfc8032 code) or HMAC-SHA256 with the (client, this node) key.
 */
public final class TestCryptoModule implements Module
{
    private final VerifyRequestDecoder request = new VerifyRequestDecoder();
    private final VerifyResultEncoder result = new VerifyResultEncoder();
    private final MessageHeaderEncoder header = new MessageHeaderEncoder();
    private final UnsafeBuffer view = new UnsafeBuffer(0, 0);
    private final TestKeys keys;
    private final int nodeId;
    private final Mac[] macs;
    private final byte[] mac = new byte[32];
    private byte[] message = new byte[4096];
    private final byte[] signature = new byte[128];
    private boolean[] valid = new boolean[64];
    private long verified;
    private long failed;

    public TestCryptoModule(final TestKeys keys, final int nodeId)
    {
        this.keys = keys;
        this.nodeId = nodeId;
        this.macs = new Mac[keys.clientCount()];
    }

    public long verified()
    {
        return verified;
    }

    public long failed()
    {
        return failed;
    }

    @Override
    public void onEvent(final Event event, final Emitter emitter)
    {
        if (event.schemaId() != MessageHeaderDecoder.SCHEMA_ID || event.templateId() != EngineEvents.VERIFY_REQUEST)
        {
            return;
        }
        event.decode(request);
        final long correlationId = request.correlationId();
        final VerifyRequestDecoder.ItemsDecoder items = request.items();
        final int count = items.count();
        if (valid.length < count)
        {
            valid = new boolean[count];
        }
        boolean all = true;
        int i = 0;
        while (items.hasNext())
        {
            items.next();
            final Scheme scheme = items.scheme();
            final PrincipalKind kind = items.principalKind();
            final long principal = items.principalId();
            items.wrapMessage(view);
            final int length = view.capacity();
            if (message.length < length)
            {
                message = new byte[Math.max(length, message.length * 2)];
            }
            view.getBytes(0, message, 0, length);
            items.wrapSignature(view);
            final int signatureLength = Math.min(view.capacity(), signature.length);
            view.getBytes(0, signature, 0, signatureLength);
            final boolean ok = kind == PrincipalKind.CLIENT && principal >= 0 && principal < keys.clientCount() &&
                verify(scheme, (int)principal, length, signatureLength);
            valid[i++] = ok;
            all &= ok;
            if (ok)
            {
                verified++;
            }
            else
            {
                failed++;
            }
        }
        final EventBuilder b = emitter.event(event.source());
        final VerifyResultEncoder.ResultsEncoder results = result.wrapAndApplyHeader(b.buffer(), b.payloadOffset(),
            header).correlationId(correlationId).allValid(all ? BooleanType.TRUE : BooleanType.FALSE)
            .resultsCount(count);
        for (int j = 0; j < count; j++)
        {
            results.next().valid(valid[j] ? BooleanType.TRUE : BooleanType.FALSE);
        }
        b.payload(result).commit();
    }

    private boolean verify(final Scheme scheme, final int client, final int length, final int signatureLength)
    {
        if (scheme == Scheme.ED25519)
        {
            return signatureLength == Ed25519.SIGNATURE_SIZE &&
                Ed25519.verify(signature, 0, keys.publicKey(client), 0, message, 0, length);
        }
        if (scheme == Scheme.HMAC_SHA256 && signatureLength == 32)
        {
            try
            {
                Mac m = macs[client];
                if (m == null)
                {
                    m = Mac.getInstance("HmacSHA256");
                    m.init(new SecretKeySpec(keys.macKey(client, nodeId), "HmacSHA256"));
                    macs[client] = m;
                }
                m.update(message, 0, length);
                m.doFinal(mac, 0);
                int diff = 0;
                for (int k = 0; k < 32; k++)
                {
                    diff |= mac[k] ^ signature[k];
                }
                return diff == 0;
            }
            catch (final GeneralSecurityException ex)
            {
                return false;
            }
        }
        return false;
    }
}
