package io.jmir.protocols.testkit;

import io.jmir.codecs.EngineEvents;
import io.jmir.codecs.engine.HashRequestDecoder;
import io.jmir.codecs.engine.HashResultEncoder;
import io.jmir.codecs.engine.MessageHeaderDecoder;
import io.jmir.codecs.engine.MessageHeaderEncoder;
import io.jmir.engine.Emitter;
import io.jmir.engine.Event;
import io.jmir.engine.EventBuilder;
import io.jmir.engine.Module;
import org.agrona.concurrent.UnsafeBuffer;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Stand-in "hasher" until io.jmir.engine.modules.hasher lands: HashRequest -> HashResult (SHA-256 per item) back to
 * the requesting module.
 */
public final class TestHasherModule implements Module
{
    private final HashRequestDecoder request = new HashRequestDecoder();
    private final HashResultEncoder result = new HashResultEncoder();
    private final MessageHeaderEncoder header = new MessageHeaderEncoder();
    private final UnsafeBuffer view = new UnsafeBuffer(0, 0);
    private final MessageDigest sha256;
    private byte[] scratch = new byte[4096];
    private final byte[] digest = new byte[32];
    private long hashed;

    public TestHasherModule()
    {
        try
        {
            sha256 = MessageDigest.getInstance("SHA-256");
        }
        catch (final NoSuchAlgorithmException ex)
        {
            throw new IllegalStateException(ex);
        }
    }

    public long hashed()
    {
        return hashed;
    }

    @Override
    public void onEvent(final Event event, final Emitter emitter)
    {
        if (event.schemaId() != MessageHeaderDecoder.SCHEMA_ID || event.templateId() != EngineEvents.HASH_REQUEST)
        {
            return;
        }
        event.decode(request);
        final long correlationId = request.correlationId();
        final HashRequestDecoder.ItemsDecoder items = request.items();
        final EventBuilder b = emitter.event(event.source());
        final HashResultEncoder.DigestsEncoder digests = result.wrapAndApplyHeader(b.buffer(), b.payloadOffset(),
            header).correlationId(correlationId).digestsCount(items.count());
        while (items.hasNext())
        {
            items.next();
            items.wrapData(view);
            final int length = view.capacity();
            if (scratch.length < length)
            {
                scratch = new byte[Math.max(length, scratch.length * 2)];
            }
            view.getBytes(0, scratch, 0, length);
            sha256.update(scratch, 0, length);
            try
            {
                sha256.digest(digest, 0, 32);
            }
            catch (final java.security.DigestException ex)
            {
                throw new IllegalStateException(ex);
            }
            digests.next().putDigest(digest, 0, 32);
            hashed++;
        }
        b.payload(result).commit();
    }
}
