package io.jmir.protocols.pbft;

import io.jmir.protocols.codecs.MessageHeaderDecoder;
import io.jmir.protocols.codecs.ViewChangeDecoder;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * The ViewChange messages an orderer holds, at most one per node (the one with the highest view), parsed into
 * per-slot P entries (last prepared: view, digest, batch) and Q entries (last pre-prepared: view, digest), and the
 * Castro-Liskov decision procedure over the messages of one view (ADR 0013):
 * <ul>
 *   <li>a slot gets the prepared batch (d, v) when 2f+1 messages report no prepared batch for it in a view above
 *   v nor a different one in view v (A1) and f+1 messages report it pre-prepared with digest d in a view &gt;= v
 *   (A2);</li>
 *   <li>it gets an empty fill batch when 2f+1 messages report nothing prepared for it;</li>
 *   <li>otherwise it is undecided until more messages arrive.</li>
 * </ul>
 * Memory is bounded: one stored message per node, each holding at most one entry per slot of the segment.
 * <p>
 * <b>Threading:</b> protocol module thread only.
 */
final class PbftReports
{
    static final int UNDECIDED = 0;
    static final int FILL = 1;
    static final int BATCH = 2;

    private final Report[] reports;
    private final ViewChangeDecoder decoder = new ViewChangeDecoder();
    private final MessageHeaderDecoder header = new MessageHeaderDecoder();
    private final UnsafeBuffer view = new UnsafeBuffer(0, 0);
    private final int strongQuorum;
    private final int weakQuorum;
    private final int maxRefsBytes;
    private int chosenNode;
    private int chosenEntry;

    PbftReports(final int nodeCount, final int f, final int maxSlots, final int maxBatchSize)
    {
        this.strongQuorum = 2 * f + 1;
        this.weakQuorum = f + 1;
        this.maxRefsBytes = maxBatchSize * PbftSlot.REF_LENGTH;
        reports = new Report[nodeCount];
        for (int i = 0; i < nodeCount; i++)
        {
            reports[i] = new Report(maxSlots);
        }
    }

    void clear()
    {
        for (final Report report : reports)
        {
            report.view = -1;
        }
    }

    long viewOf(final int node)
    {
        return reports[node].view;
    }

    /**
     * Store and parse a ViewChange from a node if its view is above the stored one.
     *
     * @return true when stored; false when stale or malformed (the previous one is kept).
     */
    boolean store(final int from, final DirectBuffer buffer, final int offset, final int length,
        final PbftOrderer orderer)
    {
        final Report report = reports[from];
        header.wrap(buffer, offset);
        decoder.wrap(buffer, offset + MessageHeaderDecoder.ENCODED_LENGTH, header.blockLength(), header.version());
        final long newView = decoder.newView();
        if (newView <= report.view || newView <= 0)
        {
            return false;
        }
        report.bytes.putBytes(0, buffer, offset, length);
        view.wrap(report.bytes, 0, length);
        final long previous = report.view;
        report.view = newView;
        try
        {
            if (parse(report, newView, orderer))
            {
                return true;
            }
        }
        catch (final IndexOutOfBoundsException ex)
        {
            report.view = previous;
            return false;
        }
        report.view = previous;
        return false;
    }

    private boolean parse(final Report report, final long newView, final PbftOrderer orderer)
    {
        header.wrap(view, 0);
        decoder.wrap(view, MessageHeaderDecoder.ENCODED_LENGTH, header.blockLength(), header.version());
        report.pCount = 0;
        report.qCount = 0;
        final ViewChangeDecoder.PreparedDecoder prepared = decoder.prepared();
        if (prepared.count() > report.pSeq.length)
        {
            return false;
        }
        while (prepared.hasNext())
        {
            prepared.next();
            final int i = report.pCount;
            report.pSeq[i] = prepared.seqNo();
            report.pView[i] = prepared.view();
            prepared.getDigest(report.pDigest, i * PbftSlot.DIGEST_LENGTH, PbftSlot.DIGEST_LENGTH);
            report.pFill[i] = prepared.fill() != 0;
            final int refsLength = prepared.refsLength();
            report.pRefsOffset[i] = decoder.limit() + 4;
            report.pRefsCount[i] = refsLength / PbftSlot.REF_LENGTH;
            prepared.skipRefs();
            if (refsLength % PbftSlot.REF_LENGTH != 0 || refsLength > maxRefsBytes || report.pView[i] >= newView ||
                report.pView[i] < 0 || !orderer.holds(report.pSeq[i]) || find(report.pSeq, i, report.pSeq[i]) >= 0)
            {
                return false;
            }
            report.pCount++;
        }
        final ViewChangeDecoder.PrepreparedDecoder preprepared = decoder.preprepared();
        if (preprepared.count() > report.qSeq.length)
        {
            return false;
        }
        while (preprepared.hasNext())
        {
            preprepared.next();
            final int i = report.qCount;
            report.qSeq[i] = preprepared.seqNo();
            report.qView[i] = preprepared.view();
            preprepared.getDigest(report.qDigest, i * PbftSlot.DIGEST_LENGTH, PbftSlot.DIGEST_LENGTH);
            if (report.qView[i] >= newView || report.qView[i] < 0 || !orderer.holds(report.qSeq[i]) ||
                find(report.qSeq, i, report.qSeq[i]) >= 0)
            {
                return false;
            }
            report.qCount++;
        }
        return true;
    }

    /**
     * @return number of nodes whose stored message is for a view above {@code view}.
     */
    int countAbove(final long view)
    {
        int count = 0;
        for (final Report report : reports)
        {
            count += report.view > view ? 1 : 0;
        }
        return count;
    }

    /**
     * @return the least view above {@code view} among stored messages (Long.MAX_VALUE when none).
     */
    long leastAbove(final long view)
    {
        long least = Long.MAX_VALUE;
        for (final Report report : reports)
        {
            if (report.view > view && report.view < least)
            {
                least = report.view;
            }
        }
        return least;
    }

    /**
     * @return number of nodes whose stored message is for exactly this view.
     */
    int countAt(final long view)
    {
        int count = 0;
        for (final Report report : reports)
        {
            count += report.view == view ? 1 : 0;
        }
        return count;
    }

    /**
     * Decide a slot from the messages of a view (see the type javadoc).
     *
     * @param preferNode node whose P entry to take the batch from when it has the chosen one (this node).
     * @return {@link #UNDECIDED}, {@link #FILL} or {@link #BATCH} ({@link #chosenRefs} etc. then valid).
     */
    int decide(final long view, final long seqNo, final int preferNode)
    {
        if (countAt(view) < strongQuorum)
        {
            return UNDECIDED;
        }
        long bestView = -1;
        chosenNode = -1;
        for (int node = 0; node < reports.length; node++)
        {
            final Report report = reports[node];
            final int entry = report.view == view ? find(report.pSeq, report.pCount, seqNo) : -1;
            if (entry >= 0 && justified(view, seqNo, report.pDigest, entry * PbftSlot.DIGEST_LENGTH,
                report.pView[entry]) && (report.pView[entry] > bestView ||
                report.pView[entry] == bestView && node == preferNode))
            {
                bestView = report.pView[entry];
                chosenNode = node;
                chosenEntry = entry;
            }
        }
        if (chosenNode >= 0)
        {
            return BATCH;
        }
        int withoutPrepared = 0;
        for (final Report report : reports)
        {
            if (report.view == view && find(report.pSeq, report.pCount, seqNo) < 0)
            {
                withoutPrepared++;
            }
        }
        return withoutPrepared >= strongQuorum ? FILL : UNDECIDED;
    }

    /**
     * Follower check of a NewView proposal for a slot.
     *
     * @return true when the proposal (fill, or the batch of that digest) is justified by the stored messages.
     */
    boolean justifies(final long view, final long seqNo, final boolean fill, final byte[] digest)
    {
        if (fill)
        {
            int withoutPrepared = 0;
            for (final Report report : reports)
            {
                if (report.view == view && find(report.pSeq, report.pCount, seqNo) < 0)
                {
                    withoutPrepared++;
                }
            }
            if (withoutPrepared >= strongQuorum)
            {
                return true;
            }
        }
        for (final Report report : reports)
        {
            final int entry = report.view == view ? find(report.pSeq, report.pCount, seqNo) : -1;
            if (entry >= 0 && java.util.Arrays.equals(report.pDigest, entry * PbftSlot.DIGEST_LENGTH,
                (entry + 1) * PbftSlot.DIGEST_LENGTH, digest, 0, PbftSlot.DIGEST_LENGTH) &&
                justified(view, seqNo, report.pDigest, entry * PbftSlot.DIGEST_LENGTH, report.pView[entry]))
            {
                return true;
            }
        }
        return false;
    }

    private boolean justified(final long view, final long seqNo, final byte[] digest, final int digestOffset,
        final long preparedView)
    {
        int a1 = 0;
        int a2 = 0;
        for (final Report report : reports)
        {
            if (report.view != view)
            {
                continue;
            }
            final int p = find(report.pSeq, report.pCount, seqNo);
            if (p < 0 || report.pView[p] < preparedView || report.pView[p] == preparedView &&
                sameDigest(report.pDigest, p, digest, digestOffset))
            {
                a1++;
            }
            final int q = find(report.qSeq, report.qCount, seqNo);
            if (q >= 0 && report.qView[q] >= preparedView && sameDigest(report.qDigest, q, digest, digestOffset))
            {
                a2++;
            }
        }
        return a1 >= strongQuorum && a2 >= weakQuorum;
    }

    private static boolean sameDigest(final byte[] digests, final int entry, final byte[] digest, final int offset)
    {
        return java.util.Arrays.equals(digests, entry * PbftSlot.DIGEST_LENGTH, (entry + 1) * PbftSlot.DIGEST_LENGTH,
            digest, offset, offset + PbftSlot.DIGEST_LENGTH);
    }

    DirectBuffer chosenRefs()
    {
        return reports[chosenNode].bytes;
    }

    int chosenRefsOffset()
    {
        return reports[chosenNode].pRefsOffset[chosenEntry];
    }

    int chosenRefsCount()
    {
        return reports[chosenNode].pRefsCount[chosenEntry];
    }

    boolean chosenFill()
    {
        return reports[chosenNode].pFill[chosenEntry];
    }

    byte[] chosenDigests()
    {
        return reports[chosenNode].pDigest;
    }

    int chosenDigestOffset()
    {
        return chosenEntry * PbftSlot.DIGEST_LENGTH;
    }

    private static int find(final long[] seqNos, final int count, final long seqNo)
    {
        for (int i = 0; i < count; i++)
        {
            if (seqNos[i] == seqNo)
            {
                return i;
            }
        }
        return -1;
    }

    private static final class Report
    {
        final ExpandableArrayBuffer bytes = new ExpandableArrayBuffer(256);
        final long[] pSeq;
        final long[] pView;
        final byte[] pDigest;
        final int[] pRefsOffset;
        final int[] pRefsCount;
        final boolean[] pFill;
        final long[] qSeq;
        final long[] qView;
        final byte[] qDigest;
        long view = -1;
        int pCount;
        int qCount;

        Report(final int maxSlots)
        {
            pSeq = new long[maxSlots];
            pView = new long[maxSlots];
            pDigest = new byte[maxSlots * PbftSlot.DIGEST_LENGTH];
            pRefsOffset = new int[maxSlots];
            pRefsCount = new int[maxSlots];
            pFill = new boolean[maxSlots];
            qSeq = new long[maxSlots];
            qView = new long[maxSlots];
            qDigest = new byte[maxSlots * PbftSlot.DIGEST_LENGTH];
        }
    }
}
