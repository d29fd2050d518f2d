package io.jmir.journal.requests;

import io.jmir.codecs.EnvelopeLayout;
import io.jmir.codecs.engine.BooleanType;
import io.jmir.codecs.engine.MessageHeaderEncoder;
import io.jmir.codecs.engine.RequestStoreGcEncoder;
import io.jmir.codecs.engine.RequestStoreGetEncoder;
import io.jmir.codecs.engine.RequestStorePutEncoder;
import io.jmir.codecs.engine.RequestStoreResultDecoder;
import io.jmir.codecs.engine.TickDecoder;
import io.jmir.engine.ConfigurationException;
import io.jmir.engine.Emitter;
import io.jmir.engine.Event;
import io.jmir.engine.EventBuilder;
import io.jmir.engine.Module;
import io.jmir.engine.ModuleContext;
import io.jmir.engine.NodeDefinition;
import io.jmir.journal.JournalMismatchException;
import io.jmir.journal.MiniRuntime;
import io.jmir.journal.TestJournals;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ChronicleRequestStoreTest
{
    @TempDir
    Path tmp;

    private final UnsafeBuffer scratch = new UnsafeBuffer(new byte[4096]);

    /** On Tick{nowNs = clientId, tickCount = requestNo} asks the store; records the results. */
    static final class Requester implements Module
    {
        final List<String> results = new ArrayList<>();
        private final TickDecoder tick = new TickDecoder();
        private final RequestStoreGetEncoder get = new RequestStoreGetEncoder();
        private final RequestStoreResultDecoder result = new RequestStoreResultDecoder();
        private final MessageHeaderEncoder header = new MessageHeaderEncoder();
        private int storeId;
        private long correlation;

        @Override
        public void onAttach(final ModuleContext context)
        {
            storeId = context.moduleId("reqstore");
        }

        @Override
        public void onEvent(final Event event, final Emitter emitter)
        {
            if (event.schemaId() != EnvelopeLayout.ENGINE_SCHEMA_ID)
            {
                return;
            }
            if (event.templateId() == TickDecoder.TEMPLATE_ID)
            {
                event.decode(tick);
                final EventBuilder b = emitter.event(storeId);
                get.wrapAndApplyHeader(b.buffer(), b.payloadOffset(), header).correlationId(++correlation)
                    .clientId(tick.nowNs()).requestNo(tick.tickCount());
                b.payload(get).commit();
            }
            else if (event.templateId() == RequestStoreResultDecoder.TEMPLATE_ID)
            {
                event.decode(result);
                final byte[] payload = new byte[result.payloadLength()];
                final String prefix = result.correlationId() + ":" + result.clientId() + "/" + result.requestNo() + "=";
                final boolean found = result.found() == BooleanType.TRUE;
                result.getPayload(payload, 0, payload.length);
                results.add(prefix + (found ? new String(payload, StandardCharsets.US_ASCII) : "-"));
            }
        }
    }

    private final class Run implements AutoCloseable
    {
        final Requester requester = new Requester();
        final ChronicleRequestStore store;
        final MiniRuntime runtime;

        Run(final Path dir, final int nodeId, final ChronicleRequestStore.Context context)
        {
            store = new ChronicleRequestStore(context.directory(dir));
            runtime = new MiniRuntime(new NodeDefinition(nodeId, 2).module("requester", requester)
                .module("reqstore", store), 32);
            runtime.start();
            runtime.runUntilIdle(1000);
        }

        void put(final long client, final long request, final long retention, final String payload)
        {
            final RequestStorePutEncoder put = new RequestStorePutEncoder();
            final byte[] bytes = payload.getBytes(StandardCharsets.US_ASCII);
            put.wrapAndApplyHeader(scratch, 0, new MessageHeaderEncoder()).clientId(client).requestNo(request)
                .retentionIndex(retention).putPayload(bytes, 0, bytes.length);
            runtime.inject(1, scratch, 0, put.limit());
            runtime.runUntilIdle(1000);
        }

        String get(final long client, final long request)
        {
            runtime.inject(0, scratch, 0, TestJournals.tick(scratch, client, request));
            runtime.runUntilIdle(1000);
            final String last = requester.results.get(requester.results.size() - 1);
            return last.substring(last.indexOf('=') + 1);
        }

        void gc(final long retention)
        {
            final RequestStoreGcEncoder gc = new RequestStoreGcEncoder();
            gc.wrapAndApplyHeader(scratch, 0, new MessageHeaderEncoder()).retentionIndex(retention);
            runtime.inject(1, scratch, 0, MessageHeaderEncoder.ENCODED_LENGTH + gc.encodedLength());
            runtime.runUntilIdle(1000);
        }

        @Override
        public void close()
        {
            runtime.close();
        }
    }

    private Run run(final Path dir)
    {
        return new Run(dir, 0, new ChronicleRequestStore.Context());
    }

    @Test
    void shouldStoreReplaceAndAnswerGetsAcrossRestarts()
    {
        final Path dir = tmp.resolve("requests");
        try (Run run = run(dir))
        {
            run.put(1, 1, 10, "alpha");
            run.put(1, 2, 10, "beta");
            run.put(2, 1, 11, "gamma");
            assertThat(run.get(1, 2)).isEqualTo("beta");
            assertThat(run.get(3, 3)).isEqualTo("-");
            run.put(1, 2, 12, "beta-2");
            assertThat(run.get(1, 2)).isEqualTo("beta-2");
            assertThat(run.store.size()).isEqualTo(3);
            assertThat(run.store.hits()).isEqualTo(2);
            assertThat(run.store.misses()).isEqualTo(1);
            assertThat(run.requester.results.get(0)).startsWith("1:1/2=");
        }
        try (Run run = run(dir))
        {
            assertThat(run.store.size()).isEqualTo(3);
            assertThat(run.get(1, 1)).isEqualTo("alpha");
            assertThat(run.get(1, 2)).isEqualTo("beta-2");
            assertThat(run.get(2, 1)).isEqualTo("gamma");
        }
    }

    @Test
    void shouldCollectBelowTheRetentionIndexExactlyAndDeleteWholeCycles() throws Exception
    {
        final Path dir = tmp.resolve("requests");
        try (Run run = run(dir))
        {
            run.put(1, 1, 1, "a");
            run.put(1, 2, 1, "b");
            run.gc(1);
            run.put(1, 3, 2, "c");
            run.put(1, 4, 3, "d");
            assertThat(TestJournals.cycleFiles(dir)).hasSize(2);
            run.gc(2);
            assertThat(run.store.collected()).isEqualTo(2);
            assertThat(run.get(1, 1)).isEqualTo("-");
            assertThat(run.get(1, 3)).isEqualTo("c");
            assertThat(TestJournals.cycleFiles(dir)).hasSize(2);
            run.gc(3);
            assertThat(run.get(1, 3)).isEqualTo("-");
            assertThat(run.get(1, 4)).isEqualTo("d");
        }
        try (Run run = run(dir))
        {
            assertThat(run.store.size()).isEqualTo(1);
            assertThat(run.store.collectedBelow()).isEqualTo(3);
            assertThat(run.get(1, 3)).isEqualTo("-");
            assertThat(run.get(1, 4)).isEqualTo("d");
        }
    }

    @Test
    void shouldSkipDamagedPayloadsAndRefuseAnotherNodesStore() throws Exception
    {
        final Path dir = tmp.resolve("requests");
        try (Run run = run(dir))
        {
            run.put(7, 1, 1, "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
            run.put(7, 2, 1, "BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB");
        }
        assertThat(TestJournals.flipAfterPattern(dir, 0x4141414141414141L, 0x4141414141414141L, 3)).isTrue();
        try (Run run = run(dir))
        {
            assertThat(run.store.damagedEntries()).isEqualTo(1);
            assertThat(run.get(7, 1)).isEqualTo("-");
            assertThat(run.get(7, 2)).isEqualTo("BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB");
        }
        assertThatThrownBy(() -> new Run(dir, 1, new ChronicleRequestStore.Context()))
            .isInstanceOf(JournalMismatchException.class).hasMessageContaining("belongs to node 0");
    }

    @Test
    void shouldBoundEntriesAndDropMalformedOrExternalRequests()
    {
        final Path dir = tmp.resolve("requests");
        try (Run run = new Run(dir, 0, new ChronicleRequestStore.Context().maxEntries(2)))
        {
            run.put(1, 1, 1, "a");
            run.put(1, 2, 1, "b");
            run.put(1, 3, 1, "c");
            run.put(1, 1, 1, "a2");
            assertThat(run.store.rejectedPuts()).isEqualTo(1);
            assertThat(run.get(1, 1)).isEqualTo("a2");
            final RequestStoreGetEncoder get = new RequestStoreGetEncoder();
            get.wrapAndApplyHeader(scratch, 0, new MessageHeaderEncoder()).correlationId(1).clientId(1).requestNo(1);
            run.runtime.inject(1, scratch, 0, get.limit());
            final RequestStorePutEncoder put = new RequestStorePutEncoder();
            put.wrapAndApplyHeader(scratch, 0, new MessageHeaderEncoder()).clientId(1).requestNo(9).retentionIndex(1)
                .putPayload(new byte[4], 0, 4);
            scratch.putInt(put.limit() - 8, 99_999, java.nio.ByteOrder.LITTLE_ENDIAN);
            run.runtime.inject(1, scratch, 0, put.limit());
            run.runtime.runUntilIdle(100);
            assertThat(run.store.ignoredEvents()).isGreaterThanOrEqualTo(1);
            assertThat(run.store.malformedEvents()).isEqualTo(1);
            assertThat(run.store.size()).isEqualTo(2);
        }
        assertThatThrownBy(() -> new ChronicleRequestStore(new ChronicleRequestStore.Context()))
            .isInstanceOf(ConfigurationException.class).hasMessageContaining("reqstore.directory");
    }
}
