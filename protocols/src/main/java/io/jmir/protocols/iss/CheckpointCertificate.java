package io.jmir.protocols.iss;

import io.jmir.protocols.codecs.CheckpointCertificateDecoder;
import io.jmir.protocols.codecs.CheckpointCertificateEncoder;
import io.jmir.protocols.codecs.MessageHeaderDecoder;
import io.jmir.protocols.codecs.MessageHeaderEncoder;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * A checkpoint certificate (ADR 0014): the encoded CheckpointCertificate message {epoch, seqNo, digest, dataLength,
 * signatures {nodeId, signature}} in a buffer it owns, plus the positions of its signatures for a VerifyRequest.
 * Every signature is an Ed25519 signature of its node over the {@link #statement statement} (a tag, the epoch, the
 * sequence number and the digest). {@link #parse} checks the structure of a received one: known distinct signers,
 * at least 2f+1 of them, signatures of sane length, everything inside the message; the signatures themselves are
 * checked by the crypto module.
 * <p>
 * <b>Threading:</b> protocol module thread only.
 */
final class CheckpointCertificate
{
    /** Longest signature kept (Ed25519 signatures are 64 bytes). */
    static final int MAX_SIGNATURE_LENGTH = 64;
    /** Bytes of a signed statement: 8-byte tag, epoch, seqNo, digest. */
    static final int STATEMENT_LENGTH = 8 + 8 + 8 + 32;
    /** The statement's tag ("jmirckpt", little endian). */
    static final long STATEMENT_TAG = 0x74706b63726d696aL;

    /** {@link #parse} result: well formed. */
    static final int VALID = 0;
    /** {@link #parse} result: not a certificate message, or truncated. */
    static final int MALFORMED = 1;
    /** {@link #parse} result: fewer than 2f+1 distinct known signers. */
    static final int TOO_FEW_SIGNERS = 2;

    private final MessageHeaderEncoder headerEncoder = new MessageHeaderEncoder();
    private final MessageHeaderDecoder headerDecoder = new MessageHeaderDecoder();
    private final CheckpointCertificateEncoder encoder = new CheckpointCertificateEncoder();
    private final CheckpointCertificateDecoder decoder = new CheckpointCertificateDecoder();
    private final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer(1024);
    private final UnsafeBuffer view = new UnsafeBuffer(0, 0);
    private final byte[] digestBytes = new byte[32];
    private final UnsafeBuffer digest = new UnsafeBuffer(digestBytes);
    private final int nodeCount;
    private final int strongQuorum;
    private final int[] signers;
    private final int[] offsets;
    private final int[] lengths;
    private final boolean[] seen;
    private int length;
    private int signerCount;
    private long epoch = -1;
    private long seqNo;
    private int dataLength;

    CheckpointCertificate(final int nodeCount, final int strongQuorum)
    {
        this.nodeCount = nodeCount;
        this.strongQuorum = strongQuorum;
        signers = new int[nodeCount];
        offsets = new int[nodeCount];
        lengths = new int[nodeCount];
        seen = new boolean[nodeCount];
    }

    /**
     * Write the statement a node signs for a checkpoint.
     */
    static void statement(final MutableDirectBuffer into, final long epoch, final long seqNo,
        final DirectBuffer digest, final int offset)
    {
        into.putLong(0, STATEMENT_TAG);
        into.putLong(8, epoch);
        into.putLong(16, seqNo);
        into.putBytes(24, digest, offset, 32);
    }

    /**
     * Encode a certificate from verified signatures.
     */
    void encode(final long epoch, final long seqNo, final DirectBuffer digest, final int digestOffset,
        final int dataLength, final int count, final int[] nodes, final DirectBuffer signatures,
        final int[] signatureOffsets, final int[] signatureLengths)
    {
        final CheckpointCertificateEncoder.SignaturesEncoder group = encoder
            .wrapAndApplyHeader(buffer, 0, headerEncoder).epoch(epoch).seqNo(seqNo)
            .putDigest(digest, digestOffset, 32).dataLength(dataLength).signaturesCount(count);
        for (int i = 0; i < count; i++)
        {
            group.next().nodeId(nodes[i]).putSignature(signatures, signatureOffsets[i], signatureLengths[i]);
        }
        final int encoded = MessageHeaderEncoder.ENCODED_LENGTH + encoder.encodedLength();
        if (parse(buffer, 0, encoded) != VALID)
        {
            throw new IllegalStateException("certificate of epoch " + epoch + " does not parse back");
        }
    }

    /**
     * Take a copy of a received (or recovered) certificate and check its structure.
     *
     * @return {@link #VALID}, {@link #MALFORMED} or {@link #TOO_FEW_SIGNERS}; on anything but VALID this
     * certificate is empty afterwards.
     */
    int parse(final DirectBuffer source, final int offset, final int messageLength)
    {
        if (source != buffer || offset != 0)
        {
            buffer.putBytes(0, source, offset, messageLength);
        }
        final int result = parseOwn(messageLength);
        if (result != VALID)
        {
            clear();
        }
        return result;
    }

    void copyFrom(final CheckpointCertificate other)
    {
        buffer.putBytes(0, other.buffer, 0, other.length);
        if (parse(buffer, 0, other.length) != VALID)
        {
            throw new IllegalStateException("copied certificate does not parse");
        }
    }

    void clear()
    {
        length = 0;
        signerCount = 0;
        epoch = -1;
    }

    private int parseOwn(final int messageLength)
    {
        clear();
        if (messageLength < MessageHeaderDecoder.ENCODED_LENGTH + CheckpointCertificateDecoder.BLOCK_LENGTH + 4)
        {
            return MALFORMED;
        }
        view.wrap(buffer, 0, messageLength);
        headerDecoder.wrap(view, 0);
        if (headerDecoder.schemaId() != MessageHeaderDecoder.SCHEMA_ID ||
            headerDecoder.templateId() != CheckpointCertificateDecoder.TEMPLATE_ID ||
            headerDecoder.blockLength() < CheckpointCertificateDecoder.BLOCK_LENGTH ||
            MessageHeaderDecoder.ENCODED_LENGTH + headerDecoder.blockLength() + 4 > messageLength)
        {
            return MALFORMED;
        }
        try
        {
            decoder.wrap(view, MessageHeaderDecoder.ENCODED_LENGTH, headerDecoder.blockLength(),
                headerDecoder.version());
            java.util.Arrays.fill(seen, false);
            final CheckpointCertificateDecoder.SignaturesDecoder group = decoder.signatures();
            int count = 0;
            int distinct = 0;
            while (group.hasNext())
            {
                group.next();
                final int node = group.nodeId();
                final int at = decoder.limit();
                final int signatureLength = group.signatureLength();
                if (node < 0 || node >= nodeCount || seen[node] || signatureLength <= 0 ||
                    signatureLength > MAX_SIGNATURE_LENGTH || at + 4 + signatureLength > messageLength)
                {
                    return node >= 0 && node < nodeCount && seen[node] ? TOO_FEW_SIGNERS : MALFORMED;
                }
                seen[node] = true;
                distinct++;
                signers[count] = node;
                offsets[count] = at + 4;
                lengths[count] = signatureLength;
                count++;
                group.skipSignature();
            }
            if (decoder.dataLength() < 0 || decoder.epoch() < 0)
            {
                return MALFORMED;
            }
            if (distinct < strongQuorum)
            {
                return TOO_FEW_SIGNERS;
            }
            decoder.getDigest(digestBytes, 0, 32);
            epoch = decoder.epoch();
            seqNo = decoder.seqNo();
            dataLength = decoder.dataLength();
            signerCount = count;
            length = decoder.limit();
            return VALID;
        }
        catch (final IndexOutOfBoundsException ex)
        {
            return MALFORMED;
        }
    }

    long epoch()
    {
        return epoch;
    }

    long seqNo()
    {
        return seqNo;
    }

    int dataLength()
    {
        return dataLength;
    }

    DirectBuffer digest()
    {
        return digest;
    }

    DirectBuffer buffer()
    {
        return buffer;
    }

    int length()
    {
        return length;
    }

    int signerCount()
    {
        return signerCount;
    }

    int[] signers()
    {
        return signers;
    }

    int[] signatureOffsets()
    {
        return offsets;
    }

    int[] signatureLengths()
    {
        return lengths;
    }

    /**
     * Write the statement this certificate's signatures sign.
     */
    void statement(final MutableDirectBuffer into)
    {
        statement(into, epoch, seqNo, digest, 0);
    }
}
