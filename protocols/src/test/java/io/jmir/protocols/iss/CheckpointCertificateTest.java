package io.jmir.protocols.iss;

import io.jmir.protocols.codecs.CheckpointCertificateEncoder;
import io.jmir.protocols.codecs.MessageHeaderEncoder;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The structure checks of a checkpoint certificate (ADR 0014), before any signature is verified: 2f+1 distinct
 * known signers, sane signature lengths, nothing outside the message; random bytes never throw.
 */
@Timeout(10)
class CheckpointCertificateTest
{
    private final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer(1024);
    private final CheckpointCertificate certificate = new CheckpointCertificate(4, 3);

    @Test
    void shouldAcceptTwoFPlusOneDistinctSignersAndExposeThemForVerification()
    {
        final int length = encode(new int[]{0, 2, 3}, 64);
        assertThat(certificate.parse(buffer, 0, length)).isEqualTo(CheckpointCertificate.VALID);
        assertThat(certificate.epoch()).isEqualTo(5);
        assertThat(certificate.seqNo()).isEqualTo(71);
        assertThat(certificate.dataLength()).isEqualTo(300);
        assertThat(certificate.signerCount()).isEqualTo(3);
        assertThat(certificate.signers()).startsWith(0, 2, 3);
        assertThat(certificate.signatureLengths()).startsWith(64, 64, 64);
        assertThat(certificate.buffer().getByte(certificate.signatureOffsets()[1])).isEqualTo((byte)2);
        final UnsafeBuffer statement = new UnsafeBuffer(new byte[CheckpointCertificate.STATEMENT_LENGTH]);
        certificate.statement(statement);
        assertThat(statement.getLong(0)).isEqualTo(CheckpointCertificate.STATEMENT_TAG);
        assertThat(statement.getLong(8)).isEqualTo(5);
        assertThat(statement.getLong(16)).isEqualTo(71);
        assertThat(statement.getByte(24)).isEqualTo((byte)9);
    }

    @Test
    void shouldRejectTooFewDuplicateOrUnknownSigners()
    {
        assertThat(certificate.parse(buffer, 0, encode(new int[]{0, 1}, 64)))
            .isEqualTo(CheckpointCertificate.TOO_FEW_SIGNERS);
        assertThat(certificate.epoch()).as("cleared").isEqualTo(-1);
        assertThat(certificate.parse(buffer, 0, encode(new int[]{0, 1, 1}, 64)))
            .isEqualTo(CheckpointCertificate.TOO_FEW_SIGNERS);
        assertThat(certificate.parse(buffer, 0, encode(new int[]{0, 1, 7}, 64)))
            .isEqualTo(CheckpointCertificate.MALFORMED);
        assertThat(certificate.parse(buffer, 0, encode(new int[]{0, 1, 2}, 65)))
            .isEqualTo(CheckpointCertificate.MALFORMED);
        assertThat(certificate.parse(buffer, 0, encode(new int[]{0, 1, 2}, 0)))
            .isEqualTo(CheckpointCertificate.MALFORMED);
    }

    @Test
    void shouldRejectTruncatedAndRandomBytesWithoutThrowing()
    {
        final int length = encode(new int[]{0, 1, 2}, 64);
        for (int cut = 0; cut < length; cut++)
        {
            assertThat(certificate.parse(buffer, 0, cut)).as("cut at " + cut).isNotEqualTo(CheckpointCertificate.VALID);
        }
        final byte[] template = new byte[length];
        buffer.getBytes(0, template);
        final Random random = new Random(3);
        final ExpandableArrayBuffer noise = new ExpandableArrayBuffer(1024);
        for (int i = 0; i < 5000; i++)
        {
            final int noiseLength = random.nextInt(length + 32);
            for (int b = 0; b < noiseLength; b++)
            {
                noise.putByte(b, b < length && random.nextInt(8) != 0 ? template[b] : (byte)random.nextInt());
            }
            certificate.parse(noise, 0, noiseLength);
        }
        assertThat(certificate.parse(buffer, 0, length)).isEqualTo(CheckpointCertificate.VALID);
    }

    private int encode(final int[] signers, final int signatureLength)
    {
        final byte[] digest = new byte[32];
        digest[0] = 9;
        final CheckpointCertificateEncoder encoder = new CheckpointCertificateEncoder();
        final CheckpointCertificateEncoder.SignaturesEncoder group = encoder
            .wrapAndApplyHeader(buffer, 0, new MessageHeaderEncoder()).epoch(5).seqNo(71).putDigest(digest, 0, 32)
            .dataLength(300).signaturesCount(signers.length);
        for (final int signer : signers)
        {
            final byte[] signature = new byte[signatureLength];
            java.util.Arrays.fill(signature, (byte)signer);
            group.next().nodeId(signer).putSignature(signature, 0, signatureLength);
        }
        return MessageHeaderEncoder.ENCODED_LENGTH + encoder.encodedLength();
    }
}
