package io.jmir.engine.pipeline;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.agrona.BitUtil.CACHE_LINE_LENGTH;
import static org.assertj.core.api.Assertions.assertThat;

@Timeout(10)
class SlotRingTest
{
    @Test
    void shouldHandOutDistinctAlignedSlotsAndRefuseClaimsWhileFull()
    {
        final SlotRing ring = new SlotRing(4, 128, true, false);
        assertThat(ring.address % CACHE_LINE_LENGTH).as("slot memory cache-line aligned").isZero();
        for (int i = 0; i < 4; i++)
        {
            final long sequence = ring.tryClaim();
            assertThat(sequence).isEqualTo(i);
            assertThat(ring.address(sequence)).isEqualTo(ring.address + 128L * i);
            ring.length(sequence, 10 + i);
            ring.publish(sequence);
        }
        assertThat(ring.tryClaim()).as("all four slots are unconsumed").isEqualTo(-1);
        assertThat(ring.hasPending()).isTrue();
        assertThat(ring.highestPublished(0, ring.cursor())).isEqualTo(3);

        ring.consumed(1);
        assertThat(ring.remainingCapacity()).isEqualTo(2);
        final long wrapped = ring.tryClaim();
        assertThat(wrapped).isEqualTo(4);
        assertThat(ring.address(wrapped)).as("sequence 4 reuses slot 0").isEqualTo(ring.address);
        ring.length(wrapped, 7);
        assertThat(ring.lengths[0]).isEqualTo(7);
        assertThat(ring.lengths[2]).isEqualTo(12);
    }

    @Test
    void shouldReportOnlyTheGaplessPrefixOfAMultiProducerRing()
    {
        final SlotRing ring = new SlotRing(8, 64, false, true);
        final long first = ring.tryClaim();
        final long second = ring.tryClaim();
        final long third = ring.tryClaim();
        ring.publish(first);
        ring.publish(third);
        assertThat(ring.cursor()).as("claims move a multi-producer cursor").isEqualTo(third);
        assertThat(ring.highestPublished(first, ring.cursor()))
            .as("the second slot is claimed but not yet published").isEqualTo(first);
        ring.publish(second);
        assertThat(ring.highestPublished(first, ring.cursor())).isEqualTo(third);
    }

    @Test
    void shouldGiveForeignWritersABufferOverExactlyTheirSlot()
    {
        final SlotRing ring = new SlotRing(4, 64, false, true);
        ring.tryClaim();
        final long sequence = ring.tryClaim();
        final UnsafeBuffer buffer = ring.slotBuffer(sequence);
        assertThat(buffer.capacity()).isEqualTo(64);
        assertThat(buffer.addressOffset()).isEqualTo(ring.address(sequence));
        buffer.putLong(0, 0x1122334455667788L);
        assertThat(new UnsafeBuffer(ring.address, 4 * 64).getLong(64)).isEqualTo(0x1122334455667788L);
    }
}
