package io.jmir.cli.node;

import io.jmir.examples.kv.KvStore;
import io.jmir.protocols.app.Application;
import io.jmir.protocols.app.Batch;
import io.jmir.protocols.app.Results;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The replicated {@link KvStore} as a node runs it, observable from other threads: the last applied sequence
 * number, the number of applied requests and a SHA-256 digest of the state (of the store's snapshot, which is
 * byte-identical on replicas with the same state and includes the applied-request count, so a request applied
 * twice changes it).
 * <p>
 * <b>Threading:</b> {@link #apply}, {@link #snapshot} and {@link #restore} are called by the app stage thread; the
 * observers ({@link #lastSeqNo}, {@link #applied}, {@link #digest}) by any thread. All are synchronized, so an
 * observer sees the state between two batches.
 */
public final class ObservedKv implements Application
{
    private final KvStore store = new KvStore();
    private long lastSeqNo = -1;

    @Override
    public synchronized void apply(final long seqNo, final Batch batch, final Results results)
    {
        store.apply(seqNo, batch, results);
        lastSeqNo = seqNo;
    }

    @Override
    public synchronized byte[] snapshot()
    {
        return store.snapshot();
    }

    @Override
    public synchronized void restore(final byte[] snapshot)
    {
        store.restore(snapshot);
    }

    /**
     * @return sequence number of the last applied batch, -1 before the first.
     */
    public synchronized long lastSeqNo()
    {
        return lastSeqNo;
    }

    /**
     * @return requests applied (restored from snapshots included).
     */
    public synchronized long applied()
    {
        return store.applied();
    }

    /**
     * @return hex SHA-256 of the state's snapshot.
     */
    public String digest()
    {
        final byte[] snapshot = snapshot();
        try
        {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(snapshot));
        }
        catch (final NoSuchAlgorithmException ex)
        {
            throw new IllegalStateException(ex);
        }
    }
}
