package io.jmir.cli.decode;

import io.jmir.codecs.EnvelopeLayout;
import org.agrona.DirectBuffer;
import org.agrona.collections.Int2ObjectHashMap;
import org.agrona.concurrent.UnsafeBuffer;
import uk.co.real_logic.sbe.ir.Ir;
import uk.co.real_logic.sbe.ir.Token;
import uk.co.real_logic.sbe.otf.OtfHeaderDecoder;
import uk.co.real_logic.sbe.otf.OtfMessageDecoder;
import uk.co.real_logic.sbe.xml.IrGenerator;
import uk.co.real_logic.sbe.xml.MessageSchema;
import uk.co.real_logic.sbe.xml.ParserOptions;
import uk.co.real_logic.sbe.xml.XmlSchemaParser;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Decodes SBE messages of the engine schema and of any extra schema (protocol, application) generically with
 * SBE's on-the-fly decoder and the schemas' IR: every field, group, var data and enum. Var data that holds an SBE
 * message of a known schema (payloads, WAL entries, network messages) is decoded recursively; an envelope's
 * follow-ups are split and decoded one by one.
 * <p>
 * <b>Threading:</b> one thread (not thread safe).
 */
public final class SbeDecoder
{
    /** Classpath resource of the engine schema (in the codecs jar). */
    public static final String ENGINE_SCHEMA_RESOURCE = "/sbe/jmir-engine-codecs.xml";
    private static final int MAX_DEPTH = 8;

    private final Int2ObjectHashMap<Ir> irBySchema = new Int2ObjectHashMap<>();
    private final Int2ObjectHashMap<OtfHeaderDecoder> headers = new Int2ObjectHashMap<>();
    private int depth;

    /**
     * A decoder for the engine schema plus extra schema files.
     *
     * @param extraSchemas SBE XML schema files.
     * @throws IllegalArgumentException when a schema cannot be parsed or reuses a schema id.
     */
    public SbeDecoder(final List<Path> extraSchemas)
    {
        try (InputStream in = SbeDecoder.class.getResourceAsStream(ENGINE_SCHEMA_RESOURCE))
        {
            if (in == null)
            {
                throw new IllegalStateException("engine schema " + ENGINE_SCHEMA_RESOURCE + " not on the classpath");
            }
            add(in, "engine schema");
        }
        catch (final IOException ex)
        {
            throw new IllegalStateException("cannot read the engine schema: " + ex, ex);
        }
        for (final Path file : extraSchemas)
        {
            try (InputStream in = Files.newInputStream(file))
            {
                add(in, file.toString());
            }
            catch (final IOException ex)
            {
                throw new IllegalArgumentException("cannot read schema " + file + ": " + ex, ex);
            }
        }
    }

    private void add(final InputStream in, final String what)
    {
        final Ir ir;
        try
        {
            final MessageSchema schema = XmlSchemaParser.parse(in, ParserOptions.builder().stopOnError(true).build());
            ir = new IrGenerator().generate(schema);
        }
        catch (final Exception ex)
        {
            throw new IllegalArgumentException("cannot parse SBE schema " + what + ": " + ex, ex);
        }
        if (irBySchema.containsKey(ir.id()))
        {
            throw new IllegalArgumentException("schema id " + ir.id() + " of " + what + " is already loaded");
        }
        irBySchema.put(ir.id(), ir);
        headers.put(ir.id(), new OtfHeaderDecoder(ir.headerStructure()));
    }

    /**
     * @param schemaId   SBE schema id.
     * @param templateId template id.
     * @return the message name, or "schema-S/template-T" when unknown.
     */
    public String messageName(final int schemaId, final int templateId)
    {
        final Ir ir = irBySchema.get(schemaId);
        final List<Token> tokens = ir == null ? null : ir.getMessage(templateId);
        return tokens == null ? "schema-" + schemaId + "/template-" + templateId : tokens.get(0).name();
    }

    /**
     * Name of the SBE message at an offset, judged from its header.
     *
     * @param buffer holding the message.
     * @param offset of its message header.
     * @param length available bytes.
     * @return the name, or null when the bytes do not start with the header of a known message.
     */
    public String nameOf(final DirectBuffer buffer, final int offset, final int length)
    {
        if (!isKnownMessage(buffer, offset, length))
        {
            return null;
        }
        return messageName(schemaId(buffer, offset), templateId(buffer, offset));
    }

    /**
     * @param bytes one SBE message with its header.
     * @return decoded, or null when not a message of a known schema.
     */
    public DecodedMessage decode(final byte[] bytes)
    {
        return decode(new UnsafeBuffer(bytes), 0, bytes.length);
    }

    /**
     * Decode one SBE message with its header.
     *
     * @param buffer holding it.
     * @param offset of the message header.
     * @param length of the message.
     * @return decoded, or null when the bytes do not start with a known message header or do not decode.
     */
    public DecodedMessage decode(final DirectBuffer buffer, final int offset, final int length)
    {
        if (!isKnownMessage(buffer, offset, length) || depth >= MAX_DEPTH)
        {
            return null;
        }
        final int schemaId = schemaId(buffer, offset);
        final Ir ir = irBySchema.get(schemaId);
        final OtfHeaderDecoder header = headers.get(schemaId);
        final int templateId = header.getTemplateId(buffer, offset);
        final List<Token> tokens = ir.getMessage(templateId);
        final UnsafeBuffer bounded = new UnsafeBuffer(buffer, offset, length);
        final DecodingListener listener = new DecodingListener(this, schemaId == EnvelopeLayout.ENGINE_SCHEMA_ID &&
            templateId == EnvelopeLayout.ENVELOPE_TEMPLATE_ID);
        depth++;
        try
        {
            OtfMessageDecoder.decode(bounded, header.encodedLength(), header.getSchemaVersion(bounded, 0),
                header.getBlockLength(bounded, 0), tokens, listener);
        }
        catch (final RuntimeException ex)
        {
            return null;
        }
        finally
        {
            depth--;
        }
        return new DecodedMessage(tokens.get(0).name(), schemaId, templateId, listener.fields());
    }

    /**
     * Decode var data: as an SBE message when it is one, as text when printable, else as hex.
     *
     * @param buffer holding the bytes.
     * @param offset of the bytes.
     * @param length of the bytes.
     * @return a {@link DecodedMessage}, a {@link String} or a {@link DecodedMessage.Hex}.
     */
    public Object decodeBytes(final DirectBuffer buffer, final int offset, final int length)
    {
        final DecodedMessage message = decode(buffer, offset, length);
        if (message != null)
        {
            return message;
        }
        final byte[] bytes = new byte[length];
        buffer.getBytes(offset, bytes);
        boolean printable = length > 0;
        for (final byte b : bytes)
        {
            if (b < 0x20 || b > 0x7E)
            {
                printable = false;
                break;
            }
        }
        return printable ?
            new String(bytes, java.nio.charset.StandardCharsets.US_ASCII) : new DecodedMessage.Hex(bytes);
    }

    /**
     * Split and decode a list of envelopes (an envelope's follow-ups).
     *
     * @param buffer holding the list.
     * @param offset of the first envelope.
     * @param length of the list.
     * @return decoded envelopes (undecodable rest as hex).
     */
    public List<Object> decodeEnvelopes(final DirectBuffer buffer, final int offset, final int length)
    {
        final List<Object> envelopes = new ArrayList<>();
        int cursor = offset;
        final int end = offset + length;
        while (cursor < end)
        {
            int envelopeLength = -1;
            if (end - cursor >= EnvelopeLayout.OVERHEAD)
            {
                try
                {
                    envelopeLength = EnvelopeLayout.totalLength(buffer, cursor);
                }
                catch (final RuntimeException ex)
                {
                    envelopeLength = -1;
                }
            }
            if (envelopeLength < EnvelopeLayout.OVERHEAD || envelopeLength > end - cursor)
            {
                final byte[] rest = new byte[end - cursor];
                buffer.getBytes(cursor, rest);
                envelopes.add(new DecodedMessage.Hex(rest));
                break;
            }
            final DecodedMessage envelope = decode(buffer, cursor, envelopeLength);
            envelopes.add(envelope != null ? envelope : decodeBytes(buffer, cursor, envelopeLength));
            cursor += envelopeLength;
        }
        return envelopes;
    }

    private boolean isKnownMessage(final DirectBuffer buffer, final int offset, final int length)
    {
        if (length < EnvelopeLayout.HEADER_LENGTH || offset < 0 || offset + length > buffer.capacity())
        {
            return false;
        }
        final int schemaId = schemaId(buffer, offset);
        final Ir ir = irBySchema.get(schemaId);
        if (ir == null)
        {
            return false;
        }
        final OtfHeaderDecoder header = headers.get(schemaId);
        final List<Token> tokens = ir.getMessage(header.getTemplateId(buffer, offset));
        final int blockLength = header.getBlockLength(buffer, offset);
        return tokens != null && blockLength <= length - header.encodedLength();
    }

    private static int schemaId(final DirectBuffer buffer, final int offset)
    {
        return buffer.getShort(offset + 4, EnvelopeLayout.BYTE_ORDER) & 0xFFFF;
    }

    private static int templateId(final DirectBuffer buffer, final int offset)
    {
        return buffer.getShort(offset + 2, EnvelopeLayout.BYTE_ORDER) & 0xFFFF;
    }
}
