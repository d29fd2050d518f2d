package io.jmir.protocols.iss;

import io.jmir.codecs.engine.Scheme;
import io.jmir.protocols.testkit.IssByzantine;
import io.jmir.protocols.testkit.IssNode;
import io.jmir.protocols.testkit.IssSimulation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A long simulated run (many epochs, continuous client load): protocol state sizes stay bounded — epochs held,
 * checkpoint trackers, requests held, bucket queue entries, future-epoch buffers, WAL entries and stored requests —
 * because stable checkpoints truncate the WAL, garbage-collect the request store and drop old epochs. Under attack
 * and outage (a Byzantine node flooding far-future and next-epoch messages and huge-view ViewChanges while another
 * node is cut off for the whole run) far-future messages are dropped and counted, next-epoch buffering is bounded
 * per sender, and the other state sizes stay bounded (measured through {@link IssStats}, not the heap).
 */
class IssMemoryBoundTest
{
    @Test
    @Timeout(120)
    void shouldKeepStateBoundedOverManyEpochs()
    {
        final IssSimulation c = new IssSimulation(4242, IssSimulation.config(4, Scheme.HMAC_SHA256, 4), 4, 600, 4,
            0.05).start();
        final IssConfig config = c.config();
        long maxWal = 0;
        long maxStore = 0;
        long maxHeld = 0;
        long maxQueued = 0;
        long maxBuffered = 0;
        int maxEpochs = 0;
        int maxTrackers = 0;
        long halfwayWal = -1;
        final long step = TimeUnit.MILLISECONDS.toNanos(20);
        for (long t = step; !c.clients().allCompleted(); t += step)
        {
            final long until = t;
            c.runUntil(() -> false, until);
            for (int i = 0; i < c.nodeCount(); i++)
            {
                final IssNode node = c.node(i);
                final IssStats stats = node.iss.stats();
                maxWal = Math.max(maxWal, node.walStore.size());
                maxStore = Math.max(maxStore, node.store.size());
                maxHeld = Math.max(maxHeld, stats.heldRequests());
                maxQueued = Math.max(maxQueued, stats.queuedEntries());
                maxBuffered = Math.max(maxBuffered, stats.bufferedBytes());
                maxEpochs = Math.max(maxEpochs, stats.liveEpochs());
                maxTrackers = Math.max(maxTrackers, stats.liveCheckpoints());
            }
            assertThat(t).as("run finishes").isLessThan(TimeUnit.SECONDS.toNanos(600));
            if (halfwayWal < 0 && c.clients().completions() > c.clients().expectedRequests() / 2)
            {
                halfwayWal = c.node(0).wal.appends();
            }
        }
        assertThat(c.simulation().failures()).isEmpty();
        final IssStats stats = c.node(0).iss.stats();
        assertThat(stats.stableEpoch()).as("many epochs ran: " + stats).isGreaterThanOrEqualTo(40);
        assertThat(c.node(0).wal.truncations()).isGreaterThanOrEqualTo(40);
        final long epochEntries = 4L * config.epochLength() + 2; // payloads, pre-prepared, prepared, committed per slot
        assertThat(maxEpochs).isLessThanOrEqualTo(config.epochWindow() + 2);
        assertThat(maxTrackers).isLessThanOrEqualTo(config.epochWindow() + 2);
        assertThat(maxWal).as("WAL entries held").isLessThanOrEqualTo((config.epochWindow() + 2) * epochEntries);
        assertThat(maxHeld).isLessThanOrEqualTo((long)config.clientCount() * config.clientWatermarkWindow());
        assertThat(maxQueued).isLessThanOrEqualTo((long)config.clientCount() * config.clientWatermarkWindow());
        assertThat(maxStore).as("stored requests").isLessThan(c.clients().expectedRequests() / 4);
        assertThat(maxBuffered).isLessThan(1024 * 1024);
        assertThat(c.node(0).wal.appends()).as("the WAL kept growing while its size stayed bounded")
            .isGreaterThan(3 * halfwayWal / 2);
    }

    @Test
    @Timeout(120)
    void shouldStayBoundedUnderAFarFutureFloodAndALongOutage()
    {
        final IssConfig config = IssSimulation.config(4, Scheme.HMAC_SHA256, 4);
        try (IssSimulation c = new IssSimulation(99, config, 4, 150, 4, 0.02,
            node -> new BlacklistLeaderPolicy(config), null))
        {
            IssByzantine.install(c.simulation().network(), 3, IssByzantine.Behaviour.FLOOD_FUTURE,
                config.epochLength());
            c.start();
            c.runUntil(() -> false, TimeUnit.MILLISECONDS.toNanos(10));
            c.simulation().network().partition(new int[]{2});
            long maxBuffered = 0;
            int maxPerPeer = 0;
            int maxEpochs = 0;
            int maxTrackers = 0;
            long maxHeld = 0;
            final long step = TimeUnit.MILLISECONDS.toNanos(20);
            for (long t = step; !c.clients().allCompleted(); t += step)
            {
                final long until = TimeUnit.MILLISECONDS.toNanos(10) + t;
                c.runUntil(() -> false, until);
                for (int node = 0; node < 3; node++)
                {
                    final IssStats stats = c.node(node).iss.stats();
                    maxBuffered = Math.max(maxBuffered, stats.bufferedBytes());
                    maxPerPeer = Math.max(maxPerPeer, stats.maxBufferedByPeer());
                    maxEpochs = Math.max(maxEpochs, stats.liveEpochs());
                    maxTrackers = Math.max(maxTrackers, stats.liveCheckpoints());
                    maxHeld = Math.max(maxHeld, stats.heldRequests());
                }
                assertThat(t).as("run finishes").isLessThan(TimeUnit.SECONDS.toNanos(120));
            }
            assertThat(c.simulation().failures()).isEmpty();
            final IssStats stats0 = c.node(0).iss.stats();
            final IssStats stats1 = c.node(1).iss.stats();
            assertThat(stats0.stableEpoch()).as("many epochs ran during the outage: " + stats0)
                .isGreaterThanOrEqualTo(20);
            assertThat(stats0.droppedFuture() + stats1.droppedFuture()).as("far-future messages dropped and counted")
                .isGreaterThan(1000);
            assertThat(maxPerPeer).as("next-epoch bytes buffered for one sender")
                .isLessThanOrEqualTo(4 * config.epochLength() * (config.maxBatchSize() * 48 + 256) + 64 * 1024);
            assertThat(maxBuffered).as("next-epoch bytes buffered in all").isLessThan(4L * 100 * 1024);
            assertThat(maxEpochs).isLessThanOrEqualTo(config.epochWindow() + 2);
            assertThat(maxTrackers).isLessThanOrEqualTo(config.epochWindow() + 2);
            assertThat(maxHeld).isLessThanOrEqualTo((long)config.clientCount() * config.clientWatermarkWindow());
            final IssStats down = c.node(2).iss.stats();
            assertThat(down.bufferedBytes()).as("the cut-off node buffers nothing unbounded: " + down)
                .isLessThan(4L * 100 * 1024);
        }
    }
}
