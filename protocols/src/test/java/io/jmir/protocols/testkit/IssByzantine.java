package io.jmir.protocols.testkit;

import io.jmir.engine.sim.MessageMangler;
import io.jmir.engine.sim.MessageManglers;
import io.jmir.engine.sim.SimNetwork;
import io.jmir.protocols.codecs.CheckpointEncoder;
import io.jmir.protocols.codecs.CommitEncoder;
import io.jmir.protocols.codecs.MessageHeaderDecoder;
import io.jmir.protocols.codecs.MessageHeaderEncoder;
import io.jmir.protocols.codecs.NewViewEncoder;
import io.jmir.protocols.codecs.PrepareEncoder;
import io.jmir.protocols.codecs.PreprepareEncoder;
import io.jmir.protocols.codecs.ViewChangeEncoder;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * Byzantine behaviours of ISS nodes for the simulation, as {@link MessageMangler}s installed for the Byzantine
 * node's outgoing messages (the transport authenticates senders, so a Byzantine node can lie only about the
 * contents of what it sends). Each {@link Behaviour} is one documented attack; {@link #install} puts it on a node.
 * Manglers use only the simulation's random generator and their own state, so runs stay deterministic.
 */
public final class IssByzantine
{
    /** Byzantine behaviours. */
    public enum Behaviour
    {
        /** Sends nothing. */
        SILENT,
        /** Every message arrives 40 ms late. */
        SLOW,
        /** As leader sends half of the nodes a different batch (last request dropped) than the others. */
        EQUIVOCATE,
        /** As leader proposes batches with a duplicated request. */
        DUPLICATE_REQUESTS,
        /** As leader proposes the batch another leader proposed (requests outside its buckets). */
        FOREIGN_BUCKETS,
        /** Claims leadership it does not have: pre-prepares other segments' slots, NewViews, bogus commits. */
        FORGE,
        /** Truncates or corrupts a third of its messages. */
        MALFORMED,
        /** Re-sends old messages of its own (earlier epochs, views) along with new ones. */
        REPLAY,
        /** Sends different checkpoint digests to different nodes. */
        CONFLICTING_CHECKPOINTS,
        /** Floods far-future (epoch + 1000) and next-epoch messages. */
        FLOOD_FUTURE
    }

    private static final int HEADER = MessageHeaderEncoder.ENCODED_LENGTH;

    private IssByzantine()
    {
    }

    /**
     * Make a node Byzantine.
     *
     * @param network   the simulated network.
     * @param node      the Byzantine node.
     * @param behaviour   what it does.
     * @param epochLength sequence numbers per epoch of the cluster.
     */
    public static void install(final SimNetwork network, final int node, final Behaviour behaviour,
        final int epochLength)
    {
        switch (behaviour)
        {
            case SILENT -> network.addMangler(node, MessageManglers.dropAll());
            case SLOW -> network.addMangler(node, MessageManglers.delay(40_000_000L));
            case EQUIVOCATE -> network.addMangler(node, IssByzantine::equivocate);
            case DUPLICATE_REQUESTS -> network.addMangler(node, IssByzantine::duplicateRequest);
            case FOREIGN_BUCKETS ->
            {
                final ForeignBatches foreign = new ForeignBatches(node);
                network.addMangler(node, foreign::mangle);
                network.addMangler(foreign::observe);
            }
            case FORGE -> network.addMangler(node, new Forger()::mangle);
            case MALFORMED -> network.addMangler(node, IssByzantine::malformed);
            case REPLAY -> network.addMangler(node, new Replayer()::mangle);
            case CONFLICTING_CHECKPOINTS -> network.addMangler(node, IssByzantine::conflictingCheckpoints);
            case FLOOD_FUTURE -> network.addMangler(node, (from, to, message, offset, length, output) ->
                floodFuture(message, offset, length, output, epochLength));
            default -> throw new IllegalArgumentException(behaviour.name());
        }
    }

    static int template(final DirectBuffer message, final int offset, final int length)
    {
        if (length < HEADER)
        {
            return -1;
        }
        final MessageHeaderDecoder header = new MessageHeaderDecoder().wrap(message, offset);
        return header.schemaId() == MessageHeaderDecoder.SCHEMA_ID ? header.templateId() : -1;
    }

    private static int requestCount(final DirectBuffer message, final int offset)
    {
        return message.getShort(offset + HEADER + PreprepareEncoder.BLOCK_LENGTH + 2, ByteOrder.LITTLE_ENDIAN) &
            0xFFFF;
    }

    private static void equivocate(final int from, final int to, final DirectBuffer message, final int offset,
        final int length, final MessageMangler.Output output)
    {
        if (template(message, offset, length) != PreprepareEncoder.TEMPLATE_ID || requestCount(message, offset) == 0 ||
            to % 2 == 0)
        {
            output.send(message, offset, length);
            return;
        }
        final MutableDirectBuffer scratch = output.scratch();
        scratch.putBytes(0, message, offset, length - 48);
        final int countOffset = HEADER + PreprepareEncoder.BLOCK_LENGTH + 2;
        scratch.putShort(countOffset, (short)(requestCount(message, offset) - 1), ByteOrder.LITTLE_ENDIAN);
        output.send(scratch, 0, length - 48);
    }

    private static void duplicateRequest(final int from, final int to, final DirectBuffer message, final int offset,
        final int length, final MessageMangler.Output output)
    {
        if (template(message, offset, length) != PreprepareEncoder.TEMPLATE_ID || requestCount(message, offset) == 0)
        {
            output.send(message, offset, length);
            return;
        }
        final MutableDirectBuffer scratch = output.scratch();
        scratch.putBytes(0, message, offset, length);
        final int refs = HEADER + PreprepareEncoder.BLOCK_LENGTH + 4;
        scratch.putBytes(length, message, offset + refs, 48);
        scratch.putShort(refs - 2, (short)(requestCount(message, offset) + 1), ByteOrder.LITTLE_ENDIAN);
        output.send(scratch, 0, length + 48);
    }

    private static void malformed(final int from, final int to, final DirectBuffer message, final int offset,
        final int length, final MessageMangler.Output output)
    {
        final int choice = output.random().nextInt(6);
        final MutableDirectBuffer scratch = output.scratch();
        scratch.putBytes(0, message, offset, length);
        if (choice == 0)
        {
            output.send(scratch, 0, output.random().nextInt(length));
        }
        else if (choice == 1)
        {
            final int at = output.random().nextInt(length);
            scratch.putByte(at, (byte)(scratch.getByte(at) ^ (1 << output.random().nextInt(8))));
            output.send(scratch, 0, length);
        }
        else if (choice == 2 && length > HEADER + 4)
        {
            scratch.putShort(HEADER + length % 8, (short)0xFFFF, ByteOrder.LITTLE_ENDIAN);
            scratch.putInt(length - 4, Integer.MAX_VALUE, ByteOrder.LITTLE_ENDIAN);
            output.send(scratch, 0, length);
        }
        else
        {
            output.send(message, offset, length);
        }
    }

    private static void conflictingCheckpoints(final int from, final int to, final DirectBuffer message,
        final int offset, final int length, final MessageMangler.Output output)
    {
        if (template(message, offset, length) != CheckpointEncoder.TEMPLATE_ID || to % 2 == 1)
        {
            output.send(message, offset, length);
            return;
        }
        final MutableDirectBuffer scratch = output.scratch();
        scratch.putBytes(0, message, offset, length);
        final int digest = HEADER + CheckpointEncoder.digestEncodingOffset();
        scratch.putByte(digest, (byte)(scratch.getByte(digest) ^ (1 + to)));
        output.send(scratch, 0, length);
    }

    private static void floodFuture(final DirectBuffer message, final int offset, final int length,
        final MessageMangler.Output output, final int epochLength)
    {
        output.send(message, offset, length);
        if (template(message, offset, length) != PrepareEncoder.TEMPLATE_ID)
        {
            return;
        }
        final long epoch = message.getLong(offset + HEADER + PrepareEncoder.epochEncodingOffset(),
            ByteOrder.LITTLE_ENDIAN);
        final MutableDirectBuffer scratch = output.scratch();
        final PrepareEncoder prepare = new PrepareEncoder();
        final MessageHeaderEncoder header = new MessageHeaderEncoder();
        for (int i = 0; i < 8; i++)
        {
            final long far = epoch + 1000 + output.random().nextInt(1_000_000);
            prepare.wrapAndApplyHeader(scratch, 0, header).epoch(far).seqNo(far * epochLength).view(i)
                .putDigest(new byte[32], 0, 32);
            output.send(scratch, 0, HEADER + prepare.encodedLength());
            prepare.wrapAndApplyHeader(scratch, 0, header).epoch(epoch + 1).seqNo((epoch + 1) * epochLength)
                .view(output.random().nextInt(1 << 20)).putDigest(new byte[32], 0, 32);
            output.send(scratch, 0, HEADER + prepare.encodedLength());
        }
        final ViewChangeEncoder viewChange = new ViewChangeEncoder();
        viewChange.wrapAndApplyHeader(scratch, 0, header).epoch(epoch).segment(0)
            .newView(1_000_000 + output.random().nextInt(1000)).preparedCount(0);
        viewChange.prepreparedCount(0);
        output.send(scratch, 0, HEADER + viewChange.encodedLength());
    }

    /**
     * Keeps the latest non-empty pre-prepare of every other node; the Byzantine leader proposes one of those batches
     * (requests of other leaders' buckets) instead of its own.
     */
    private static final class ForeignBatches
    {
        private final int byzantine;
        private final UnsafeBuffer latest = new UnsafeBuffer(new byte[64 * 1024]);
        private int latestLength;

        ForeignBatches(final int byzantine)
        {
            this.byzantine = byzantine;
        }

        void observe(final int from, final int to, final DirectBuffer message, final int offset, final int length,
            final MessageMangler.Output output)
        {
            if (from != byzantine && template(message, offset, length) == PreprepareEncoder.TEMPLATE_ID &&
                requestCount(message, offset) > 0 && length <= latest.capacity())
            {
                latest.putBytes(0, message, offset, length);
                latestLength = length;
            }
            output.send(message, offset, length);
        }

        void mangle(final int from, final int to, final DirectBuffer message, final int offset, final int length,
            final MessageMangler.Output output)
        {
            if (template(message, offset, length) != PreprepareEncoder.TEMPLATE_ID || latestLength == 0)
            {
                output.send(message, offset, length);
                return;
            }
            final MutableDirectBuffer scratch = output.scratch();
            final int fixed = HEADER + PreprepareEncoder.BLOCK_LENGTH;
            scratch.putBytes(0, message, offset, fixed);
            scratch.putBytes(fixed, latest, fixed, latestLength - fixed);
            output.send(scratch, 0, latestLength);
        }
    }

    /**
     * Sends, next to each Prepare, a pre-prepare for the same slot (leadership it may not have) and a commit for a
     * bogus digest, and next to each Commit a NewView for view 1 of segment 0 (it is rarely that view's leader).
     */
    private static final class Forger
    {
        private final MessageHeaderEncoder header = new MessageHeaderEncoder();
        private final PreprepareEncoder preprepare = new PreprepareEncoder();
        private final CommitEncoder commit = new CommitEncoder();
        private final NewViewEncoder newView = new NewViewEncoder();
        private final byte[] bogus = new byte[32];

        void mangle(final int from, final int to, final DirectBuffer message, final int offset, final int length,
            final MessageMangler.Output output)
        {
            output.send(message, offset, length);
            final int template = template(message, offset, length);
            if (template != PrepareEncoder.TEMPLATE_ID && template != CommitEncoder.TEMPLATE_ID)
            {
                return;
            }
            final long epoch = message.getLong(offset + HEADER + PrepareEncoder.epochEncodingOffset(),
                ByteOrder.LITTLE_ENDIAN);
            final long seqNo = message.getLong(offset + HEADER + PrepareEncoder.seqNoEncodingOffset(),
                ByteOrder.LITTLE_ENDIAN);
            final MutableDirectBuffer scratch = output.scratch();
            if (template == PrepareEncoder.TEMPLATE_ID)
            {
                preprepare.wrapAndApplyHeader(scratch, 0, header).epoch(epoch).seqNo(seqNo).view(0).requestsCount(0);
                output.send(scratch, 0, HEADER + preprepare.encodedLength());
                bogus[0] = (byte)seqNo;
                commit.wrapAndApplyHeader(scratch, 0, header).epoch(epoch).seqNo(seqNo).view(0)
                    .putDigest(bogus, 0, 32);
                output.send(scratch, 0, HEADER + commit.encodedLength());
            }
            else
            {
                final NewViewEncoder.ProposalsEncoder proposals = newView.wrapAndApplyHeader(scratch, 0, header)
                    .epoch(epoch).segment(0).view(1).proposalsCount(1);
                proposals.next().seqNo(seqNo).fill((short)1).putDigest(bogus, 0, 32).putRefs(bogus, 0, 0);
                output.send(scratch, 0, HEADER + newView.encodedLength());
            }
        }
    }

    /**
     * Remembers up to 512 of its own messages and, with each new one, re-sends a random old one.
     */
    private static final class Replayer
    {
        private final List<byte[]> old = new ArrayList<>();

        void mangle(final int from, final int to, final DirectBuffer message, final int offset, final int length,
            final MessageMangler.Output output)
        {
            output.send(message, offset, length);
            if (!old.isEmpty())
            {
                final byte[] replayed = old.get(output.random().nextInt(old.size()));
                output.send(new UnsafeBuffer(replayed), 0, replayed.length);
            }
            if (old.size() < 512 && output.random().nextInt(4) == 0)
            {
                final byte[] copy = new byte[length];
                message.getBytes(offset, copy);
                old.add(copy);
            }
        }
    }
}
