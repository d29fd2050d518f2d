package io.jmir.journal.wal;

import io.jmir.codecs.SchemaRegistry;
import io.jmir.codecs.engine.MessageHeaderEncoder;
import io.jmir.codecs.engine.TickEncoder;
import io.jmir.journal.ChildJvm;
import io.jmir.journal.JournalFields;
import io.jmir.journal.internal.JournalQueue;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.queue.ChronicleReaderMain;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import net.openhft.chronicle.wire.DocumentContext;
import net.openhft.chronicle.wire.Wire;
import net.openhft.chronicle.wire.WireType;
import org.agrona.BufferUtil;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32C;

import static org.assertj.core.api.Assertions.assertThat;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class WalEntryWriterTest
{
    private static final int NODE = 3;
    private static final int[] SIZES = {0, 1, 7, 8, 24, 64, 253, 254, 255, 256, 1023, 1024, 1025, 4096, 65534, 65535,
        70_000};

    @TempDir
    Path tmp;

    private record Entry(String type, int node, long retentionIndex, String entryType, byte[] entry, int crc)
    {
    }

    @Test
    void shouldWriteTheSameFieldsAsTheWireApiForEverySizeAndType() throws Exception
    {
        final SchemaRegistry schemas = new SchemaRegistry().register(77, "app", new String[] {null,
            "AVeryLongEventTypeNameThatMakesTheHeadLongerThanUsual".repeat(8)});
        final List<Entry> assembled = writeAndRead(tmp.resolve("assembled"), schemas, true, false);
        final List<Entry> wireApi = writeAndRead(tmp.resolve("wire"), schemas, false, false);
        assertThat(assembled).hasSize(SIZES.length * 4);
        for (int i = 0; i < assembled.size(); i++)
        {
            final Entry a = assembled.get(i);
            final Entry w = wireApi.get(i);
            assertThat(a.type()).isEqualTo(JournalFields.TYPE_WAL_ENTRY).isEqualTo(w.type());
            assertThat(a.node()).isEqualTo(NODE).isEqualTo(w.node());
            assertThat(a.retentionIndex()).isEqualTo(w.retentionIndex());
            assertThat(a.entryType()).isEqualTo(w.entryType());
            assertThat(a.entry()).isEqualTo(w.entry());
            assertThat(a.crc()).isEqualTo(w.crc()).isEqualTo(crc(a.retentionIndex(), a.entry()));
        }
        assertThat(assembled.get(0).entryType()).isEqualTo(JournalFields.OPAQUE);
        assertThat(assembled.stream().map(Entry::entryType)).contains("Tick", JournalFields.OPAQUE,
            "AVeryLongEventTypeNameThatMakesTheHeadLongerThanUsual".repeat(8));
    }

    @Test
    void shouldWriteTheSameBytesInOnePieceOrInParts()
    {
        final SchemaRegistry schemas = new SchemaRegistry();
        final UnsafeBuffer direct = new UnsafeBuffer(BufferUtil.allocateDirectAligned(80_000, 64));
        for (final int size : SIZES)
        {
            fill(direct, 3, size, 0, size);
            // room for the whole document in direct memory: copied in one piece
            final WalEntryWriter onePiece = new WalEntryWriter(WireType.BINARY_LIGHT, NODE, schemas, 64);
            final Bytes<?> mapped = Bytes.allocateElasticDirect(200_000);
            onePiece.writeBody(mapped, size * 3L, direct, 3, size);
            assertThat(onePiece.splitDocuments()).isZero();
            // heap memory, or too little room: head, entry and tail written through Bytes.write
            final WalEntryWriter parts = new WalEntryWriter(WireType.BINARY_LIGHT, NODE, schemas, 64);
            final Bytes<?> heap = Bytes.allocateElasticOnHeap(16);
            parts.writeBody(heap, size * 3L, direct, 3, size);
            final Bytes<?> small = Bytes.allocateElasticDirect(16);
            parts.writeBody(small, size * 3L, direct, 3, size);
            assertThat(parts.splitDocuments()).isEqualTo(2);
            assertThat(heap.toByteArray()).isEqualTo(mapped.toByteArray());
            assertThat(small.toByteArray()).isEqualTo(mapped.toByteArray());
            final Wire wire = WireType.BINARY_LIGHT.apply(mapped);
            assertThat(wire.read(JournalFields.TYPE).text()).isEqualTo(JournalFields.TYPE_WAL_ENTRY);
            assertThat(wire.read(JournalFields.NODE).int32()).isEqualTo(NODE);
            assertThat(wire.read(JournalFields.RETENTION_INDEX).int64()).isEqualTo(size * 3L);
            wire.read(JournalFields.ENTRY_TYPE).text();
            final Bytes<?> entry = Bytes.allocateElasticOnHeap();
            wire.read(JournalFields.ENTRY).bytes(entry);
            final byte[] expected = new byte[size];
            direct.getBytes(3, expected);
            assertThat(entry.toByteArray()).isEqualTo(expected);
            assertThat(wire.read(JournalFields.CRC).int32()).isEqualTo(crc(size * 3L, expected));
            assertThat(mapped.readRemaining()).isZero();
        }
    }

    @Test
    void shouldReadBackRetentionIndexesOfEveryEncodedLength()
    {
        final long[] retentionIndexes = {0, 1, 127, 128, -1, -128, 255, 32_767, 32_768, -32_769, 65_536,
            Integer.MAX_VALUE, Integer.MIN_VALUE, 1L << 31, 1L << 40, Long.MAX_VALUE, Long.MIN_VALUE, 5, 1L << 33, 7};
        final Path dir = tmp.resolve("retention");
        final UnsafeBuffer direct = new UnsafeBuffer(BufferUtil.allocateDirectAligned(4096, 64));
        final UnsafeBuffer heap = new UnsafeBuffer(new byte[4096]);
        final List<byte[]> written = new ArrayList<>();
        try (SingleChronicleQueue queue = SingleChronicleQueueBuilder.binary(dir.toFile())
            .rollCycle(JournalQueue.ROLL_CYCLE).build();
            ExcerptAppender appender = queue.createAppender())
        {
            final WalEntryWriter writer = new WalEntryWriter(queue.wireType(), NODE, new SchemaRegistry(), 64);
            for (int i = 0; i < retentionIndexes.length; i++)
            {
                final UnsafeBuffer buffer = i % 2 == 0 ? direct : heap;
                final int size = i % 3 == 0 ? 300 : 40 + i;
                fill(buffer, 1, size, i % 4, i);
                writer.write(appender, retentionIndexes[i], buffer, 1, size);
                final byte[] entry = new byte[size];
                buffer.getBytes(1, entry);
                written.add(entry);
            }
        }
        final List<Entry> read = readAll(dir);
        assertThat(read).hasSize(retentionIndexes.length);
        for (int i = 0; i < read.size(); i++)
        {
            assertThat(read.get(i).retentionIndex()).isEqualTo(retentionIndexes[i]);
            assertThat(read.get(i).entry()).isEqualTo(written.get(i));
            assertThat(read.get(i).crc()).isEqualTo(crc(retentionIndexes[i], written.get(i)));
        }
        assertThat(read.stream().map(Entry::entryType)).contains("Tick", JournalFields.OPAQUE);
    }

    @Test
    void shouldBePrintedReadablyByChronicleReaderMain() throws Exception
    {
        final Path dir = tmp.resolve("readable");
        writeAndRead(dir, new SchemaRegistry(), true, true);
        final Process dump = ChildJvm.command(ChronicleReaderMain.class, "-d", dir.toString())
            .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        final String output = new String(dump.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(dump.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(output).contains("type: WalEntry", "node: " + NODE, "retentionIndex: 2000", "entryType: Tick",
            "entryType: opaque", "entry: !!binary", "crc: ");
    }

    private List<Entry> writeAndRead(
        final Path dir, final SchemaRegistry schemas, final boolean assemble, final boolean smallOnly)
    {
        final List<Entry> entries = new ArrayList<>();
        try (SingleChronicleQueue queue = SingleChronicleQueueBuilder.binary(dir.toFile())
            .rollCycle(JournalQueue.ROLL_CYCLE).build())
        {
            final WalEntryWriter writer = new WalEntryWriter(queue.wireType(), NODE, schemas, 64, assemble);
            final UnsafeBuffer heap = new UnsafeBuffer(new byte[80_000]);
            final UnsafeBuffer direct = new UnsafeBuffer(BufferUtil.allocateDirectAligned(80_000, 64));
            try (ExcerptAppender appender = queue.createAppender())
            {
                long retention = 0;
                for (final int size : SIZES)
                {
                    if (smallOnly && size > 4096)
                    {
                        continue;
                    }
                    for (int variant = 0; variant < 4; variant++)
                    {
                        final UnsafeBuffer buffer = variant % 2 == 0 ? heap : direct;
                        final int offset = 5;
                        fill(buffer, offset, size, variant, retention);
                        writer.write(appender, retention * 100 + variant, buffer, offset, size);
                        retention++;
                    }
                }
            }
        }
        entries.addAll(readAll(dir));
        return entries;
    }

    private static List<Entry> readAll(final Path dir)
    {
        final List<Entry> entries = new ArrayList<>();
        try (SingleChronicleQueue queue = SingleChronicleQueueBuilder.binary(dir.toFile())
            .rollCycle(JournalQueue.ROLL_CYCLE).build();
            ExcerptTailer tailer = queue.createTailer())
        {
            final Bytes<?> entry = Bytes.allocateElasticOnHeap();
            while (true)
            {
                try (DocumentContext dc = tailer.readingDocument())
                {
                    if (!dc.isPresent())
                    {
                        break;
                    }
                    final Wire wire = dc.wire();
                    final String type = wire.read(JournalFields.TYPE).text();
                    final int node = wire.read(JournalFields.NODE).int32();
                    final long retentionIndex = wire.read(JournalFields.RETENTION_INDEX).int64();
                    final String entryType = wire.read(JournalFields.ENTRY_TYPE).text();
                    entry.clear();
                    wire.read(JournalFields.ENTRY).bytes(entry);
                    final int crc = wire.read(JournalFields.CRC).int32();
                    entries.add(new Entry(type, node, retentionIndex, entryType, entry.toByteArray(), crc));
                }
            }
        }
        return entries;
    }

    private static void fill(
        final UnsafeBuffer buffer, final int offset, final int size, final int variant, final long seed)
    {
        for (int i = 0; i < size; i++)
        {
            buffer.putByte(offset + i, (byte)(seed * 31 + i));
        }
        if (size >= MessageHeaderEncoder.ENCODED_LENGTH)
        {
            final MessageHeaderEncoder header = new MessageHeaderEncoder().wrap(buffer, offset);
            if (variant == 0 || variant == 1)
            {
                header.blockLength(TickEncoder.BLOCK_LENGTH).templateId(TickEncoder.TEMPLATE_ID)
                    .schemaId(TickEncoder.SCHEMA_ID).version(TickEncoder.SCHEMA_VERSION);
            }
            else if (variant == 2)
            {
                header.blockLength(0).templateId(1).schemaId(77).version(1);
            }
            else
            {
                header.blockLength(0).templateId(9).schemaId(999).version(1);
            }
        }
    }

    private static int crc(final long retentionIndex, final byte[] entry)
    {
        final CRC32C crc = new CRC32C();
        final UnsafeBuffer retention = new UnsafeBuffer(new byte[Long.BYTES]);
        retention.putLong(0, retentionIndex, ByteOrder.LITTLE_ENDIAN);
        crc.update(retention.byteArray());
        crc.update(entry);
        return (int)crc.getValue();
    }
}
