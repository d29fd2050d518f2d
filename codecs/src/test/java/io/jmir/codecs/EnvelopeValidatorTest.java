package io.jmir.codecs;

import io.jmir.codecs.engine.MessageHeaderEncoder;
import io.jmir.codecs.engine.TickEncoder;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.nio.ByteOrder;

import static org.assertj.core.api.Assertions.assertThat;

class EnvelopeValidatorTest
{
    private final EnvelopeValidator validator = new EnvelopeValidator(new SchemaRegistry());

    private static int writeTickEnvelope(final UnsafeBuffer buffer)
    {
        final UnsafeBuffer payload = new UnsafeBuffer(new byte[64]);
        new TickEncoder().wrapAndApplyHeader(payload, 0, new MessageHeaderEncoder()).nowNs(1).tickCount(2);
        return EnvelopeLayout.write(buffer, 0, 1, 0, payload, 0, MessageHeaderEncoder.ENCODED_LENGTH +
            TickEncoder.BLOCK_LENGTH);
    }

    @Test
    void shouldAcceptWellFormedEnvelope()
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[256]);
        final int length = writeTickEnvelope(buffer);
        assertThat(validator.validate(buffer, 0, length, 2)).isEqualTo(EnvelopeValidator.Result.OK);
        assertThat(validator.validate(buffer, 0, length, 1)).isEqualTo(EnvelopeValidator.Result.UNKNOWN_DESTINATION);
        assertThat(validator.validate(buffer, 0, length - 1, 2)).isNotEqualTo(EnvelopeValidator.Result.OK);
        assertThat(EnvelopeLayout.totalLength(buffer, 0)).isEqualTo(length);
    }

    @Property(tries = 2000)
    void shouldNeverThrowOnTruncatedOrBitFlippedEnvelopes(
        @ForAll @IntRange(min = 0, max = 60) final int cut,
        @ForAll @IntRange(min = 0, max = 59) final int flipByte,
        @ForAll @IntRange(min = 0, max = 7) final int flipBit)
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[256]);
        final int length = writeTickEnvelope(buffer);
        final int index = flipByte % length;
        buffer.putByte(index, (byte)(buffer.getByte(index) ^ (1 << flipBit)));
        final int validated = Math.min(cut, length);
        final EnvelopeValidator.Result result = validator.validate(buffer, 0, validated, 4);
        assertThat(result).isNotNull();
        if (validated < length)
        {
            assertThat(result).isNotEqualTo(EnvelopeValidator.Result.OK);
        }
    }

    @Property(tries = 3000)
    void shouldGiveTheSameResultOnTheEmissionFastPathAsTheFullValidation(
        @ForAll @IntRange(min = 0, max = 60) final int cut,
        @ForAll @IntRange(min = 0, max = 59) final int flipByte,
        @ForAll @IntRange(min = 0, max = 7) final int flipBit,
        @ForAll @IntRange(min = 1, max = 4) final int moduleCount,
        @ForAll final boolean flip)
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[256]);
        final int length = writeTickEnvelope(buffer);
        if (flip)
        {
            final int index = flipByte % length;
            buffer.putByte(index, (byte)(buffer.getByte(index) ^ (1 << flipBit)));
        }
        final int validated = Math.min(cut, length);
        assertThat(validator.validateBuilt(buffer, 0, validated, moduleCount))
            .isEqualTo(new EnvelopeValidator(new SchemaRegistry()).validate(buffer, 0, validated, moduleCount));
    }

    @Property(tries = 1000)
    void shouldCheckAPayloadHeaderAsTheFullValidationDoes(
        @ForAll @IntRange(min = 0, max = 40) final int payloadLength,
        @ForAll @IntRange(min = 0, max = 64) final int blockLength,
        @ForAll @IntRange(min = 0, max = 40) final int templateId,
        @ForAll @IntRange(min = 0, max = 3) final int schemaId)
    {
        final UnsafeBuffer payload = new UnsafeBuffer(new byte[128]);
        new MessageHeaderEncoder().wrap(payload, 0).blockLength(blockLength).templateId(templateId)
            .schemaId(schemaId).version(1);
        final UnsafeBuffer envelope = new UnsafeBuffer(new byte[256]);
        final int length = EnvelopeLayout.write(envelope, 0, 1, 0, payload, 0, payloadLength);
        final EnvelopeValidator.Result expected = payloadLength < MessageHeaderEncoder.ENCODED_LENGTH ?
            EnvelopeValidator.Result.BAD_PAYLOAD_HEADER :
            new EnvelopeValidator(new SchemaRegistry()).validate(envelope, 0, length, 2);
        assertThat(validator.validatePayloadHeader(payload, 0, payloadLength)).isEqualTo(expected);
        assertThat(validator.validateBuilt(envelope, 0, length, 2)).isEqualTo(
            new EnvelopeValidator(new SchemaRegistry()).validate(envelope, 0, length, 2));
    }

    @Test
    void shouldWriteTheSameEnvelopeWithTheWideWriter()
    {
        final UnsafeBuffer payload = new UnsafeBuffer(new byte[64]);
        new TickEncoder().wrapAndApplyHeader(payload, 0, new MessageHeaderEncoder()).nowNs(1).tickCount(2);
        final int payloadLength = MessageHeaderEncoder.ENCODED_LENGTH + TickEncoder.BLOCK_LENGTH;
        final UnsafeBuffer narrow = new UnsafeBuffer(new byte[128]);
        final UnsafeBuffer wide = new UnsafeBuffer(new byte[128]);
        final int length = EnvelopeLayout.write(narrow, 0, 3, 0xFFFF, payload, 0, payloadLength);
        assertThat(EnvelopeLayout.write(wide, 0, 3, 0xFFFF, payload.getLong(0, ByteOrder.LITTLE_ENDIAN), payload, 0,
            payloadLength)).isEqualTo(length);
        assertThat(wide.byteArray()).isEqualTo(narrow.byteArray());
        assertThat(EnvelopeLayout.destination(wide, 0)).isEqualTo(3);
        assertThat(EnvelopeLayout.source(wide, 0)).isEqualTo(0xFFFF);
        assertThat(EnvelopeLayout.eventSchemaId(wide, 0)).isEqualTo(TickEncoder.SCHEMA_ID);
        assertThat(EnvelopeLayout.eventTemplateId(wide, 0)).isEqualTo(TickEncoder.TEMPLATE_ID);
        assertThat(EnvelopeLayout.blockLength(wide, 0)).isEqualTo(EnvelopeLayout.BLOCK_LENGTH);
        assertThat(EnvelopeLayout.payloadLength(wide, 0)).isEqualTo(payloadLength);
    }

    @Test
    void shouldRejectNegativeLengths()
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[256]);
        final int length = writeTickEnvelope(buffer);
        buffer.putInt(EnvelopeLayout.PAYLOAD_LENGTH_OFFSET, -5, ByteOrder.LITTLE_ENDIAN);
        assertThat(validator.validate(buffer, 0, length, 2)).isEqualTo(EnvelopeValidator.Result.BAD_PAYLOAD_LENGTH);
    }
}
