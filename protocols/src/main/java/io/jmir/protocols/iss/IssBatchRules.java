package io.jmir.protocols.iss;

import io.jmir.protocols.pbft.OrdererOutput;
import io.jmir.protocols.pbft.PbftOrderer;
import io.jmir.protocols.pbft.PbftSlot;

/**
 * The batch rules of ISS (ADR 0010, 0011), extracted from {@link IssModule}: which requests a segment's leader may
 * propose (its buckets in the epoch, new, inside the client watermarks), how a leader cuts a batch from its buckets
 * and how many requests are ready for it.
 * <p>
 * <b>Threading:</b> protocol module thread only.
 */
final class IssBatchRules
{
    private final IssConfig config;
    private final RequestPool pool;

    IssBatchRules(final IssConfig config, final RequestPool pool)
    {
        this.config = config;
        this.pool = pool;
    }

    int checkBatch(final PbftOrderer orderer, final PbftSlot slot, final int leaders)
    {
        final int count = slot.requestCount();
        if (count > config.maxBatchSize())
        {
            return OrdererOutput.BATCH_INVALID;
        }
        int result = OrdererOutput.BATCH_VALID;
        int marked = 0;
        for (int i = 0; i < count && result == OrdererOutput.BATCH_VALID; i++)
        {
            final long clientId = slot.clientId(i);
            final long requestNo = slot.requestNo(i);
            if (clientId < 0 || clientId >= config.clientCount() || requestNo < 0 ||
                Buckets.segmentOf(Buckets.bucketOf(clientId, requestNo, config.bucketCount()), orderer.epoch(),
                leaders) != orderer.segment())
            {
                result = OrdererOutput.BATCH_INVALID;
                break;
            }
            final int check = pool.check(clientId, requestNo, slot.batch(), slot.requestDigestOffset(i));
            if (check == RequestPool.VALID)
            {
                pool.markProposed(clientId, requestNo);
                marked++;
            }
            else
            {
                result = check == RequestPool.MISSING ? OrdererOutput.BATCH_MISSING : OrdererOutput.BATCH_INVALID;
            }
        }
        if (result != OrdererOutput.BATCH_VALID)
        {
            for (int i = 0; i < marked; i++)
            {
                pool.unmarkProposed(slot.clientId(i), slot.requestNo(i));
            }
        }
        return result;
    }

    void cutBatch(final PbftOrderer orderer, final PbftSlot slot, final int leaders)
    {
        final int firstBucket = Math.floorMod(orderer.segment() - orderer.epoch(), leaders);
        final int max = config.maxBatchSize();
        int count = 0;
        boolean progress = true;
        while (count < max && progress)
        {
            progress = false;
            for (int b = firstBucket; b < config.bucketCount() && count < max; b += leaders)
            {
                if (pool.pollReady(b, slot.batch(), PbftSlot.BATCH_PREFIX + count * PbftSlot.REF_LENGTH))
                {
                    count++;
                    progress = true;
                }
            }
        }
        slot.setRequestCount(count);
    }

    int readyFor(final PbftOrderer orderer, final int leaders)
    {
        int ready = 0;
        for (int b = Math.floorMod(orderer.segment() - orderer.epoch(), leaders); b < config.bucketCount();
            b += leaders)
        {
            ready += pool.readyCount(b);
        }
        return ready;
    }

    /**
     * A batch installed by a view change or fetched (ADR 0013): every request known here and not delivered; marks
     * them proposed when valid.
     */
    int checkInstalled(final PbftSlot slot)
    {
        final int count = slot.requestCount();
        int result = OrdererOutput.BATCH_VALID;
        for (int i = 0; i < count && result != OrdererOutput.BATCH_INVALID; i++)
        {
            final int check = pool.checkInstalled(slot.clientId(i), slot.requestNo(i), slot.batch(),
                slot.requestDigestOffset(i));
            if (check != RequestPool.VALID)
            {
                result = check == RequestPool.MISSING ? OrdererOutput.BATCH_MISSING : OrdererOutput.BATCH_INVALID;
            }
        }
        if (result == OrdererOutput.BATCH_VALID)
        {
            for (int i = 0; i < count; i++)
            {
                pool.markProposed(slot.clientId(i), slot.requestNo(i));
            }
        }
        return result;
    }

    /**
     * The slot's batch was replaced: its requests become proposable again.
     */
    void releaseBatch(final PbftSlot slot)
    {
        for (int i = 0; i < slot.requestCount(); i++)
        {
            pool.release(slot.clientId(i), slot.requestNo(i));
        }
    }
}
