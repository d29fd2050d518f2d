package io.jmir.protocols.iss;

import io.jmir.codecs.engine.Scheme;
import io.jmir.engine.ConfigurationException;

/**
 * Parameters of ISS with PBFT orderers, shared by the protocol module, the client tracker and the clients of one
 * cluster. Fluent setters; {@link #conclude()} validates every parameter (a {@link ConfigurationException} names
 * the parameter at fault) and derives the dependent ones. Every node of a cluster must use equal parameters.
 * <ul>
 *   <li>{@code nodeCount} n and {@code f}: n &gt;= 3f + 1; f defaults to (n - 1) / 3.</li>
 *   <li>{@code maxBatchSize}: most requests in one batch; {@code batchTimeoutNs}: a leader proposes a partial
 *   (possibly empty) batch when this long passed since its previous proposal (ADR 0011).</li>
 *   <li>{@code viewChangeTimeoutNs}: a segment that commits nothing for this long (doubled per view) starts a
 *   view change (ADR 0013); 0 derives 10 x batchTimeoutNs.</li>
 *   <li>{@code segmentLength}: sequence numbers per leader per epoch; {@code epochLength}: sequence numbers per
 *   epoch, segmentLength x leaders (derived when 0, validated when set).</li>
 *   <li>{@code bucketCount}: request partitions, at least one per leader (ADR 0010).</li>
 *   <li>{@code clientCount}: clients are numbered 0 .. clientCount - 1; {@code clientWatermarkWindow}: request
 *   numbers a client may have in flight above its low watermark; {@code epochWindow}: how many epochs past the
 *   last stable checkpoint a node may enter.</li>
 *   <li>{@code maxRequestBytes}: largest request payload accepted; {@code clientAuthScheme}: Ed25519
 *   signatures or HMAC-SHA256 with pairwise client-node keys.</li>
 *   <li>State transfer (ADR 0014): {@code stateTransferTimeoutNs}: a node that delivered nothing for this long
 *   asks its peers for a stable checkpoint, and a fetch step (certificate, chunk) that takes this long moves on
 *   to another peer (0 derives 4 x segmentLength x batchTimeoutNs, at least 500 ms); {@code stateChunkBytes}:
 *   bytes of checkpoint data asked per chunk (a chunk message must fit the slots of the net and protocol stages:
 *   default 8 KiB); {@code maxStateBytes}: largest checkpoint data a node accepts to fetch (it is hashed in one
 *   event, so the protocol and hasher slots bound it too).</li>
 * </ul>
 * <b>Threading:</b> configured on one thread before the node is built; immutable in practice afterwards.
 */
public final class IssConfig
{
    /** Floor of the derived state-transfer timeout: a slow but healthy node should catch up by itself. */
    public static final long MIN_DERIVED_STATE_TRANSFER_TIMEOUT_NS = 500_000_000L;
    private int nodeCount;
    private int f = -1;
    private int maxBatchSize = 256;
    private long batchTimeoutNs = 5_000_000L;
    private long viewChangeTimeoutNs;
    private int segmentLength = 8;
    private int epochLength;
    private int bucketCount;
    private int clientCount = 16;
    private int clientWatermarkWindow = 1024;
    private int epochWindow = 2;
    private int maxRequestBytes = 64 * 1024;
    private Scheme clientAuthScheme = Scheme.ED25519;
    private long stateTransferTimeoutNs;
    private int stateChunkBytes = 8 * 1024;
    private int maxStateBytes = 256 * 1024 * 1024;
    private boolean concluded;

    /**
     * @param nodeCount n, the number of nodes.
     * @return this.
     */
    public IssConfig nodeCount(final int nodeCount)
    {
        this.nodeCount = nodeCount;
        return this;
    }

    /**
     * @param f tolerated Byzantine nodes; -1 derives (n - 1) / 3.
     * @return this.
     */
    public IssConfig f(final int f)
    {
        this.f = f;
        return this;
    }

    /**
     * @param maxBatchSize most requests per batch.
     * @return this.
     */
    public IssConfig maxBatchSize(final int maxBatchSize)
    {
        this.maxBatchSize = maxBatchSize;
        return this;
    }

    /**
     * @param batchTimeoutNs time after which a leader proposes a partial batch.
     * @return this.
     */
    public IssConfig batchTimeoutNs(final long batchTimeoutNs)
    {
        this.batchTimeoutNs = batchTimeoutNs;
        return this;
    }

    /**
     * @param viewChangeTimeoutNs time without progress in a segment before a view change; 0 derives it.
     * @return this.
     */
    public IssConfig viewChangeTimeoutNs(final long viewChangeTimeoutNs)
    {
        this.viewChangeTimeoutNs = viewChangeTimeoutNs;
        return this;
    }

    /**
     * @param segmentLength sequence numbers per leader per epoch.
     * @return this.
     */
    public IssConfig segmentLength(final int segmentLength)
    {
        this.segmentLength = segmentLength;
        return this;
    }

    /**
     * @param epochLength sequence numbers per epoch; 0 derives segmentLength x leaders.
     * @return this.
     */
    public IssConfig epochLength(final int epochLength)
    {
        this.epochLength = epochLength;
        return this;
    }

    /**
     * @param bucketCount request buckets; 0 derives 4 x nodeCount.
     * @return this.
     */
    public IssConfig bucketCount(final int bucketCount)
    {
        this.bucketCount = bucketCount;
        return this;
    }

    /**
     * @param clientCount number of clients (ids 0 .. clientCount - 1).
     * @return this.
     */
    public IssConfig clientCount(final int clientCount)
    {
        this.clientCount = clientCount;
        return this;
    }

    /**
     * @param clientWatermarkWindow request numbers per client accepted above its low watermark (multiple of 64).
     * @return this.
     */
    public IssConfig clientWatermarkWindow(final int clientWatermarkWindow)
    {
        this.clientWatermarkWindow = clientWatermarkWindow;
        return this;
    }

    /**
     * @param epochWindow epochs past the last stable checkpoint a node may enter (&gt;= 1).
     * @return this.
     */
    public IssConfig epochWindow(final int epochWindow)
    {
        this.epochWindow = epochWindow;
        return this;
    }

    /**
     * @param maxRequestBytes largest request payload.
     * @return this.
     */
    public IssConfig maxRequestBytes(final int maxRequestBytes)
    {
        this.maxRequestBytes = maxRequestBytes;
        return this;
    }

    /**
     * @param clientAuthScheme how clients authenticate requests.
     * @return this.
     */
    public IssConfig clientAuthScheme(final Scheme clientAuthScheme)
    {
        this.clientAuthScheme = clientAuthScheme;
        return this;
    }

    /**
     * @param stateTransferTimeoutNs delivery silence before asking peers for state, and fetch step timeout; 0
     *                               derives 4 x segmentLength x batchTimeoutNs, at least 500 ms.
     * @return this.
     */
    public IssConfig stateTransferTimeoutNs(final long stateTransferTimeoutNs)
    {
        this.stateTransferTimeoutNs = stateTransferTimeoutNs;
        return this;
    }

    /**
     * @param stateChunkBytes checkpoint data bytes asked per chunk, in [64, 16 MiB].
     * @return this.
     */
    public IssConfig stateChunkBytes(final int stateChunkBytes)
    {
        this.stateChunkBytes = stateChunkBytes;
        return this;
    }

    /**
     * @param maxStateBytes largest checkpoint data accepted from peers, at least 1024.
     * @return this.
     */
    public IssConfig maxStateBytes(final int maxStateBytes)
    {
        this.maxStateBytes = maxStateBytes;
        return this;
    }

    /**
     * Validate every parameter and derive the dependent ones. Idempotent.
     *
     * @return this.
     * @throws ConfigurationException naming the first invalid parameter.
     */
    public IssConfig conclude()
    {
        if (nodeCount < 1)
        {
            throw new ConfigurationException("nodeCount", "must be at least 1, was " + nodeCount);
        }
        if (f == -1)
        {
            f = (nodeCount - 1) / 3;
        }
        if (f < 0 || nodeCount < 3 * f + 1)
        {
            throw new ConfigurationException("f", "need nodeCount >= 3f + 1 and f >= 0, was f=" + f +
                " with nodeCount=" + nodeCount);
        }
        if (maxBatchSize < 1 || maxBatchSize > 4096)
        {
            throw new ConfigurationException("maxBatchSize", "must be in [1, 4096], was " + maxBatchSize);
        }
        if (batchTimeoutNs < 1000)
        {
            throw new ConfigurationException("batchTimeoutNs", "must be at least 1000 ns, was " + batchTimeoutNs);
        }
        if (viewChangeTimeoutNs == 0)
        {
            viewChangeTimeoutNs = 10 * batchTimeoutNs;
        }
        if (viewChangeTimeoutNs < batchTimeoutNs)
        {
            throw new ConfigurationException("viewChangeTimeoutNs", "must be at least batchTimeoutNs = " +
                batchTimeoutNs + ", was " + viewChangeTimeoutNs);
        }
        if (segmentLength < 1)
        {
            throw new ConfigurationException("segmentLength", "must be at least 1, was " + segmentLength);
        }
        final int leaders = nodeCount;
        if (epochLength == 0)
        {
            epochLength = segmentLength * leaders;
        }
        else if (epochLength != segmentLength * leaders)
        {
            throw new ConfigurationException("epochLength", "must equal segmentLength x leaders = " +
                segmentLength + " x " + leaders + ", was " + epochLength);
        }
        if (bucketCount == 0)
        {
            bucketCount = 4 * nodeCount;
        }
        if (bucketCount < leaders || bucketCount > 65536)
        {
            throw new ConfigurationException("bucketCount", "must be in [leaders=" + leaders + ", 65536], was " +
                bucketCount);
        }
        if (clientCount < 1 || clientCount > 65535)
        {
            throw new ConfigurationException("clientCount", "must be in [1, 65535], was " + clientCount);
        }
        if (clientWatermarkWindow < 64 || clientWatermarkWindow > 1 << 20 || (clientWatermarkWindow & 63) != 0)
        {
            throw new ConfigurationException("clientWatermarkWindow",
                "must be a multiple of 64 in [64, 2^20], was " + clientWatermarkWindow);
        }
        if (epochWindow < 1 || epochWindow > 16)
        {
            throw new ConfigurationException("epochWindow", "must be in [1, 16], was " + epochWindow);
        }
        if (maxRequestBytes < 0 || maxRequestBytes > 1 << 20)
        {
            throw new ConfigurationException("maxRequestBytes", "must be in [0, 2^20], was " + maxRequestBytes);
        }
        if (clientAuthScheme != Scheme.ED25519 && clientAuthScheme != Scheme.HMAC_SHA256)
        {
            throw new ConfigurationException("clientAuthScheme", "must be ED25519 or HMAC_SHA256, was " +
                clientAuthScheme);
        }
        if (stateTransferTimeoutNs == 0)
        {
            stateTransferTimeoutNs =
                Math.max(4L * segmentLength * batchTimeoutNs, MIN_DERIVED_STATE_TRANSFER_TIMEOUT_NS);
        }
        if (stateTransferTimeoutNs < 1000)
        {
            throw new ConfigurationException("stateTransferTimeoutNs",
                "must be at least 1000 ns (or 0 to derive), was " + stateTransferTimeoutNs);
        }
        if (stateChunkBytes < 64 || stateChunkBytes > 16 * 1024 * 1024)
        {
            throw new ConfigurationException("stateChunkBytes", "must be in [64, 16 MiB], was " + stateChunkBytes);
        }
        if (maxStateBytes < 1024)
        {
            throw new ConfigurationException("maxStateBytes", "must be at least 1024, was " + maxStateBytes);
        }
        concluded = true;
        return this;
    }

    /**
     * @return n.
     */
    public int nodeCount()
    {
        return nodeCount;
    }

    /**
     * @return f: as set, or (n - 1) / 3 when left to be derived (also before {@link #conclude()}).
     */
    public int f()
    {
        return f == -1 ? (nodeCount - 1) / 3 : f;
    }

    /**
     * @return 2f + 1, the strong quorum.
     */
    public int strongQuorum()
    {
        return 2 * f + 1;
    }

    /**
     * @return f + 1, the weak quorum (clients accept a result with this many matching replies).
     */
    public int weakQuorum()
    {
        return f + 1;
    }

    /**
     * @return most requests per batch.
     */
    public int maxBatchSize()
    {
        return maxBatchSize;
    }

    /**
     * @return batch timeout in ns.
     */
    public long batchTimeoutNs()
    {
        return batchTimeoutNs;
    }

    /**
     * @return view change timeout in ns.
     */
    public long viewChangeTimeoutNs()
    {
        return viewChangeTimeoutNs;
    }

    /**
     * @return sequence numbers per leader per epoch.
     */
    public int segmentLength()
    {
        return segmentLength;
    }

    /**
     * @return sequence numbers per epoch.
     */
    public int epochLength()
    {
        return epochLength;
    }

    /**
     * @return number of buckets.
     */
    public int bucketCount()
    {
        return bucketCount;
    }

    /**
     * @return number of clients.
     */
    public int clientCount()
    {
        return clientCount;
    }

    /**
     * @return client watermark window.
     */
    public int clientWatermarkWindow()
    {
        return clientWatermarkWindow;
    }

    /**
     * @return epochs past the last stable checkpoint a node may enter.
     */
    public int epochWindow()
    {
        return epochWindow;
    }

    /**
     * @return largest request payload.
     */
    public int maxRequestBytes()
    {
        return maxRequestBytes;
    }

    /**
     * @return client authentication scheme.
     */
    public Scheme clientAuthScheme()
    {
        return clientAuthScheme;
    }

    /**
     * @return delivery silence before asking for state, and fetch step timeout.
     */
    public long stateTransferTimeoutNs()
    {
        return stateTransferTimeoutNs;
    }

    /**
     * @return checkpoint data bytes asked per chunk.
     */
    public int stateChunkBytes()
    {
        return stateChunkBytes;
    }

    /**
     * @return largest checkpoint data accepted from peers.
     */
    public int maxStateBytes()
    {
        return maxStateBytes;
    }

    /**
     * @return true once {@link #conclude()} succeeded.
     */
    public boolean isConcluded()
    {
        return concluded;
    }
}
