package io.jmir.journal;

import io.jmir.codecs.engine.MessageHeaderEncoder;
import io.jmir.codecs.engine.TickEncoder;
import io.jmir.codecs.engine.WalTruncateEncoder;
import io.jmir.journal.internal.JournalQueue;
import io.jmir.journal.internal.LogicalClock;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import net.openhft.chronicle.wire.DocumentContext;
import net.openhft.chronicle.wire.WireOut;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Helpers for journal tests: encode events, write raw excerpts, damage files on purpose.
 */
public final class TestJournals
{
    private TestJournals()
    {
    }

    public static int tick(final UnsafeBuffer buffer, final long nowNs, final long tickCount)
    {
        final TickEncoder encoder = new TickEncoder();
        encoder.wrapAndApplyHeader(buffer, 0, new MessageHeaderEncoder()).nowNs(nowNs).tickCount(tickCount);
        return MessageHeaderEncoder.ENCODED_LENGTH + encoder.encodedLength();
    }

    public static int walTruncate(final UnsafeBuffer buffer, final long retentionIndex)
    {
        final WalTruncateEncoder encoder = new WalTruncateEncoder();
        encoder.wrapAndApplyHeader(buffer, 0, new MessageHeaderEncoder()).retentionIndex(retentionIndex);
        return MessageHeaderEncoder.ENCODED_LENGTH + encoder.encodedLength();
    }

    /**
     * Append one raw excerpt into the given logical cycle of a journal directory, as a foreign or broken writer would.
     */
    public static void appendRaw(final Path directory, final int cycle, final Consumer<WireOut> writer)
    {
        final LogicalClock clock = new LogicalClock(JournalQueue.ROLL_CYCLE.lengthInMillis());
        clock.cycle(cycle);
        try (SingleChronicleQueue queue = SingleChronicleQueueBuilder.binary(directory.toFile())
            .rollCycle(JournalQueue.ROLL_CYCLE).timeProvider(clock).build();
            var appender = queue.createAppender())
        {
            try (DocumentContext dc = appender.writingDocument())
            {
                writer.accept(dc.wire());
            }
        }
    }

    public static List<Path> cycleFiles(final Path directory) throws IOException
    {
        try (Stream<Path> files = Files.list(directory))
        {
            return files.filter((p) -> p.getFileName().toString().endsWith(".cq4")).sorted()
                .collect(Collectors.toList());
        }
    }

    /**
     * Find the first occurrence of two consecutive little-endian longs in the journal's cycle files and flip the
     * lowest bit of the byte at {@code flipOffset} from the start of the match.
     *
     * @return true when found and flipped.
     */
    public static boolean flipAfterPattern(
        final Path directory, final long first, final long second, final int flipOffset) throws IOException
    {
        for (final Path file : cycleFiles(directory))
        {
            try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw");
                FileChannel channel = raf.getChannel())
            {
                final MappedByteBuffer map = channel.map(FileChannel.MapMode.READ_WRITE, 0, channel.size());
                map.order(ByteOrder.LITTLE_ENDIAN);
                final long limit = channel.size() - 16;
                for (int i = 0; i < limit; i++)
                {
                    if (map.getLong(i) == first && map.getLong(i + 8) == second)
                    {
                        map.put(i + flipOffset, (byte)(map.get(i + flipOffset) ^ 1));
                        map.force();
                        return true;
                    }
                }
            }
        }
        return false;
    }
}
