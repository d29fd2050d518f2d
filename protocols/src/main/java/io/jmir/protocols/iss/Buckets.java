package io.jmir.protocols.iss;

/**
 * Request partitioning (ADR 0010): a request (client id, request number) belongs to bucket
 * {@code mix(clientId, requestNo) mod bucketCount}; in epoch e bucket b is proposed only by the leader of
 * segment {@code (b + e) mod leaderCount}. Buckets thus rotate across leaders from epoch to epoch: a request a
 * leader does not propose (censorship or crash) is proposed by another leader in a later epoch, and two leaders
 * never propose the same request in the same epoch.
 * <p>
 * <b>Threading:</b> stateless; any thread.
 */
public final class Buckets
{
    private Buckets()
    {
    }

    /**
     * @param clientId    client id.
     * @param requestNo   request number.
     * @param bucketCount number of buckets.
     * @return the request's bucket in [0, bucketCount).
     */
    public static int bucketOf(final long clientId, final long requestNo, final int bucketCount)
    {
        long h = clientId * 0x9E3779B97F4A7C15L + requestNo;
        h ^= h >>> 33;
        h *= 0xFF51AFD7ED558CCDL;
        h ^= h >>> 33;
        h *= 0xC4CEB9FE1A85EC53L;
        h ^= h >>> 33;
        return (int)Long.remainderUnsigned(h, bucketCount);
    }

    /**
     * @param bucket      a bucket.
     * @param epoch       an epoch.
     * @param leaderCount leaders in that epoch.
     * @return index of the segment whose leader proposes the bucket's requests in that epoch.
     */
    public static int segmentOf(final int bucket, final long epoch, final int leaderCount)
    {
        return (int)((bucket + epoch) % leaderCount);
    }
}
