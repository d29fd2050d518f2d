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

    @Test
    void shouldRejectNegativeLengths()
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[256]);
        final int length = writeTickEnvelope(buffer);
        buffer.putInt(EnvelopeLayout.PAYLOAD_LENGTH_OFFSET, -5, ByteOrder.LITTLE_ENDIAN);
        assertThat(validator.validate(buffer, 0, length, 2)).isEqualTo(EnvelopeValidator.Result.BAD_PAYLOAD_LENGTH);
    }
}
