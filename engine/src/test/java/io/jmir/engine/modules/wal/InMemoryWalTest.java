package io.jmir.engine.modules.wal;

import io.jmir.codecs.EngineEvents;
import io.jmir.codecs.engine.MessageHeaderEncoder;
import io.jmir.codecs.engine.WalAppendEncoder;
import io.jmir.codecs.engine.WalEntryLoadedDecoder;
import io.jmir.codecs.engine.WalTruncateEncoder;
import io.jmir.engine.ConfigurationException;
import io.jmir.engine.Module;
import io.jmir.engine.NodeDefinition;
import io.jmir.engine.internal.DefaultModuleContext;
import io.jmir.engine.modules.RecordedEvent;
import io.jmir.engine.modules.RecordingEmitter;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static io.jmir.codecs.EnvelopeLayout.BYTE_ORDER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@Timeout(30)
class InMemoryWalTest
{
    private static final int WAL = 0;
    private static final int PROTOCOL = 1;

    private final InMemoryWalStore store = new InMemoryWalStore();
    private final RecordingEmitter emitter = new RecordingEmitter(WAL);
    private InMemoryWal wal = attach(new InMemoryWal(store, "protocol"));

    /** A decoded WalEntryLoaded. */
    record Loaded(int destination, long retentionIndex, long walIndex, String entry)
    {
    }

    static InMemoryWal attach(final InMemoryWal wal)
    {
        final Module idle = (event, emitter) ->
        {
        };
        final NodeDefinition definition = new NodeDefinition(0, 1).module("wal", wal).module("protocol", idle);
        wal.onAttach(new DefaultModuleContext(definition, WAL));
        return wal;
    }

    static RecordedEvent append(final long retentionIndex, final byte[] entry)
    {
        return RecordingEmitter.envelope(WAL, PROTOCOL, (b) -> b.payload(new WalAppendEncoder()
            .wrapAndApplyHeader(b.buffer(), b.payloadOffset(), new MessageHeaderEncoder())
            .retentionIndex(retentionIndex)
            .putEntry(entry, 0, entry.length)));
    }

    static RecordedEvent append(final long retentionIndex, final String entry)
    {
        return append(retentionIndex, entry.getBytes(StandardCharsets.UTF_8));
    }

    static RecordedEvent truncate(final long retentionIndex)
    {
        return RecordingEmitter.envelope(WAL, PROTOCOL, (b) -> b.payload(new WalTruncateEncoder()
            .wrapAndApplyHeader(b.buffer(), b.payloadOffset(), new MessageHeaderEncoder())
            .retentionIndex(retentionIndex)));
    }

    private void send(final RecordedEvent event)
    {
        wal.onEvent(event.event(), emitter);
    }

    private List<Loaded> recover(final InMemoryWal recovering)
    {
        recovering.recover(emitter);
        final List<Loaded> loaded = new ArrayList<>();
        for (final RecordedEvent event : emitter.take())
        {
            assertThat(event.templateId()).isEqualTo(EngineEvents.WAL_ENTRY_LOADED);
            final WalEntryLoadedDecoder decoder = event.decode(new WalEntryLoadedDecoder());
            final long retentionIndex = decoder.retentionIndex();
            final long walIndex = decoder.walIndex();
            final byte[] entry = new byte[decoder.entryLength()];
            decoder.getEntry(entry, 0, entry.length);
            loaded.add(new Loaded(event.destination(), retentionIndex, walIndex,
                new String(entry, StandardCharsets.UTF_8)));
        }
        return loaded;
    }

    @Test
    void shouldMakeABatchDurableOnlyAtItsEndAndHoldFollowUpsUntilThen()
    {
        assertThat(wal.holdsFollowUpsUntilEndOfBatch()).isTrue();
        send(append(1, "a"));
        send(append(1, "b"));

        assertThat(store.size()).isZero();
        assertThat(wal.pendingOperations()).isEqualTo(2);

        wal.onEndOfBatch(emitter);

        assertThat(store.entries()).extracting(InMemoryWalStore.Entry::walIndex).containsExactly(0L, 1L);
        assertThat(wal.pendingOperations()).isZero();
        assertThat(emitter.events()).isEmpty();
    }

    @Test
    void shouldApplyAppendsAndTruncationsInOrder()
    {
        send(append(1, "old"));
        send(append(2, "kept"));
        send(truncate(2));
        send(append(1, "late"));
        wal.onEndOfBatch(emitter);

        assertThat(recover(wal)).containsExactly(
            new Loaded(PROTOCOL, 2, 1, "kept"),
            new Loaded(PROTOCOL, 1, 2, "late"));
        assertThat(wal.truncations()).isEqualTo(1);
    }

    @Test
    void shouldRecoverOnlyWhatWasDurableBeforeACrash()
    {
        send(append(0, "first"));
        wal.onEndOfBatch(emitter);
        send(append(0, "second"));
        wal.onEndOfBatch(emitter);
        send(append(0, "lost in the crash"));

        final InMemoryWal restarted = attach(new InMemoryWal(store, "protocol"));

        assertThat(recover(restarted)).containsExactly(
            new Loaded(PROTOCOL, 0, 0, "first"),
            new Loaded(PROTOCOL, 0, 1, "second"));
        assertThat(restarted.recovered()).isEqualTo(2);
        wal = restarted;
        send(append(0, "third"));
        wal.onEndOfBatch(emitter);
        assertThat(store.entries()).extracting(InMemoryWalStore.Entry::walIndex).containsExactly(0L, 1L, 2L);
    }

    @Test
    void shouldKeepLargeEntriesIntact()
    {
        final byte[] large = new byte[200_000];
        for (int i = 0; i < large.length; i++)
        {
            large[i] = (byte)(i * 31);
        }
        send(append(5, new byte[] {1, 2, 3}));
        send(append(5, large));
        wal.onEndOfBatch(emitter);

        assertThat(store.entries().get(1).entry()).isEqualTo(large);
        assertThat(store.bytes()).isEqualTo(3 + large.length);
    }

    @Test
    void shouldDropAMalformedAppend()
    {
        final RecordedEvent append = append(1, "abc");
        final int lengthOffset = append.event().bodyOffset() + WalAppendEncoder.BLOCK_LENGTH;
        new UnsafeBuffer(append.bytes()).putInt(lengthOffset, 1_000, BYTE_ORDER);

        send(append);
        wal.onEndOfBatch(emitter);

        assertThat(wal.malformedEvents()).isEqualTo(1);
        assertThat(store.size()).isZero();
    }

    @Test
    void shouldNameAnUnknownRecoveryDestination()
    {
        assertThatThrownBy(() -> attach(new InMemoryWal(store, "nope")))
            .isInstanceOfSatisfying(ConfigurationException.class,
                (ex) -> assertThat(ex.key()).isEqualTo("modules[nope]"));
    }
}
