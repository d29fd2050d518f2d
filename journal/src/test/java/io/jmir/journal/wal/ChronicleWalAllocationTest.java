package io.jmir.journal.wal;

import io.jmir.codecs.EnvelopeLayout;
import io.jmir.codecs.engine.MessageHeaderEncoder;
import io.jmir.codecs.engine.WalAppendEncoder;
import io.jmir.engine.Emitter;
import io.jmir.engine.Event;
import io.jmir.engine.EventBuilder;
import io.jmir.engine.Module;
import io.jmir.engine.NodeDefinition;
import io.jmir.engine.internal.DefaultModuleContext;
import org.agrona.BufferUtil;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The WAL's append path (onEvent(WalAppend) + onEndOfBatch) allocates nothing in steady state, for entries in
 * heap and in off-heap buffers.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ChronicleWalAllocationTest
{
    private static final int APPENDS = 400_000;

    @TempDir
    Path tmp;

    @Test
    void shouldAppendWithoutAllocating()
    {
        final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();
        final ChronicleWal wal = new ChronicleWal(new ChronicleWal.Context().directory(tmp.resolve("wal")));
        final NodeDefinition definition = new NodeDefinition(0, 1).module("protocol", (event, emitter) -> { })
            .module("wal", wal);
        wal.onAttach(new DefaultModuleContext(definition, 1));
        final Emitter emitter = new Emitter()
        {
            public EventBuilder event(final int destination)
            {
                throw new IllegalStateException("nothing to recover");
            }

            public boolean isBackPressured()
            {
                return false;
            }
        };
        wal.recover(emitter);
        final Event heapEvent = walAppend(new UnsafeBuffer(new byte[1024]), 512);
        final Event directEvent = walAppend(new UnsafeBuffer(BufferUtil.allocateDirectAligned(1024, 64)), 512);
        appendMany(wal, heapEvent, directEvent, emitter, 100_000);
        final long before = threads.getThreadAllocatedBytes(Thread.currentThread().getId());
        appendMany(wal, heapEvent, directEvent, emitter, APPENDS);
        final long allocated = threads.getThreadAllocatedBytes(Thread.currentThread().getId()) - before;
        wal.onClose();
        assertThat(wal.appended()).isEqualTo(100_000 + APPENDS);
        assertThat((double)allocated / APPENDS).as("bytes allocated per append (%d in total)", allocated)
            .isLessThan(0.05);
    }

    private static void appendMany(
        final Module wal, final Event heap, final Event direct, final Emitter emitter, final int count)
    {
        for (int i = 0; i < count; i++)
        {
            wal.onEvent((i & 1) == 0 ? heap : direct, emitter);
            if ((i & 15) == 15)
            {
                wal.onEndOfBatch(emitter);
            }
        }
    }

    private static Event walAppend(final UnsafeBuffer buffer, final int entryLength)
    {
        final UnsafeBuffer payload = new UnsafeBuffer(new byte[entryLength + 64]);
        final WalAppendEncoder encoder = new WalAppendEncoder();
        encoder.wrapAndApplyHeader(payload, 0, new MessageHeaderEncoder()).retentionIndex(42)
            .putEntry(new byte[entryLength], 0, entryLength);
        final int length = EnvelopeLayout.write(buffer, 0, 1, 0, payload, 0, encoder.limit());
        return new Event().wrap(buffer, 0, length);
    }
}
