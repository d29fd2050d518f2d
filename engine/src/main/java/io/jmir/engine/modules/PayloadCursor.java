package io.jmir.engine.modules;

import io.jmir.codecs.engine.MessageHeaderDecoder;
import io.jmir.engine.Event;
import org.agrona.DirectBuffer;

import static io.jmir.codecs.EnvelopeLayout.BYTE_ORDER;
import static io.jmir.codecs.EnvelopeLayout.HEADER_LENGTH;
import static io.jmir.codecs.EnvelopeLayout.LENGTH_PREFIX;

/**
 * Bounds check of an SBE message body before a generated decoder reads it. The engine validates envelopes,
 * not the bodies of payloads: a group count or a var-data length inside a payload may point past its end.
 * Walk the message's layout with this cursor first (root block, groups, entries, var data, in schema order);
 * when it stays {@link #valid()} the generated decoder reads only bytes inside the message.
 * <pre>{@code
 *   if (cursor.wrap(event, HashRequestDecoder.BLOCK_LENGTH))
 *   {
 *       final int count = cursor.group(HashRequestDecoder.ItemsDecoder.sbeBlockLength());
 *       for (int i = 0; i < count && cursor.nextEntry(); i++)
 *       {
 *           cursor.varData();
 *       }
 *   }
 *   if (cursor.valid()) { ... decode ... }
 * }</pre>
 * Allocation free. <b>Threading:</b> one instance per module, used on the module's thread.
 */
public final class PayloadCursor
{
    private DirectBuffer buffer;
    private int limit;
    private int end;
    private int entryBlockLength;
    private int entriesLeft;
    private boolean valid;

    /**
     * Start at the root block of an event's payload.
     *
     * @param event          whose payload to walk.
     * @param minBlockLength root block length this module's decoder reads.
     * @return true when the root block is long enough and inside the payload.
     */
    public boolean wrap(final Event event, final int minBlockLength)
    {
        buffer = event.buffer();
        end = event.payloadOffset() + event.payloadLength();
        final int blockLength = event.blockLength();
        limit = event.bodyOffset() + blockLength;
        entriesLeft = 0;
        valid = blockLength >= minBlockLength && limit <= end;
        return valid;
    }

    /**
     * Start at the root block of an SBE message nested in other bytes (e.g. a message received from a peer),
     * checking its header names the expected schema and template.
     *
     * @param buffer         holding the message.
     * @param offset         of its message header.
     * @param length         bytes the message may occupy.
     * @param schemaId       expected schema id.
     * @param templateId     expected template id.
     * @param minBlockLength root block length the decoder reads.
     * @return true when the header matches and the root block is inside the message.
     */
    public boolean wrap(
        final DirectBuffer buffer,
        final int offset,
        final int length,
        final int schemaId,
        final int templateId,
        final int minBlockLength)
    {
        this.buffer = buffer;
        end = offset + length;
        entriesLeft = 0;
        valid = false;
        if (length < HEADER_LENGTH || offset < 0 || end > buffer.capacity() || end < offset)
        {
            return false;
        }
        if (schemaId(buffer, offset) != schemaId || templateId(buffer, offset) != templateId)
        {
            return false;
        }
        final int blockLength = blockLength(buffer, offset);
        limit = offset + HEADER_LENGTH + blockLength;
        valid = blockLength >= minBlockLength && limit <= end;
        return valid;
    }

    /**
     * Enter a repeating group at the current position.
     *
     * @param minEntryBlockLength entry block length the decoder reads.
     * @return number of entries, or -1 (and the cursor invalid) when the group header is out of bounds or its
     * block length too short.
     */
    public int group(final int minEntryBlockLength)
    {
        if (!valid || limit + 4 > end)
        {
            valid = false;
            return -1;
        }
        entryBlockLength = buffer.getShort(limit, BYTE_ORDER) & 0xFFFF;
        final int count = buffer.getShort(limit + 2, BYTE_ORDER) & 0xFFFF;
        limit += 4;
        if (entryBlockLength < minEntryBlockLength)
        {
            valid = false;
            return -1;
        }
        entriesLeft = count;
        return count;
    }

    /**
     * Step over the fixed block of the next group entry.
     *
     * @return true when there was an entry and its block is inside the message.
     */
    public boolean nextEntry()
    {
        if (!valid || entriesLeft <= 0 || entryBlockLength > end - limit)
        {
            valid = false;
            return false;
        }
        entriesLeft--;
        limit += entryBlockLength;
        return true;
    }

    /**
     * Step over one var-data field at the current position.
     *
     * @return its length, or -1 (and the cursor invalid) when the field runs past the end.
     */
    public int varData()
    {
        if (!valid || LENGTH_PREFIX > end - limit)
        {
            valid = false;
            return -1;
        }
        final long length = buffer.getInt(limit, BYTE_ORDER) & 0xFFFF_FFFFL;
        if (length > end - limit - LENGTH_PREFIX)
        {
            valid = false;
            return -1;
        }
        limit += LENGTH_PREFIX + (int)length;
        return (int)length;
    }

    /**
     * @return true while everything walked so far is inside the message.
     */
    public boolean valid()
    {
        return valid;
    }

    /**
     * @return position after the last element walked.
     */
    public int limit()
    {
        return limit;
    }

    /**
     * Schema id from an SBE message header.
     *
     * @param buffer holding the message.
     * @param offset of its header.
     * @return the schema id.
     */
    public static int schemaId(final DirectBuffer buffer, final int offset)
    {
        return buffer.getShort(offset + MessageHeaderDecoder.schemaIdEncodingOffset(), BYTE_ORDER) & 0xFFFF;
    }

    /**
     * Template id from an SBE message header.
     *
     * @param buffer holding the message.
     * @param offset of its header.
     * @return the template id.
     */
    public static int templateId(final DirectBuffer buffer, final int offset)
    {
        return buffer.getShort(offset + MessageHeaderDecoder.templateIdEncodingOffset(), BYTE_ORDER) & 0xFFFF;
    }

    /**
     * Block length from an SBE message header.
     *
     * @param buffer holding the message.
     * @param offset of its header.
     * @return the root block length.
     */
    public static int blockLength(final DirectBuffer buffer, final int offset)
    {
        return buffer.getShort(offset + MessageHeaderDecoder.blockLengthEncodingOffset(), BYTE_ORDER) & 0xFFFF;
    }

    /**
     * Schema version from an SBE message header.
     *
     * @param buffer holding the message.
     * @param offset of its header.
     * @return the version.
     */
    public static int version(final DirectBuffer buffer, final int offset)
    {
        return buffer.getShort(offset + MessageHeaderDecoder.versionEncodingOffset(), BYTE_ORDER) & 0xFFFF;
    }
}
