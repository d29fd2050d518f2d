package io.jmir.protocols.testkit;

import io.jmir.protocols.app.Application;
import io.jmir.protocols.app.Batch;
import io.jmir.protocols.app.Results;
import org.agrona.DirectBuffer;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Test application: its state is a running hash over every applied request (client, number, payload bytes) and a
 * count; the result of a request is (seqNo, state hash after it). It records the delivery log: per batch the
 * sequence number and the request ids, so tests can compare nodes.
 */
public final class RecordingApp implements Application
{
    /** One delivered batch. */
    public record Delivered(long seqNo, long[] clientIds, long[] requestNos)
    {
    }

    private final List<Delivered> log = new ArrayList<>();
    private final byte[] result = new byte[16];
    private long state = 17;
    private long applied;
    private long restores;

    @Override
    public void apply(final long seqNo, final Batch batch, final Results results)
    {
        final long[] clients = new long[batch.size()];
        final long[] numbers = new long[batch.size()];
        for (int i = 0; i < batch.size(); i++)
        {
            clients[i] = batch.clientId(i);
            numbers[i] = batch.requestNo(i);
            state = state * 31 + clients[i];
            state = state * 31 + numbers[i];
            final DirectBuffer payload = batch.payload(i);
            for (int b = 0; b < payload.capacity(); b++)
            {
                state = state * 31 + payload.getByte(b);
            }
            applied++;
            ByteBuffer.wrap(result).putLong(seqNo).putLong(state);
            results.set(i, result);
        }
        log.add(new Delivered(seqNo, clients, numbers));
    }

    @Override
    public byte[] snapshot()
    {
        return ByteBuffer.allocate(16).putLong(state).putLong(applied).array();
    }

    @Override
    public void restore(final byte[] snapshot)
    {
        if (snapshot.length != 16)
        {
            throw new IllegalArgumentException("snapshot must be 16 bytes, was " + snapshot.length);
        }
        final ByteBuffer b = ByteBuffer.wrap(snapshot);
        state = b.getLong();
        applied = b.getLong();
        restores++;
    }

    public List<Delivered> log()
    {
        return log;
    }

    public long applied()
    {
        return applied;
    }

    public long state()
    {
        return state;
    }

    public long restores()
    {
        return restores;
    }
}
