package io.jmir.protocols.iss;

import io.jmir.codecs.engine.InitEncoder;
import io.jmir.codecs.engine.MessageReceivedEncoder;
import io.jmir.codecs.engine.Scheme;
import io.jmir.codecs.engine.WalEntryLoadedEncoder;
import io.jmir.engine.Emitter;
import io.jmir.engine.Event;
import io.jmir.engine.Module;
import io.jmir.engine.internal.DefaultModuleContext;
import io.jmir.protocols.codecs.CheckpointCertificateEncoder;
import io.jmir.protocols.codecs.ChunkRequestEncoder;
import io.jmir.protocols.codecs.MessageHeaderEncoder;
import io.jmir.protocols.codecs.SignedCheckpointEncoder;
import io.jmir.protocols.codecs.StateChunkEncoder;
import io.jmir.protocols.codecs.StateRequestEncoder;
import io.jmir.protocols.codecs.WalBatchPayloadsEncoder;
import io.jmir.protocols.codecs.WalPrepreparedEncoder;
import io.jmir.protocols.testkit.IssNode;
import io.jmir.protocols.testkit.RecordingApp;
import io.jmir.protocols.testkit.RecordingEmitter;
import io.jmir.protocols.testkit.TestKeys;
import org.agrona.ExpandableArrayBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Bad input to the recovery and state-transfer paths never throws: corrupted WAL entries at replay are counted and
 * skipped, and mutated SignedCheckpoint, StateRequest, ChunkRequest, StateChunk, CheckpointCertificate and
 * BatchPayloads messages from any sender are counted or ignored; the module keeps working afterwards.
 */
@Timeout(20)
class IssRecoveryInputTest
{
    private static final int ISS = 7;
    private final io.jmir.codecs.engine.MessageHeaderEncoder header = new io.jmir.codecs.engine.MessageHeaderEncoder();
    private final MessageHeaderEncoder issHeader = new MessageHeaderEncoder();
    private final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer(4096);
    private final ExpandableArrayBuffer inner = new ExpandableArrayBuffer(4096);
    private final RecordingEmitter emitter = new RecordingEmitter(ISS);
    private final Random random = new Random(17);

    @Test
    void shouldSkipCorruptedWalEntriesAndIgnoreMalformedStateMessages()
    {
        final IssConfig config = new IssConfig().nodeCount(4).maxBatchSize(2).segmentLength(2).bucketCount(4)
            .clientCount(8).clientWatermarkWindow(64).batchTimeoutNs(1_000_000).maxRequestBytes(1024)
            .clientAuthScheme(Scheme.HMAC_SHA256);
        final IssNode node = new IssNode(0, config, new NoOp(), new TestKeys(1, 8, 4), new RecordingApp(),
            (n, c, r, s, b, o, l) -> { }, 8192, 0);
        final IssModule iss = node.iss;
        iss.onAttach(new DefaultModuleContext(node.definition, ISS));
        final InitEncoder init = new InitEncoder();
        init.wrapAndApplyHeader(buffer, 0, header).nodeId(0).nodeCount(4);
        iss.onEvent(RecordingEmitter.event(ISS, 0xFFFF, buffer, 0, 8 + init.encodedLength()), emitter);

        final byte[][] walTemplates = {walPreprepared(), walPayloads()};
        for (int i = 0; i < 500; i++)
        {
            final byte[] template = walTemplates[i % walTemplates.length];
            final int length = mutate(template);
            final WalEntryLoadedEncoder loaded = new WalEntryLoadedEncoder();
            loaded.wrapAndApplyHeader(buffer, 0, header).retentionIndex(0).walIndex(i).putEntry(inner, 0, length);
            iss.onEvent(RecordingEmitter.event(ISS, 4, buffer, 0, 8 + loaded.encodedLength()), emitter);
        }
        assertThat(iss.recoveryStats().recoveredEntries()).isEqualTo(500);
        assertThat(iss.recoveryStats().malformedEntries()).as("corrupted entries skipped").isPositive();

        final byte[][] templates =
            {signedCheckpoint(), stateRequest(), chunkRequest(), stateChunk(), walPayloads(), certificate()};
        for (int i = 0; i < 5000; i++)
        {
            final int length = mutate(templates[i % templates.length]);
            final MessageReceivedEncoder received = new MessageReceivedEncoder();
            received.wrapAndApplyHeader(buffer, 0, header).fromNode(random.nextInt(6) - 1).putMessage(inner, 0,
                length);
            iss.onEvent(RecordingEmitter.event(ISS, 0, buffer, 0, 8 + received.encodedLength()), emitter);
        }
        emitter.drain();
        assertThat(iss.stats().rejectedMessages()).isPositive();
        assertThat(iss.stats().currentEpoch()).as("still working").isGreaterThanOrEqualTo(0);
    }

    private int mutate(final byte[] template)
    {
        final int length = random.nextInt(template.length + 24);
        for (int b = 0; b < length; b++)
        {
            inner.putByte(b, b < template.length && random.nextInt(6) != 0 ? template[b] : (byte)random.nextInt());
        }
        return length;
    }

    private byte[] walPreprepared()
    {
        final WalPrepreparedEncoder e = new WalPrepreparedEncoder();
        final WalPrepreparedEncoder.RequestsEncoder refs = e.wrapAndApplyHeader(inner, 0, issHeader).epoch(0)
            .seqNo(1).view(0).putDigest(new byte[32], 0, 32).requestsCount(2);
        refs.next().clientId(1).requestNo(0).putDigest(new byte[32], 0, 32);
        refs.next().clientId(2).requestNo(0).putDigest(new byte[32], 0, 32);
        return copy(8 + e.encodedLength());
    }

    private byte[] walPayloads()
    {
        final WalBatchPayloadsEncoder e = new WalBatchPayloadsEncoder();
        final WalBatchPayloadsEncoder.RequestsEncoder requests = e.wrapAndApplyHeader(inner, 0, issHeader).epoch(0)
            .seqNo(1).requestsCount(2);
        requests.next().clientId(1).requestNo(0).putPayload(new byte[]{1, 2, 3}, 0, 3);
        requests.next().clientId(2).requestNo(0).putPayload(new byte[]{4}, 0, 1);
        return copy(8 + e.encodedLength());
    }

    private byte[] signedCheckpoint()
    {
        final SignedCheckpointEncoder e = new SignedCheckpointEncoder();
        e.wrapAndApplyHeader(inner, 0, issHeader).epoch(0).seqNo(15).putDigest(new byte[32], 0, 32)
            .putSignature(new byte[64], 0, 64);
        return copy(8 + e.encodedLength());
    }

    private byte[] certificate()
    {
        final CheckpointCertificateEncoder e = new CheckpointCertificateEncoder();
        final CheckpointCertificateEncoder.SignaturesEncoder group = e.wrapAndApplyHeader(inner, 0, issHeader)
            .epoch(0).seqNo(15).putDigest(new byte[32], 0, 32).dataLength(100).signaturesCount(3);
        for (int n = 1; n < 4; n++)
        {
            group.next().nodeId(n).putSignature(new byte[64], 0, 64);
        }
        return copy(8 + e.encodedLength());
    }

    private byte[] stateRequest()
    {
        final StateRequestEncoder e = new StateRequestEncoder();
        e.wrapAndApplyHeader(inner, 0, issHeader).epoch(0);
        return copy(8 + e.encodedLength());
    }

    private byte[] chunkRequest()
    {
        final ChunkRequestEncoder e = new ChunkRequestEncoder();
        e.wrapAndApplyHeader(inner, 0, issHeader).epoch(0).position(0).maxLength(64);
        return copy(8 + e.encodedLength());
    }

    private byte[] stateChunk()
    {
        final StateChunkEncoder e = new StateChunkEncoder();
        e.wrapAndApplyHeader(inner, 0, issHeader).epoch(0).position(0).totalLength(10)
            .putData(new byte[10], 0, 10);
        return copy(8 + e.encodedLength());
    }

    private byte[] copy(final int length)
    {
        final byte[] bytes = new byte[length];
        inner.getBytes(0, bytes);
        return bytes;
    }

    private static final class NoOp implements Module
    {
        @Override
        public void onEvent(final Event event, final Emitter emitter)
        {
        }
    }
}
