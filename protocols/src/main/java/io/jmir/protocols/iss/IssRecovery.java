package io.jmir.protocols.iss;

import io.jmir.codecs.engine.WalEntryLoadedDecoder;
import io.jmir.engine.Event;
import io.jmir.protocols.codecs.CheckpointCertificateDecoder;
import io.jmir.protocols.codecs.MessageHeaderDecoder;
import io.jmir.protocols.codecs.WalBatchPayloadsDecoder;
import io.jmir.protocols.codecs.WalCheckpointDecoder;
import io.jmir.protocols.codecs.WalCommittedDecoder;
import io.jmir.protocols.codecs.WalPreparedDecoder;
import io.jmir.protocols.codecs.WalPrepreparedDecoder;
import io.jmir.protocols.codecs.WalStableCheckpointDecoder;
import io.jmir.protocols.pbft.PbftOrderer;
import io.jmir.protocols.pbft.PbftSlot;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;

/**
 * Crash recovery from the WAL (ADR 0014). While the node replays its WAL (WalEntryLoaded events, delivered before
 * any other input) this class collects what the protocol persisted: the latest stable checkpoint (certificate), the
 * node's own checkpoints (data with the app snapshot), and per slot the pre-prepared batch (references and
 * payloads), whether it prepared and whether it committed. {@link #finish} then rebuilds: client windows and the app
 * (RestoreState) from the own checkpoint at the stable epoch (nothing before the first stable checkpoint: the WAL
 * then holds every epoch; the latest own one if the WAL has no data at the stable epoch), the
 * stable checkpoint and its certificate; it returns where delivery resumes. Epochs after the stable checkpoint are
 * replayed, not skipped, so that they stay live until stable and the node can retransmit what it said in them to
 * peers that still need it. Slots are put back when their epoch is entered ({@link #restoreSlots}): the node
 * keeps its votes (never votes for another batch in a slot it voted on), re-sends them, and delivers the committed
 * slots again from their persisted payloads. Recovery allocates (it runs once); steady state does not use it.
 * <p>
 * <b>Threading:</b> protocol module thread only.
 */
final class IssRecovery
{
    private final MessageHeaderDecoder header = new MessageHeaderDecoder();
    private final WalPrepreparedDecoder preprepared = new WalPrepreparedDecoder();
    private final WalBatchPayloadsDecoder payloads = new WalBatchPayloadsDecoder();
    private final WalPreparedDecoder prepared = new WalPreparedDecoder();
    private final WalCommittedDecoder committed = new WalCommittedDecoder();
    private final WalCheckpointDecoder checkpoint = new WalCheckpointDecoder();
    private final WalStableCheckpointDecoder stable = new WalStableCheckpointDecoder();
    private final WalEntryLoadedDecoder walEntry = new WalEntryLoadedDecoder();
    private final UnsafeBuffer entryView = new UnsafeBuffer(0, 0);
    private final UnsafeBuffer view = new UnsafeBuffer(0, 0);
    private final byte[] scratchDigest = new byte[32];
    private final UnsafeBuffer digest = new UnsafeBuffer(new byte[32]);
    private final TreeMap<Long, Slot> slots = new TreeMap<>();
    private final TreeMap<Long, OwnCheckpoint> own = new TreeMap<>();
    private final IssConfig config;
    private final CheckpointCertificate certificate;
    private long stableEpoch = -1;
    private long entries;
    private long malformed;

    IssRecovery(final IssConfig config)
    {
        this.config = config;
        this.certificate = new CheckpointCertificate(config.nodeCount(), config.strongQuorum());
    }

    long entries()
    {
        return entries;
    }

    long malformed()
    {
        return malformed;
    }

    /**
     * A WalEntryLoaded event.
     *
     * @param replaying false once the replay is over (a late entry is counted malformed and dropped).
     * @return true when the entry was taken.
     */
    boolean onEvent(final Event event, final boolean replaying)
    {
        if (!replaying)
        {
            malformed++;
            return false;
        }
        event.decode(walEntry);
        walEntry.wrapEntry(entryView);
        onEntry(entryView, 0, entryView.capacity());
        return true;
    }

    /**
     * One WAL entry, in log order.
     */
    void onEntry(final DirectBuffer buffer, final int offset, final int length)
    {
        entries++;
        if (length < MessageHeaderDecoder.ENCODED_LENGTH)
        {
            malformed++;
            return;
        }
        view.wrap(buffer, offset, length);
        header.wrap(view, 0);
        if (header.schemaId() != MessageHeaderDecoder.SCHEMA_ID)
        {
            malformed++;
            return;
        }
        try
        {
            onIssEntry(length);
        }
        catch (final IndexOutOfBoundsException | NegativeArraySizeException ex)
        {
            malformed++;
        }
    }

    private void onIssEntry(final int length)
    {
        final int body = MessageHeaderDecoder.ENCODED_LENGTH;
        final int blockLength = header.blockLength();
        final int version = header.version();
        switch (header.templateId())
        {
            case WalPrepreparedDecoder.TEMPLATE_ID:
                preprepared.wrap(view, body, blockLength, version);
                onPreprepared(length);
                break;
            case WalBatchPayloadsDecoder.TEMPLATE_ID:
                payloads.wrap(view, body, blockLength, version);
                onPayloads(length);
                break;
            case WalPreparedDecoder.TEMPLATE_ID:
            {
                prepared.wrap(view, body, blockLength, version);
                final Slot slot = slot(prepared.seqNo());
                prepared.getDigest(scratchDigest, 0, 32);
                slot.prepared = java.util.Arrays.equals(scratchDigest, slot.digest);
                break;
            }
            case WalCommittedDecoder.TEMPLATE_ID:
            {
                committed.wrap(view, body, blockLength, version);
                final Slot slot = slot(committed.seqNo());
                committed.getDigest(scratchDigest, 0, 32);
                slot.committed = slot.committed || java.util.Arrays.equals(scratchDigest, slot.digest);
                break;
            }
            case WalCheckpointDecoder.TEMPLATE_ID:
            {
                checkpoint.wrap(view, body, blockLength, version);
                final OwnCheckpoint c = new OwnCheckpoint();
                c.epoch = checkpoint.epoch();
                c.seqNo = checkpoint.seqNo();
                checkpoint.getDigest(c.digest, 0, 32);
                if (!fits(checkpoint.limit(), length))
                {
                    return;
                }
                c.data = new byte[checkpoint.dataLength()];
                checkpoint.getData(c.data, 0, c.data.length);
                own.put(c.epoch, c);
                break;
            }
            case WalStableCheckpointDecoder.TEMPLATE_ID:
                stable.wrap(view, body, blockLength, version);
                stableEpoch = Math.max(stableEpoch, stable.epoch());
                break;
            case CheckpointCertificateDecoder.TEMPLATE_ID:
                if (certificate.parse(view, 0, length) == CheckpointCertificate.VALID)
                {
                    stableEpoch = Math.max(stableEpoch, certificate.epoch());
                }
                else
                {
                    malformed++;
                }
                break;
            default:
                malformed++;
                break;
        }
    }

    private void onPreprepared(final int length)
    {
        final Slot slot = slot(preprepared.seqNo());
        slot.epoch = preprepared.epoch();
        slot.view = preprepared.view();
        slot.fill = preprepared.fill() == 1;
        preprepared.getDigest(scratchDigest, 0, 32);
        if (!java.util.Arrays.equals(scratchDigest, slot.digest))
        {
            slot.prepared = false;
            slot.committed = false;
        }
        preprepared.getDigest(slot.digest, 0, 32);
        final WalPrepreparedDecoder.RequestsDecoder refs = preprepared.requests();
        if (preprepared.limit() + (long)refs.count() * PbftSlot.REF_LENGTH > length)
        {
            malformed++;
            return;
        }
        slot.count = refs.count();
        slot.refs = new byte[slot.count * PbftSlot.REF_LENGTH];
        int i = 0;
        for (final WalPrepreparedDecoder.RequestsDecoder ref : refs)
        {
            final UnsafeBuffer out = new UnsafeBuffer(slot.refs);
            out.putLong(i * PbftSlot.REF_LENGTH, ref.clientId());
            out.putLong(i * PbftSlot.REF_LENGTH + 8, ref.requestNo());
            ref.getDigest(slot.refs, i * PbftSlot.REF_LENGTH + 16, 32);
            i++;
        }
        slot.preprepared = true;
    }

    private void onPayloads(final int length)
    {
        final Slot slot = slot(payloads.seqNo());
        final WalBatchPayloadsDecoder.RequestsDecoder requests = payloads.requests();
        final byte[][] bytes = new byte[requests.count()][];
        int i = 0;
        for (final WalBatchPayloadsDecoder.RequestsDecoder request : requests)
        {
            if (!fits(payloads.limit(), length))
            {
                return;
            }
            bytes[i] = new byte[request.payloadLength()];
            request.getPayload(bytes[i], 0, bytes[i].length);
            i++;
        }
        slot.payloads = bytes;
    }

    /**
     * @return true when the var data whose 32-bit length is at {@code at} ends inside the entry; counts it otherwise.
     */
    private boolean fits(final int at, final int length)
    {
        if (at + 4 > length || at + 4L + (view.getInt(at) & 0xFFFFFFFFL) > length)
        {
            malformed++;
            return false;
        }
        return true;
    }

    private Slot slot(final long seqNo)
    {
        return slots.computeIfAbsent(seqNo, (s) -> new Slot());
    }

    /**
     * Rebuild from what was collected.
     *
     * @return the first sequence number not covered by the restored app state (where delivery resumes).
     */
    long finish(final RequestPool pool, final IssCheckpoints checkpoints, final IssPublisher publisher,
        final CheckpointInstaller installer)
    {
        final OwnCheckpoint atStable = own.get(stableEpoch);
        final Map.Entry<Long, OwnCheckpoint> latest = stableEpoch < 0 ? null : own.lastEntry();
        long resume = 0;
        if (atStable != null || latest != null)
        {
            final OwnCheckpoint c = atStable != null ? atStable : latest.getValue();
            final UnsafeBuffer data = new UnsafeBuffer(c.data);
            if (installer.restore(data, 0, c.data.length))
            {
                resume = c.seqNo + 1;
            }
        }
        for (final OwnCheckpoint c : own.values())
        {
            if (c.epoch >= stableEpoch && c.seqNo < resume)
            {
                digest.putBytes(0, c.digest);
                checkpoints.restoreOwn(c.epoch, c.seqNo, digest, 0, new UnsafeBuffer(c.data), 0, c.data.length);
            }
        }
        if (certificate.epoch() >= 0 && certificate.epoch() == stableEpoch)
        {
            checkpoints.restoreStable(stableEpoch, certificate, false);
        }
        else
        {
            checkpoints.restoreStableEpoch(stableEpoch);
        }
        for (final OwnCheckpoint c : own.values())
        {
            if (c.epoch > stableEpoch && c.seqNo < resume)
            {
                checkpoints.resign(c.epoch);
            }
        }
        final long first = resume;
        slots.headMap(first).clear();
        own.clear();
        return resume;
    }

    /**
     * The node entered an epoch: put back the slots it persisted in that epoch.
     */
    void restoreSlots(final IssEpoch epoch, final RequestPool pool, final IssPublisher publisher)
    {
        if (slots.isEmpty())
        {
            return;
        }
        final Iterator<Map.Entry<Long, Slot>> it = slots.headMap(epoch.last() + 1).entrySet().iterator();
        final UnsafeBuffer refs = new UnsafeBuffer(0, 0);
        while (it.hasNext())
        {
            final Map.Entry<Long, Slot> entry = it.next();
            it.remove();
            final Slot s = entry.getValue();
            final long seqNo = entry.getKey();
            if (!s.preprepared || !epoch.contains(seqNo) || s.epoch != epoch.epoch)
            {
                continue;
            }
            refs.wrap(s.refs);
            final boolean complete = s.payloads != null && s.payloads.length == s.count &&
                admit(pool, refs, s);
            final PbftOrderer orderer = epoch.ordererOf(seqNo);
            final PbftSlot slot = epoch.slot(seqNo);
            digest.putBytes(0, s.digest);
            orderer.restore(slot, refs, 0, s.count, digest, 0, s.prepared, s.committed && complete, s.view,
                s.fill);
            publisher.resendVotes(-1, epoch.epoch, s.view, slot, orderer.isLeader() && s.view == 0,
                s.prepared || s.committed);
        }
    }

    private boolean admit(final RequestPool pool, final UnsafeBuffer refs, final Slot s)
    {
        for (int i = 0; i < s.count; i++)
        {
            final int at = i * PbftSlot.REF_LENGTH;
            final long clientId = refs.getLong(at);
            final long requestNo = refs.getLong(at + 8);
            final UnsafeBuffer payload = new UnsafeBuffer(s.payloads[i]);
            final int admitted = pool.admit(clientId, requestNo, refs, at + 16, payload, 0, s.payloads[i].length);
            if (admitted == RequestPool.OUT_OF_WINDOW ||
                pool.check(clientId, requestNo, refs, at + 16) != RequestPool.VALID)
            {
                return false;
            }
        }
        for (int i = 0; i < s.count; i++)
        {
            pool.markProposed(refs.getLong(i * PbftSlot.REF_LENGTH), refs.getLong(i * PbftSlot.REF_LENGTH + 8));
        }
        return true;
    }

    /**
     * @return true while slots recovered from the WAL wait for their epoch.
     */
    boolean hasPendingSlots()
    {
        return !slots.isEmpty();
    }

    /**
     * State transfer moved the node past some recovered slots: forget them.
     */
    void dropBelow(final long seqNo)
    {
        slots.headMap(seqNo).clear();
    }

    /**
     * A slot as persisted.
     */
    private static final class Slot
    {
        long epoch = -1;
        long view;
        boolean fill;
        final byte[] digest = new byte[32];
        byte[] refs;
        int count;
        byte[][] payloads;
        boolean preprepared;
        boolean prepared;
        boolean committed;
    }

    /**
     * An own checkpoint as persisted.
     */
    private static final class OwnCheckpoint
    {
        long epoch;
        long seqNo;
        final byte[] digest = new byte[32];
        byte[] data;
    }
}
