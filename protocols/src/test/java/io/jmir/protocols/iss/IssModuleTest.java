package io.jmir.protocols.iss;

import io.jmir.codecs.EngineEvents;
import io.jmir.codecs.engine.DeliverBatchDecoder;
import io.jmir.codecs.engine.HashRequestDecoder;
import io.jmir.codecs.engine.HashResultEncoder;
import io.jmir.codecs.engine.InitEncoder;
import io.jmir.codecs.engine.MessageReceivedEncoder;
import io.jmir.codecs.engine.Scheme;
import io.jmir.codecs.engine.SendMessageDecoder;
import io.jmir.codecs.engine.TimerFiredEncoder;
import io.jmir.codecs.engine.WalAppendDecoder;
import io.jmir.engine.Emitter;
import io.jmir.engine.Event;
import io.jmir.engine.Module;
import io.jmir.engine.internal.DefaultModuleContext;
import io.jmir.protocols.codecs.CommitEncoder;
import io.jmir.protocols.codecs.MessageHeaderDecoder;
import io.jmir.protocols.codecs.PrepareEncoder;
import io.jmir.protocols.codecs.PreprepareEncoder;
import io.jmir.protocols.codecs.RequestsReadyEncoder;
import io.jmir.protocols.codecs.WalCommittedDecoder;
import io.jmir.protocols.testkit.IssNode;
import io.jmir.protocols.testkit.RecordingApp;
import io.jmir.protocols.testkit.RecordingEmitter;
import io.jmir.protocols.testkit.RecordingEmitter.Recorded;
import io.jmir.protocols.testkit.TestKeys;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The ISS module alone, fed events and checked on what it emits: one slot's good case as leader (cut, hash,
 * persist-then-send pre-prepare and prepare, prepared at 2f+1, commit, deliver through the WAL), a follower waiting
 * for a request it has not received, and rejection of misrouted messages.
 */
@Timeout(10)
class IssModuleTest
{
    private static final int NET = 0;
    private static final int HASHER = 1;
    private static final int WAL = 4;
    private static final int APP = 8;
    private static final int ISS = 7;
    private static final int CLIENTS = 6;
    private final io.jmir.codecs.engine.MessageHeaderEncoder header = new io.jmir.codecs.engine.MessageHeaderEncoder();
    private final io.jmir.protocols.codecs.MessageHeaderEncoder issHeader =
        new io.jmir.protocols.codecs.MessageHeaderEncoder();
    private final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer(4096);
    private final ExpandableArrayBuffer inner = new ExpandableArrayBuffer(4096);
    private final RecordingEmitter emitter = new RecordingEmitter(ISS);
    private IssConfig config;
    private IssModule iss;

    @BeforeEach
    void setUp()
    {
        config = new IssConfig().nodeCount(4).maxBatchSize(2).segmentLength(2).bucketCount(4).clientCount(8)
            .clientWatermarkWindow(64).batchTimeoutNs(1_000_000).maxRequestBytes(1024)
            .clientAuthScheme(Scheme.HMAC_SHA256);
        final IssNode node = new IssNode(0, config, new NoOp(), new TestKeys(1, 8, 4), new RecordingApp(),
            (n, c, r, s, b, o, l) -> { }, 8192, 0);
        iss = node.iss;
        iss.onAttach(new DefaultModuleContext(node.definition, ISS));
        final InitEncoder init = new InitEncoder();
        init.wrapAndApplyHeader(buffer, 0, header).nodeId(0).nodeCount(4);
        iss.onEvent(RecordingEmitter.event(ISS, 0xFFFF, buffer, 0, 8 + init.encodedLength()), emitter);
        assertThat(emitter.drain()).extracting(Recorded::templateId).containsExactly(EngineEvents.TIMER_SET);
    }

    @Test
    void shouldPersistBeforeSendingAndDeliverThroughTheWalAsLeader()
    {
        final long[][] requests = requestsInBucket(0, 2);
        ready(requests);
        final List<Recorded> hash = emitter.drain();
        assertThat(hash).hasSize(1);
        assertThat(hash.get(0).destination()).isEqualTo(HASHER);
        final long correlation = hash.get(0).decode(new HashRequestDecoder()).correlationId();
        assertThat(correlation & ~(0xFFFFL << IssPublisher.GENERATION_SHIFT)).as("batch hash of seqNo 0")
            .isEqualTo(IssPublisher.KIND_BATCH);

        final byte[] digest = new byte[32];
        Arrays.fill(digest, (byte)7);
        hashResult(correlation, digest);
        final List<Recorded> persisted = emitter.drain();
        assertThat(persisted).as("nothing is sent directly, only through WAL follow-ups").hasSize(2);
        assertThat(entryTemplate(persisted.get(0))).as("the batch's payloads first, for crash recovery")
            .isEqualTo(io.jmir.protocols.codecs.WalBatchPayloadsDecoder.TEMPLATE_ID);
        assertThat(persisted.get(0).followUps()).isEmpty();
        final Recorded append = persisted.get(1);
        assertThat(append.destination()).isEqualTo(WAL);
        assertThat(append.templateId()).isEqualTo(EngineEvents.WAL_APPEND);
        assertThat(entryTemplate(append)).isEqualTo(io.jmir.protocols.codecs.WalPrepreparedDecoder.TEMPLATE_ID);
        assertThat(append.followUps()).hasSize(2);
        assertThat(sentTemplate(append.followUps().get(0))).isEqualTo(PreprepareEncoder.TEMPLATE_ID);
        assertThat(destinations(append.followUps().get(0))).containsExactly(1, 2, 3);
        assertThat(sentTemplate(append.followUps().get(1))).isEqualTo(PrepareEncoder.TEMPLATE_ID);
        assertThat(destinations(append.followUps().get(1))).containsExactly(0, 1, 2, 3);

        prepare(0, 0, digest);
        prepare(1, 0, digest);
        final byte[] other = digest.clone();
        other[0] = 1;
        prepare(3, 0, other);
        assertThat(emitter.drain()).as("2f matching prepares are not a quorum").isEmpty();
        prepare(2, 0, digest);
        final List<Recorded> prepared = emitter.drain();
        assertThat(prepared).hasSize(1);
        assertThat(entryTemplate(prepared.get(0))).isEqualTo(io.jmir.protocols.codecs.WalPreparedDecoder.TEMPLATE_ID);
        assertThat(sentTemplate(prepared.get(0).followUps().get(0))).isEqualTo(CommitEncoder.TEMPLATE_ID);

        commit(0, 0, digest);
        commit(1, 0, digest);
        commit(1, 0, digest);
        assertThat(emitter.drain()).as("a duplicate vote does not count").isEmpty();
        commit(2, 0, digest);
        final List<Recorded> committed = emitter.drain();
        assertThat(committed).hasSize(1);
        assertThat(entryTemplate(committed.get(0))).isEqualTo(WalCommittedDecoder.TEMPLATE_ID);
        final Recorded deliver = committed.get(0).followUps().get(0);
        assertThat(deliver.destination()).isEqualTo(APP);
        assertThat(deliver.templateId()).isEqualTo(EngineEvents.DELIVER_BATCH);
        final DeliverBatchDecoder batch = deliver.decode(new DeliverBatchDecoder());
        assertThat(batch.sequenceNumber()).isZero();
        final List<Long> delivered = new ArrayList<>();
        for (final DeliverBatchDecoder.RequestsDecoder r : batch.requests())
        {
            delivered.add(r.clientId() * 1000 + r.requestNo());
            r.skipPayload();
        }
        assertThat(delivered).containsExactlyInAnyOrder(requests[0][0] * 1000 + requests[0][1],
            requests[1][0] * 1000 + requests[1][1]);
    }

    /**
     * A pause of the node itself (GC, CPU starvation) shows as one long gap between two TimerFired events; it
     * advances protocol time by at most {@link IssModule#MAX_TICK_GAP} timer periods, so the node does not start
     * view changes against the other segments' leaders for its own pause. The same silence over regular ticks does.
     */
    @Test
    void shouldNotSuspectTheOtherLeadersOfItsOwnPause()
    {
        long now = 1_000_000_000L;
        tick(now);
        now += TimeUnit.SECONDS.toNanos(10);
        tick(now);
        assertThat(iss.stats().viewChanges()).as("after a 10 s pause").isZero();
        final long period = config.batchTimeoutNs() / 2;
        for (long t = period; t <= 3 * config.viewChangeTimeoutNs(); t += period)
        {
            tick(now + t);
        }
        assertThat(iss.stats().viewChanges()).as("after 3 view-change timeouts of regular ticks").isPositive();
    }

    private void tick(final long nowNs)
    {
        final TimerFiredEncoder timer = new TimerFiredEncoder();
        timer.wrapAndApplyHeader(buffer, 0, header).timerId(1).nowNs(nowNs).fireCount(1);
        iss.onEvent(RecordingEmitter.event(ISS, 3, buffer, 0, 8 + timer.encodedLength()), emitter);
        emitter.drain();
    }

    @Test
    void shouldWaitForMissingRequestsAsFollowerAndRejectMisroutedPreprepares()
    {
        final long[][] requests = requestsInBucket(1, 1);
        preprepare(2, 1, requests);
        preprepare(1, 1, requests);
        assertThat(emitter.drain()).as("request not received yet: no hashing").isEmpty();
        assertThat(iss.stats().rejectedMessages()).as("node 2 does not lead seq 1").isEqualTo(1);
        ready(requests);
        final List<Recorded> hash = emitter.drain();
        assertThat(hash).extracting(Recorded::destination).containsExactly(HASHER);
        final long correlation = hash.get(0).decode(new HashRequestDecoder()).correlationId();
        assertThat(correlation & ~(0xFFFFL << IssPublisher.GENERATION_SHIFT)).isEqualTo(IssPublisher.KIND_BATCH | 1);
        hashResult(correlation, new byte[32]);
        final List<Recorded> persisted = emitter.drain();
        assertThat(persisted).hasSize(2);
        assertThat(persisted.get(1).followUps()).as("a follower sends only its Prepare").hasSize(1);
        assertThat(sentTemplate(persisted.get(1).followUps().get(0))).isEqualTo(PrepareEncoder.TEMPLATE_ID);
    }

    @Test
    void shouldRejectABatchProposingARequestTwice()
    {
        final long[][] one = requestsInBucket(1, 1);
        ready(one);
        emitter.drain();
        preprepare(1, 1, new long[][]{one[0], one[0]});
        assertThat(emitter.drain()).isEmpty();
        assertThat(iss.stats().rejectedMessages()).isEqualTo(1);
    }

    @Test
    void shouldCountAndDropMalformedMessagesWithoutFailing()
    {
        final java.util.Random random = new java.util.Random(42);
        final PrepareEncoder valid = new PrepareEncoder();
        valid.wrapAndApplyHeader(inner, 0, issHeader).epoch(0).seqNo(0).view(0).putDigest(new byte[32], 0, 32);
        final int validLength = 8 + valid.encodedLength();
        final byte[] template = new byte[validLength];
        inner.getBytes(0, template);
        for (int i = 0; i < 2000; i++)
        {
            final int length = random.nextInt(validLength + 40);
            for (int b = 0; b < length; b++)
            {
                inner.putByte(b, b < validLength && random.nextInt(4) != 0 ? template[b] : (byte)random.nextInt());
            }
            if (length >= 8 && random.nextBoolean())
            {
                inner.putShort(4, (short)IssSchema.SCHEMA_ID);
                inner.putShort(2, (short)(1 + random.nextInt(4)));
            }
            received(random.nextInt(6) - 1, length);
        }
        assertThat(iss.stats().rejectedMessages()).isPositive();
        emitter.drain();
        prepare(0, 0, new byte[32]);
        assertThat(iss.stats().currentEpoch()).as("still working").isZero();
    }

    private long[][] requestsInBucket(final int bucket, final int count)
    {
        final long[][] found = new long[count][];
        int n = 0;
        for (long r = 0; n < count; r++)
        {
            final long client = r % 8;
            final long requestNo = r / 8;
            if (Buckets.bucketOf(client, requestNo, 4) == bucket)
            {
                found[n++] = new long[]{client, requestNo};
            }
        }
        return found;
    }

    private void ready(final long[][] requests)
    {
        final RequestsReadyEncoder encoder = new RequestsReadyEncoder();
        final RequestsReadyEncoder.RequestsEncoder group = encoder.wrapAndApplyHeader(buffer, 0, issHeader)
            .requestsCount(requests.length);
        for (final long[] r : requests)
        {
            group.next().clientId(r[0]).requestNo(r[1]).putDigest(digestOf(r), 0, 32)
                .putPayload(new byte[]{(byte)r[0], (byte)r[1]}, 0, 2);
        }
        iss.onEvent(RecordingEmitter.event(ISS, CLIENTS, buffer, 0, 8 + encoder.encodedLength()), emitter);
    }

    private static byte[] digestOf(final long[] request)
    {
        final byte[] digest = new byte[32];
        digest[0] = (byte)request[0];
        digest[1] = (byte)request[1];
        return digest;
    }

    private void hashResult(final long correlation, final byte[] digest)
    {
        final HashResultEncoder encoder = new HashResultEncoder();
        encoder.wrapAndApplyHeader(buffer, 0, header).correlationId(correlation).digestsCount(1).next()
            .putDigest(digest, 0, 32);
        iss.onEvent(RecordingEmitter.event(ISS, HASHER, buffer, 0, 8 + encoder.encodedLength()), emitter);
    }

    private void preprepare(final int from, final long seqNo, final long[][] requests)
    {
        final PreprepareEncoder encoder = new PreprepareEncoder();
        final PreprepareEncoder.RequestsEncoder group = encoder.wrapAndApplyHeader(inner, 0, issHeader).epoch(0)
            .seqNo(seqNo).view(0).requestsCount(requests.length);
        for (final long[] r : requests)
        {
            group.next().clientId(r[0]).requestNo(r[1]).putDigest(digestOf(r), 0, 32);
        }
        received(from, 8 + encoder.encodedLength());
    }

    private void prepare(final int from, final long seqNo, final byte[] digest)
    {
        final PrepareEncoder encoder = new PrepareEncoder();
        encoder.wrapAndApplyHeader(inner, 0, issHeader).epoch(0).seqNo(seqNo).view(0).putDigest(digest, 0, 32);
        received(from, 8 + encoder.encodedLength());
    }

    private void commit(final int from, final long seqNo, final byte[] digest)
    {
        final CommitEncoder encoder = new CommitEncoder();
        encoder.wrapAndApplyHeader(inner, 0, issHeader).epoch(0).seqNo(seqNo).view(0).putDigest(digest, 0, 32);
        received(from, 8 + encoder.encodedLength());
    }

    private void received(final int from, final int length)
    {
        final MessageReceivedEncoder encoder = new MessageReceivedEncoder();
        encoder.wrapAndApplyHeader(buffer, 0, header).fromNode(from).putMessage(inner, 0, length);
        iss.onEvent(RecordingEmitter.event(ISS, NET, buffer, 0, 8 + encoder.encodedLength()), emitter);
    }

    private static int entryTemplate(final Recorded append)
    {
        final WalAppendDecoder decoder = append.decode(new WalAppendDecoder());
        decoder.retentionIndex();
        final UnsafeBuffer entry = new UnsafeBuffer(0, 0);
        decoder.wrapEntry(entry);
        final MessageHeaderDecoder h = new MessageHeaderDecoder().wrap(entry, 0);
        assertThat(h.schemaId()).isEqualTo(IssSchema.SCHEMA_ID);
        return h.templateId();
    }

    private static int sentTemplate(final Recorded send)
    {
        assertThat(send.destination()).isEqualTo(NET);
        assertThat(send.templateId()).isEqualTo(EngineEvents.SEND_MESSAGE);
        final SendMessageDecoder decoder = send.decode(new SendMessageDecoder());
        assertThat(decoder.destinationModule()).isEqualTo(ISS);
        for (final SendMessageDecoder.DestinationsDecoder d : decoder.destinations())
        {
            d.nodeId();
        }
        final UnsafeBuffer message = new UnsafeBuffer(0, 0);
        decoder.wrapMessage(message);
        return new MessageHeaderDecoder().wrap(message, 0).templateId();
    }

    private static List<Integer> destinations(final Recorded send)
    {
        final List<Integer> nodes = new ArrayList<>();
        for (final SendMessageDecoder.DestinationsDecoder d : send.decode(new SendMessageDecoder()).destinations())
        {
            nodes.add(d.nodeId());
        }
        return nodes;
    }

    private static final class NoOp implements Module
    {
        @Override
        public void onEvent(final Event event, final Emitter emitter)
        {
        }
    }
}
