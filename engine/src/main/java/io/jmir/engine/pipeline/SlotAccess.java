package io.jmir.engine.pipeline;

import io.jmir.codecs.EnvelopeLayout;
import org.agrona.UnsafeApi;

import java.nio.ByteOrder;

/**
 * Unchecked little-endian accesses to ring slot memory by address, for the emit fast path: the caller has
 * already checked everything a bounds check would (the envelope fits the claimed slot: its length against the
 * slot capacity; the source range against its buffer's capacity), so each access is one load or store instead of
 * a bounds-checked buffer call that reloads the buffer's address and capacity. Stateless.
 */
final class SlotAccess
{
    private static final boolean SWAP = ByteOrder.nativeOrder() != EnvelopeLayout.BYTE_ORDER;

    private SlotAccess()
    {
    }

    /**
     * @param array   of a heap buffer, or null for memory by address.
     * @param address absolute address, or offset into the array.
     * @return the little-endian long there.
     */
    static long getLong(final byte[] array, final long address)
    {
        final long value = UnsafeApi.getLong(array, address);
        return SWAP ? Long.reverseBytes(value) : value;
    }

    /**
     * Write an envelope without follow-ups around a payload, as
     * {@link EnvelopeLayout#write(org.agrona.MutableDirectBuffer, int, int, int, long, org.agrona.DirectBuffer, int,
     * int)} does, into a slot the caller claimed and checked to hold {@code OVERHEAD + payloadLength} bytes.
     *
     * @param slot           address of the slot's first byte.
     * @param destination    module id.
     * @param source         module id of the emitter.
     * @param payloadHeader  the payload's message header as one little-endian long.
     * @param payloadArray   array of the payload's buffer, or null for off-heap memory.
     * @param payloadAddress address (or array offset) of the payload's first byte, bounds already checked.
     * @param payloadLength  of the payload.
     * @return length of the envelope written.
     */
    static int writeEnvelope(
        final long slot,
        final int destination,
        final int source,
        final long payloadHeader,
        final byte[] payloadArray,
        final long payloadAddress,
        final int payloadLength)
    {
        final long block = (destination & 0xFFFFL) |
            ((source & 0xFFFFL) << 16) |
            (payloadHeader & 0xFFFF_0000_0000L) |
            ((payloadHeader & 0xFFFF_0000L) << 32);
        putLong(slot, EnvelopeLayout.HEADER_WORD);
        putLong(slot + EnvelopeLayout.DESTINATION_OFFSET, block);
        putInt(slot + EnvelopeLayout.PAYLOAD_LENGTH_OFFSET, payloadLength);
        UnsafeApi.copyMemory(payloadArray, payloadAddress, null, slot + EnvelopeLayout.PAYLOAD_OFFSET, payloadLength);
        putInt(slot + EnvelopeLayout.PAYLOAD_OFFSET + payloadLength, 0);
        return EnvelopeLayout.OVERHEAD + payloadLength;
    }

    private static void putLong(final long address, final long value)
    {
        UnsafeApi.putLong(address, SWAP ? Long.reverseBytes(value) : value);
    }

    private static void putInt(final long address, final int value)
    {
        UnsafeApi.putInt(address, SWAP ? Integer.reverseBytes(value) : value);
    }
}
