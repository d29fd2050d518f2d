package io.jmir.journal.requests;

import io.jmir.journal.JournalFields;
import io.jmir.journal.JournalHeader;
import io.jmir.journal.JournalKind;
import io.jmir.journal.JournalMismatchException;
import io.jmir.journal.internal.EntryChecksum;
import io.jmir.journal.internal.JournalQueue;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.wire.DocumentContext;
import net.openhft.chronicle.wire.ValueIn;
import net.openhft.chronicle.wire.Wire;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Rebuilds a {@link ChronicleRequestStore}'s index by reading its queue once from the start. Damaged puts are
 * skipped (a request payload can be fetched again from other nodes); an unreadable excerpt skips the rest of its
 * cycle. Headers must name this node and kind.
 * <p>
 * <b>Threading:</b> single use, on the thread that attaches the store.
 */
final class RequestStoreLoader
{
    private final ChronicleRequestStore store;
    private final StringBuilder name = new StringBuilder();
    private final Bytes<?> bytes = Bytes.allocateElasticDirect(4096);
    private final UnsafeBuffer view = new UnsafeBuffer(0, 0);
    private final EntryChecksum checksum = new EntryChecksum(4096);

    RequestStoreLoader(final ChronicleRequestStore store)
    {
        this.store = store;
    }

    void load()
    {
        final JournalQueue queue = store.queue();
        if (queue.isEmpty())
        {
            return;
        }
        final int lastCycle = queue.queue().lastCycle();
        try (ExcerptTailer tailer = queue.tailer())
        {
            boolean more = true;
            while (more)
            {
                try (DocumentContext dc = tailer.readingDocument())
                {
                    if (!dc.isPresent())
                    {
                        more = skipToNextCycle(tailer, tailer.cycle(), lastCycle);
                        continue;
                    }
                    readExcerpt(dc.wire(), dc.index(), queue);
                }
                catch (final JournalMismatchException ex)
                {
                    throw ex;
                }
                catch (final RuntimeException ex)
                {
                    store.damaged(tailer.index(), "unreadable excerpt: " + ex);
                    more = skipToNextCycle(tailer, tailer.cycle(), lastCycle);
                }
            }
        }
        finally
        {
            bytes.releaseLast();
        }
    }

    private void readExcerpt(final Wire wire, final long index, final JournalQueue queue)
    {
        final String type = wire.read(JournalFields.TYPE).text();
        if (JournalFields.TYPE_HEADER.equals(type))
        {
            final JournalHeader header = JournalHeader.read(wire);
            header.verify(queue.directory(), JournalKind.REQUESTS, store.nodeId());
            store.loadedCollection(header.truncatedBelow());
        }
        else if (JournalFields.TYPE_REQUEST_GC.equals(type))
        {
            wire.read(JournalFields.NODE).int32();
            store.loadedCollection(wire.read(JournalFields.RETENTION_INDEX).int64());
        }
        else if (JournalFields.TYPE_REQUEST_PUT.equals(type))
        {
            readPutForIndex(wire, index);
        }
        else
        {
            store.damaged(index, "unknown excerpt type '" + type + "'");
        }
    }

    private void readPutForIndex(final Wire wire, final long index)
    {
        final ValueIn node = named(wire, name, JournalFields.NODE);
        final ValueIn client = node == null || node.int32() != store.nodeId() ? null :
            named(wire, name, JournalFields.CLIENT_ID);
        final long clientId = client == null ? 0 : client.int64();
        final ValueIn request = client == null ? null : named(wire, name, JournalFields.REQUEST_NO);
        final long requestNo = request == null ? 0 : request.int64();
        final ValueIn retention = request == null ? null : named(wire, name, JournalFields.RETENTION_INDEX);
        if (retention == null)
        {
            store.damaged(index, "RequestPut with missing fields or another node's id");
            return;
        }
        final long retentionIndex = retention.int64();
        final int length = readPayloadAndCheck(wire, name, bytes, view, checksum, retentionIndex);
        if (length < 0)
        {
            store.damaged(index, "checksum mismatch or missing payload in request " + clientId + "/" + requestNo);
        }
        else
        {
            store.loaded(clientId, requestNo, index, retentionIndex, length);
        }
    }

    /**
     * Read the RequestPut excerpt a tailer is positioned on (for gets), allocation free.
     *
     * @return true when the payload is intact; it is then in {@code view}.
     */
    static boolean readPut(final Wire wire, final StringBuilder name, final Bytes<?> bytes, final UnsafeBuffer view,
        final EntryChecksum checksum, final long expectedRetention)
    {
        name.setLength(0);
        wire.read(JournalFields.TYPE).textTo(name);
        if (!JournalFields.TYPE_REQUEST_PUT.contentEquals(name))
        {
            return false;
        }
        wire.read(JournalFields.NODE).int32();
        wire.read(JournalFields.CLIENT_ID).int64();
        wire.read(JournalFields.REQUEST_NO).int64();
        final long retentionIndex = wire.read(JournalFields.RETENTION_INDEX).int64();
        return retentionIndex == expectedRetention &&
            readPayloadAndCheck(wire, name, bytes, view, checksum, retentionIndex) >= 0;
    }

    private static int readPayloadAndCheck(final Wire wire, final StringBuilder name, final Bytes<?> bytes,
        final UnsafeBuffer view, final EntryChecksum checksum, final long retentionIndex)
    {
        final ValueIn payload = named(wire, name, JournalFields.PAYLOAD);
        if (payload == null)
        {
            return -1;
        }
        bytes.clear();
        payload.bytes(bytes);
        final ValueIn crc = named(wire, name, JournalFields.CRC);
        if (crc == null)
        {
            return -1;
        }
        final int stored = crc.int32();
        final int length = (int)bytes.readRemaining();
        view.wrap(bytes.addressForRead(bytes.readPosition()), length);
        if (checksum.compute(retentionIndex, view, 0, length) != stored)
        {
            return -1;
        }
        view.wrap(bytes.addressForRead(bytes.readPosition()), length);
        return length;
    }

    private static ValueIn named(final Wire wire, final StringBuilder name, final String field)
    {
        if (!wire.hasMore())
        {
            return null;
        }
        final ValueIn value = wire.readEventName(name);
        return field.contentEquals(name) ? value : null;
    }

    private static boolean skipToNextCycle(final ExcerptTailer tailer, final int cycle, final int lastCycle)
    {
        for (int next = cycle + 1; next <= lastCycle; next++)
        {
            if (tailer.moveToCycle(next))
            {
                return true;
            }
        }
        return false;
    }
}
