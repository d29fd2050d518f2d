package io.jmir.engine.modules.hasher;

import io.jmir.codecs.EngineEvents;
import io.jmir.codecs.EnvelopeLayout;
import io.jmir.codecs.engine.HashRequestDecoder;
import io.jmir.codecs.engine.HashResultEncoder;
import io.jmir.codecs.engine.MessageHeaderEncoder;
import io.jmir.engine.Emitter;
import io.jmir.engine.Event;
import io.jmir.engine.EventBuilder;
import io.jmir.engine.Module;
import io.jmir.engine.modules.PayloadCursor;

import java.security.DigestException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The {@code hasher} module: answers each HashRequest with a HashResult holding the SHA-256 digest of every
 * item, in request order, sent back to the requesting module ({@link Event#source()}) with the request's
 * correlation id.
 * <p>
 * Nothing is allocated per event: one reused {@link MessageDigest}, a scratch array that only grows (to the
 * largest item seen) and codecs held as final fields.
 * <p>
 * <b>Bad input:</b> a HashRequest whose body runs past its payload (group or item lengths out of bounds) is
 * counted ({@link #malformedRequests()}) and dropped: no reply, since no digest can be trusted to belong to an
 * item. Events of other types, and requests from outside the node (no module to reply to), are counted
 * ({@link #ignoredEvents()}) and ignored; Init is accepted silently.
 * The result must fit the requester's slot (32 bytes per item plus a few bytes): an oversized result fails the
 * module with an {@link io.jmir.engine.EventTooLargeException} naming it.
 * <p>
 * <b>Threading:</b> all callbacks on the module's thread (stage thread or simulation). The counters are plain
 * fields: read them on that thread or after the node stopped.
 */
public final class HasherModule implements Module
{
    /** Length of a SHA-256 digest. */
    public static final int DIGEST_LENGTH = 32;

    private final HashRequestDecoder requestDecoder = new HashRequestDecoder();
    private final HashResultEncoder resultEncoder = new HashResultEncoder();
    private final MessageHeaderEncoder headerEncoder = new MessageHeaderEncoder();
    private final PayloadCursor cursor = new PayloadCursor();
    private final byte[] digestOut = new byte[DIGEST_LENGTH];
    private final MessageDigest sha256;
    private byte[] scratch = new byte[256];
    private long requests;
    private long items;
    private long malformedRequests;
    private long ignoredEvents;

    /**
     * A hasher with its own SHA-256 instance.
     */
    public HasherModule()
    {
        sha256 = newSha256();
    }

    /**
     * {@inheritDoc}
     */
    @Override
    public void onEvent(final Event event, final Emitter emitter)
    {
        if (event.schemaId() == EnvelopeLayout.ENGINE_SCHEMA_ID && event.templateId() == EngineEvents.HASH_REQUEST)
        {
            onHashRequest(event, emitter);
        }
        else if (event.schemaId() != EnvelopeLayout.ENGINE_SCHEMA_ID || event.templateId() != EngineEvents.INIT)
        {
            ignoredEvents++;
        }
    }

    /**
     * @return HashRequests answered.
     */
    public long requests()
    {
        return requests;
    }

    /**
     * @return items hashed.
     */
    public long items()
    {
        return items;
    }

    /**
     * @return malformed HashRequests dropped.
     */
    public long malformedRequests()
    {
        return malformedRequests;
    }

    /**
     * @return events of other types ignored.
     */
    public long ignoredEvents()
    {
        return ignoredEvents;
    }

    private void onHashRequest(final Event event, final Emitter emitter)
    {
        if (event.source() == EventBuilder.EXTERNAL_SOURCE)
        {
            ignoredEvents++;
            return;
        }
        final int count = checkBounds(event);
        if (count < 0)
        {
            malformedRequests++;
            return;
        }
        final HashRequestDecoder request = event.decode(requestDecoder);
        final EventBuilder builder = emitter.event(event.source());
        final HashResultEncoder result = resultEncoder
            .wrapAndApplyHeader(builder.buffer(), builder.payloadOffset(), headerEncoder)
            .correlationId(request.correlationId());
        final HashResultEncoder.DigestsEncoder digests = result.digestsCount(count);
        final HashRequestDecoder.ItemsDecoder itemsDecoder = request.items();
        for (int i = 0; i < count; i++)
        {
            itemsDecoder.next();
            final int length = itemsDecoder.dataLength();
            ensureScratch(length);
            itemsDecoder.getData(scratch, 0, length);
            sha256.update(scratch, 0, length);
            digest();
            digests.next().putDigest(digestOut, 0, DIGEST_LENGTH);
        }
        builder.payload(result).commit();
        requests++;
        items += count;
    }

    private int checkBounds(final Event event)
    {
        if (!cursor.wrap(event, HashRequestDecoder.BLOCK_LENGTH))
        {
            return -1;
        }
        final int count = cursor.group(HashRequestDecoder.ItemsDecoder.sbeBlockLength());
        for (int i = 0; i < count && cursor.nextEntry(); i++)
        {
            cursor.varData();
        }
        return cursor.valid() ? count : -1;
    }

    private void digest()
    {
        try
        {
            sha256.digest(digestOut, 0, DIGEST_LENGTH);
        }
        catch (final DigestException ex)
        {
            throw new IllegalStateException("SHA-256 digest into a 32-byte array failed", ex);
        }
    }

    private void ensureScratch(final int length)
    {
        if (scratch.length < length)
        {
            scratch = new byte[Math.max(length, scratch.length << 1)];
        }
    }

    /**
     * @return a new SHA-256 instance; every JDK has one.
     */
    public static MessageDigest newSha256()
    {
        try
        {
            return MessageDigest.getInstance("SHA-256");
        }
        catch (final NoSuchAlgorithmException ex)
        {
            throw new IllegalStateException("the JDK provides no SHA-256", ex);
        }
    }
}
