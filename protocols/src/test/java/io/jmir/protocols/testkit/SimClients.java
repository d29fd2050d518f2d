package io.jmir.protocols.testkit;

import io.jmir.codecs.engine.Scheme;
import io.jmir.protocols.app.ReplySink;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * Random client load for an {@link IssSimulation}: each client submits its requests to all nodes (random submission
 * delays), keeps at most {@code maxInFlight} requests outstanding, and resubmits random requests to all nodes again
 * (also after completion) to exercise deduplication. A request completes when f + 1 nodes returned the same result.
 * Also the {@link ReplySink} of every node: it records every reply.
 */
public final class SimClients implements ReplySink
{
    private final IssSimulation sim;
    private final TestKeys keys;
    private final int nodeCount;
    private final int weakQuorum;
    private final int clientCount;
    private final int requestsPerClient;
    private final int maxInFlight;
    private final int maxPayload;
    private final double resubmitProbability;
    private final RequestFactory factory;
    private final ExpandableArrayBuffer encoded = new ExpandableArrayBuffer(4096);
    private final Map<Long, byte[]> payloads = new HashMap<>();
    private final Map<Long, byte[][]> replies = new HashMap<>();
    private final Map<Long, Integer> replyCounts = new HashMap<>();
    private final long[] nextRequest;
    private final int[] inFlight;
    private final boolean[][] completed;
    private long resubmitPeriodNs;
    private long completions;
    private long submissions;
    private long mismatchedReplies;
    private long duplicateReplies;

    public SimClients(final IssSimulation sim, final TestKeys keys, final Scheme scheme, final int nodeCount,
        final int f, final int requestsPerClient, final int maxInFlight,
        final int maxPayload, final double resubmitProbability)
    {
        this.sim = sim;
        this.keys = keys;
        this.nodeCount = nodeCount;
        this.weakQuorum = f + 1;
        this.clientCount = keys.clientCount();
        this.requestsPerClient = requestsPerClient;
        this.maxInFlight = maxInFlight;
        this.maxPayload = maxPayload;
        this.resubmitProbability = resubmitProbability;
        this.factory = new RequestFactory(keys, scheme);
        nextRequest = new long[clientCount];
        inFlight = new int[clientCount];
        completed = new boolean[clientCount][requestsPerClient];
    }

    /**
     * Resubmit every request to all nodes every {@code periodNs} until it completes (clients of a cluster whose
     * nodes crash and restart: a restarted node lost the requests it had not ordered).
     */
    public SimClients resubmitUntilCompleted(final long periodNs)
    {
        this.resubmitPeriodNs = periodNs;
        return this;
    }

    public void start()
    {
        for (int c = 0; c < clientCount; c++)
        {
            final int client = c;
            sim.schedule((long)(sim.random().nextDouble() * 2_000_000), () -> fill(client));
        }
    }

    private void fill(final int client)
    {
        while (inFlight[client] < maxInFlight && nextRequest[client] < requestsPerClient)
        {
            final long requestNo = nextRequest[client]++;
            inFlight[client]++;
            final byte[] payload = new byte[sim.random().nextInt(maxPayload + 1)];
            sim.random().nextBytes(payload);
            payloads.put(key(client, requestNo), payload);
            submitToAll(client, requestNo);
        }
    }

    private void submitToAll(final int client, final long requestNo)
    {
        final byte[] payload = payloads.get(key(client, requestNo));
        final UnsafeBuffer view = new UnsafeBuffer(payload);
        for (int node = 0; node < nodeCount; node++)
        {
            final int length = factory.encode(encoded, client, requestNo, view, 0, payload.length, node, node == 0);
            final byte[] copy = new byte[length];
            encoded.getBytes(0, copy);
            final int target = node;
            sim.schedule((long)(sim.random().nextDouble() * 1_000_000), () -> sim.submit(target, copy));
            submissions++;
        }
        if (resubmitPeriodNs > 0)
        {
            sim.schedule(resubmitPeriodNs, () ->
            {
                if (!completed[client][(int)requestNo])
                {
                    submitToAll(client, requestNo);
                }
            });
        }
        else if (sim.random().nextDouble() < resubmitProbability)
        {
            sim.schedule((long)(sim.random().nextDouble() * 30_000_000), () -> submitToAll(client, requestNo));
        }
    }

    @Override
    public void onReply(final int nodeId, final long clientId, final long requestNo, final long seqNo,
        final DirectBuffer result, final int offset, final int length)
    {
        final long key = key(clientId, requestNo);
        final byte[][] byNode = replies.computeIfAbsent(key, k -> new byte[nodeCount][]);
        final byte[] bytes = new byte[length];
        result.getBytes(offset, bytes);
        if (byNode[nodeId] != null)
        {
            duplicateReplies++;
            return;
        }
        byNode[nodeId] = bytes;
        replyCounts.merge(key, 1, Integer::sum);
        int matching = 0;
        for (final byte[] other : byNode)
        {
            if (other != null)
            {
                if (Arrays.equals(other, bytes))
                {
                    matching++;
                }
                else
                {
                    mismatchedReplies++;
                }
            }
        }
        final int client = (int)clientId;
        if (matching >= weakQuorum && requestNo < requestsPerClient && !completed[client][(int)requestNo])
        {
            completed[client][(int)requestNo] = true;
            completions++;
            inFlight[client]--;
            sim.schedule((long)(sim.random().nextDouble() * 500_000), () -> fill(client));
        }
    }

    public boolean allCompleted()
    {
        return completions == (long)clientCount * requestsPerClient;
    }

    public boolean allReplied()
    {
        if (!allCompleted())
        {
            return false;
        }
        for (final Integer count : replyCounts.values())
        {
            if (count < nodeCount)
            {
                return false;
            }
        }
        return replyCounts.size() == clientCount * requestsPerClient;
    }

    public long completions()
    {
        return completions;
    }

    public long submissions()
    {
        return submissions;
    }

    public long mismatchedReplies()
    {
        return mismatchedReplies;
    }

    public long duplicateReplies()
    {
        return duplicateReplies;
    }

    public int expectedRequests()
    {
        return clientCount * requestsPerClient;
    }

    private static long key(final long client, final long requestNo)
    {
        return (client << 32) | requestNo;
    }
}
