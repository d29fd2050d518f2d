package io.jmir.protocols.iss;

import io.jmir.codecs.engine.HashResultDecoder;
import io.jmir.codecs.engine.InitDecoder;
import io.jmir.codecs.engine.MessageReceivedDecoder;
import io.jmir.codecs.engine.SnapshotResultDecoder;
import io.jmir.codecs.engine.TimerFiredDecoder;
import io.jmir.codecs.EngineEvents;
import io.jmir.engine.ConfigurationException;
import io.jmir.engine.Emitter;
import io.jmir.engine.Event;
import io.jmir.engine.Module;
import io.jmir.engine.ModuleContext;
import io.jmir.protocols.codecs.RequestsReadyDecoder;
import io.jmir.protocols.pbft.OrdererOutput;
import io.jmir.protocols.pbft.PbftOrderer;
import io.jmir.protocols.pbft.PbftSlot;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * The ISS protocol module (DESIGN.md section 5): epochs of {@code epochLength} sequence numbers, one segment per
 * leader ordered by its own {@link PbftOrderer}, buckets rotating across leaders, batches cut by size or timeout,
 * delivery of all segments' batches in sequence-number order, checkpoints at epoch ends and garbage collection at
 * stable checkpoints. Deterministic: no clock, thread, randomness or I/O; time comes from the timer module's
 * TimerFired events, digests from the hasher module, validated requests from the client tracker
 * (RequestsReady), messages from the net module (MessageReceived, authenticated by the transport).
 * <p>
 * Emits: WalAppend with follow-ups SendMessage / DeliverBatch / SnapshotRequest / WalTruncate / RequestStoreGc
 * (persist before send or deliver), HashRequest, SignRequest / VerifyRequest (signed checkpoints, certificates),
 * TimerSet, ClientProgress, RestoreState. Module names it resolves: net, hasher, wal, app, clients, reqstore, timer,
 * crypto ({@link #MODULE_NAMES}).
 * <p>
 * Crash recovery and state transfer (ADR 0014): the WAL replay (WalEntryLoaded before any other input) is collected
 * by {@link IssRecovery} and applied at the first other event; a node that delivers nothing for a while asks its
 * peers for state ({@link IssStateTransfer}): a verified checkpoint certificate and chunked data, or a
 * retransmission of the epoch it is stuck in.
 * <p>
 * <b>Threading:</b> called by its stage thread (or the simulation) only; see {@link Module}.
 */
public final class IssModule implements Module, OrdererOutput, IssStateTransfer.Host
{
    /** Names of the modules ISS emits to, in the order net, hasher, wal, app, clients, reqstore, timer, crypto. */
    public static final String[] MODULE_NAMES =
        {"net", "hasher", "wal", "app", "clients", "reqstore", "timer", "crypto"};

    /** Timer periods one TimerFired may advance protocol time by at most. */
    static final int MAX_TICK_GAP = 4;

    private final IssConfig config;
    private final long timerPeriodNs;
    private final long maxTickGapNs;
    private final LeaderPolicy leaderPolicy;
    private final IssPublisher publisher;
    private final RequestPool pool;
    private final IssCheckpoints checkpoints;
    private final IssInbox inbox;
    private final IssCatchUp catchUp;
    private final boolean[] suspected;
    private final IssBatchRules batchRules;
    private final IssRecovery recovery;
    private final CheckpointInstaller installer;
    private final IssStateTransfer stateTransfer;
    private final IssCryptoResults cryptoResults;
    private final IssPayloadFetch payloadFetch;
    private final IssEpoch[] epochs;
    private final long[] changedClients;
    private final HashResultDecoder hashResult = new HashResultDecoder();
    private final MessageReceivedDecoder received = new MessageReceivedDecoder();
    private final TimerFiredDecoder timerFired = new TimerFiredDecoder();
    private final SnapshotResultDecoder snapshotResult = new SnapshotResultDecoder();
    private final RequestsReadyDecoder ready = new RequestsReadyDecoder();
    private final InitDecoder init = new InitDecoder();
    private final UnsafeBuffer view = new UnsafeBuffer(0, 0);
    private final byte[] digestBytes = new byte[32];
    private final UnsafeBuffer digest = new UnsafeBuffer(digestBytes);
    private final int selfId;
    private final int epochLength;
    private IssEpoch current;
    private long nextDeliver;
    private boolean delivering;
    private boolean awaitingEntry;
    private boolean recovering = true;
    private long awaitedEpoch;
    private long installsRefused;
    private long nowNs;
    private long lastTimerNs;
    private long lastProposalNs;
    private long delivered;
    private long droppedRequests;
    private long recoveredEntries;
    private long timerFirings;
    private long proposals;

    /**
     * With a {@link BlacklistLeaderPolicy} (penalty 4 epochs; its state travels in the checkpoints).
     *
     * @param config    cluster parameters; validated here ({@link IssConfig#conclude()}).
     * @param selfId    this node's id.
     */
    public IssModule(final IssConfig config, final int selfId)
    {
        this(config, selfId, new BlacklistLeaderPolicy(config));
    }

    /**
     * @param config       cluster parameters; validated here ({@link IssConfig#conclude()}).
     * @param selfId       this node's id.
     * @param leaderPolicy leaders of each epoch (1 to nodeCount of them).
     */
    public IssModule(final IssConfig config, final int selfId, final LeaderPolicy leaderPolicy)
    {
        this.config = config.conclude();
        this.timerPeriodNs = Math.max(1000, this.config.batchTimeoutNs() / 2);
        this.maxTickGapNs = MAX_TICK_GAP * timerPeriodNs;
        if (selfId < 0 || selfId >= config.nodeCount())
        {
            throw new ConfigurationException("nodeId", "must be in [0, " + config.nodeCount() + "), was " + selfId);
        }
        this.selfId = selfId;
        this.leaderPolicy = leaderPolicy;
        this.epochLength = config.epochLength();
        this.publisher = new IssPublisher(selfId, config.nodeCount());
        this.pool = new RequestPool(config);
        this.checkpoints = new IssCheckpoints(config, publisher, this::onStable, selfId);
        this.inbox = new IssInbox(this, config);
        this.catchUp = new IssCatchUp(this, publisher, config);
        inbox.catchUp(catchUp);
        this.suspected = new boolean[config.nodeCount()];
        this.batchRules = new IssBatchRules(config, pool);
        this.recovery = new IssRecovery(config);
        this.installer = new CheckpointInstaller(config, pool, publisher, leaderPolicy);
        this.stateTransfer = new IssStateTransfer(config, selfId, checkpoints, publisher, this);
        this.cryptoResults = new IssCryptoResults(checkpoints, stateTransfer);
        this.payloadFetch = new IssPayloadFetch(this, pool, publisher);
        this.epochs = new IssEpoch[config.epochWindow() + 2];
        for (int i = 0; i < epochs.length; i++)
        {
            epochs[i] = new IssEpoch(config, this, selfId);
        }
        this.changedClients = new long[2 * config.clientCount()];
    }

    @Override
    public void onAttach(final ModuleContext context)
    {
        if (context.nodeCount() != config.nodeCount())
        {
            throw new ConfigurationException("nodeCount", "ISS is configured for " + config.nodeCount() +
                " nodes but the node definition has " + context.nodeCount());
        }
        if (context.nodeId() != selfId)
        {
            throw new ConfigurationException("nodeId", "ISS is configured for node " + selfId +
                " but the node definition is node " + context.nodeId());
        }
        publisher.moduleIds(context.selfId(), context.moduleId(MODULE_NAMES[0]), context.moduleId(MODULE_NAMES[2]),
            context.moduleId(MODULE_NAMES[1]), context.moduleId(MODULE_NAMES[3]), context.moduleId(MODULE_NAMES[4]),
            context.moduleId(MODULE_NAMES[5]), context.moduleId(MODULE_NAMES[6]),
            context.moduleId(MODULE_NAMES[7]));
    }

    @Override
    public void onEvent(final Event event, final Emitter emitter)
    {
        publisher.emitter(emitter);
        final boolean engineEvent = event.schemaId() == io.jmir.codecs.engine.MessageHeaderDecoder.SCHEMA_ID;
        if (recovering && !(engineEvent &&
            (event.templateId() == EngineEvents.INIT || event.templateId() == EngineEvents.WAL_ENTRY_LOADED)))
        {
            finishRecovery();
        }
        if (engineEvent)
        {
            switch (event.templateId())
            {
                case EngineEvents.INIT:
                    event.decode(init);
                    onInit();
                    break;
                case EngineEvents.MESSAGE_RECEIVED:
                    onMessageReceived(event);
                    break;
                case EngineEvents.HASH_RESULT:
                    onHashResult(event);
                    break;
                case EngineEvents.TIMER_FIRED:
                    onTick(event.decode(timerFired).nowNs());
                    break;
                case EngineEvents.SNAPSHOT_RESULT:
                    onSnapshotResult(event);
                    break;
                case EngineEvents.WAL_ENTRY_LOADED:
                    recoveredEntries += recovery.onEvent(event, recovering) ? 1 : 0;
                    break;
                case EngineEvents.SIGN_RESULT:
                    cryptoResults.onSignResult(event);
                    break;
                case EngineEvents.VERIFY_RESULT:
                    cryptoResults.onVerifyResult(event);
                    break;
                default:
                    inbox.countUnknown();
                    break;
            }
        }
        else if (event.schemaId() == io.jmir.protocols.codecs.MessageHeaderDecoder.SCHEMA_ID &&
            event.templateId() == RequestsReadyDecoder.TEMPLATE_ID)
        {
            onRequestsReady(event);
        }
        else
        {
            inbox.countUnknown();
        }
    }

    private void onInit()
    {
        publisher.startTimer(timerPeriodNs);
    }

    /**
     * The WAL replay is over (the first event that is not Init or WalEntryLoaded): rebuild and enter the epoch
     * after the restored state (ADR 0014).
     */
    private void finishRecovery()
    {
        recovering = false;
        nextDeliver = recovery.finish(pool, checkpoints, publisher, installer);
        stateTransfer.onProgress();
        tryEnterEpoch(nextDeliver / epochLength);
    }

    private void onMessageReceived(final Event event)
    {
        event.decode(received);
        final int from = received.fromNode();
        received.wrapMessage(view);
        inbox.onMessage(from, view, 0, view.capacity());
    }

    private void onHashResult(final Event event)
    {
        event.decode(hashResult);
        final long correlationId = hashResult.correlationId();
        if ((correlationId & IssPublisher.KIND_MASK) == IssPublisher.KIND_PAYLOADS)
        {
            payloadFetch.onDigests((int)(correlationId & ~IssPublisher.KIND_MASK), hashResult);
            return;
        }
        final HashResultDecoder.DigestsDecoder digests = hashResult.digests();
        if (digests.count() < 1)
        {
            inbox.countUnknown();
            return;
        }
        digests.next().getDigest(digestBytes, 0, 32);
        final long kind = correlationId & IssPublisher.KIND_MASK;
        final long value = correlationId & ~IssPublisher.KIND_MASK;
        if (kind == IssPublisher.KIND_BATCH)
        {
            final long seqNo = value & IssPublisher.SEQ_MASK;
            final IssEpoch epoch = epochOf(seqNo);
            if (epoch != null && epoch.slot(seqNo).hashGeneration() == (int)(value >>> IssPublisher.GENERATION_SHIFT))
            {
                epoch.ordererOf(seqNo).onBatchDigest(epoch.slot(seqNo), digest, 0);
            }
        }
        else if (kind == IssPublisher.KIND_CHECKPOINT)
        {
            checkpoints.onDigest(value, digest, 0);
        }
        else if (kind == IssPublisher.KIND_STATE_DATA)
        {
            stateTransfer.onDataDigest(value, digest, 0);
        }
    }

    private void onSnapshotResult(final Event event)
    {
        event.decode(snapshotResult);
        final long epoch = snapshotResult.correlationId();
        snapshotResult.wrapSnapshot(view);
        checkpoints.onSnapshot(epoch, view, 0, view.capacity());
    }

    private void onRequestsReady(final Event event)
    {
        event.decode(ready);
        final RequestsReadyDecoder.RequestsDecoder requests = ready.requests();
        while (requests.hasNext())
        {
            requests.next();
            final long clientId = requests.clientId();
            final long requestNo = requests.requestNo();
            requests.getDigest(digestBytes, 0, 32);
            requests.wrapPayload(view);
            if (pool.admit(clientId, requestNo, digest, 0, view, 0, view.capacity()) != RequestPool.ADMITTED)
            {
                droppedRequests++;
            }
        }
        if (current != null)
        {
            current.retryWaiting();
        }
        maybePropose();
    }

    // time passed: state transfer, proposals, view-change timeouts and retransmission, catch-up (ADR 0013, 0014)
    private void onTick(final long now)
    {
        // Protocol time starts at 0 and advances by the time between two TimerFired events, at most MAX_TICK_GAP
        // timer periods: a node that was paused (GC, CPU starvation) must not suspect every other segment's leader
        // of its own pause (seen under load: each new epoch's segments view-changed on the first tick, before any
        // pre-prepare could arrive).
        if (timerFirings > 0)
        {
            nowNs += Math.max(0, Math.min(now - lastTimerNs, maxTickGapNs));
        }
        lastTimerNs = now;
        timerFirings++;
        stateTransfer.onTime(nowNs);
        maybePropose();
        if (current != null)
        {
            current.onTick(nowNs);
            catchUp.onTick(nowNs, nextDeliver);
        }
    }

    // ---------------------------------------------------------------- routing of protocol messages (IssInbox)

    IssEpoch epochOf(final long seqNo)
    {
        final IssEpoch epoch = epochs[(int)((seqNo / epochLength) % epochs.length)];
        return epoch.live && epoch.contains(seqNo) ? epoch : null;
    }

    long currentEpoch()
    {
        return current == null ? awaitedEpoch - 1 : current.epoch;
    }

    IssCheckpoints checkpoints()
    {
        return checkpoints;
    }

    IssPayloadFetch payloadFetch()
    {
        return payloadFetch;
    }

    IssStateTransfer stateTransfer()
    {
        return stateTransfer;
    }

    // ---------------------------------------------------------------- epochs

    private void tryEnterEpoch(final long epoch)
    {
        if (epoch > checkpoints.stableEpoch() + config.epochWindow())
        {
            awaitingEntry = true;
            awaitedEpoch = epoch;
            return;
        }
        awaitingEntry = false;
        final IssEpoch state = epochs[(int)(epoch % epochs.length)];
        state.start(epoch, leaderPolicy, nowNs);
        java.util.Arrays.fill(suspected, false);
        current = state;
        recovery.restoreSlots(state, pool, publisher);
        lastProposalNs = nowNs;
        inbox.replayBuffered(epoch);
        maybePropose();
        tryDeliver();
    }

    private void onStable(final long epoch)
    {
        for (final IssEpoch state : epochs)
        {
            if (state.live && state.epoch < epoch && state != current)
            {
                state.live = false;
            }
        }
        if (awaitingEntry)
        {
            tryEnterEpoch(awaitedEpoch);
        }
    }

    // ---------------------------------------------------------------- state transfer (IssStateTransfer.Host)

    @Override
    public long firstUndeliveredEpoch()
    {
        return nextDeliver / epochLength;
    }

    /**
     * Only an epoch this node has moved past is retransmitted: when the asker and this node are in the same epoch the
     * PBFT resend and view change handle lost messages, and answering every StateRequest of every stuck node with a
     * whole epoch made a retransmission storm that kept view changes from completing (campaign seeds 13 and 40).
     */
    @Override
    public void retransmit(final int to, final long epoch)
    {
        if (epoch < 0 || epoch >= currentEpoch())
        {
            return;
        }
        final IssEpoch state = epochs[(int)(epoch % epochs.length)];
        if (state.live && state.epoch == epoch)
        {
            state.retransmit(publisher, payloadFetch, to);
        }
    }

    @Override
    public void adopt(final CheckpointCertificate certificate)
    {
        checkpoints.restoreStable(certificate.epoch(), certificate, true);
        onStable(certificate.epoch());
    }

    @Override
    public void install(final CheckpointCertificate certificate, final DirectBuffer data, final int length)
    {
        final long epoch = certificate.epoch();
        if (epoch < firstUndeliveredEpoch() || !installer.check(data, 0, length) || installer.epoch() != epoch ||
            installer.seqNo() != certificate.seqNo() || certificate.seqNo() != (epoch + 1) * epochLength - 1)
        {
            installsRefused++;
            return;
        }
        installer.restore(data, 0, length);
        checkpoints.restoreOwn(epoch, certificate.seqNo(), certificate.digest(), 0, data, 0, length);
        checkpoints.restoreStable(epoch, certificate, true);
        for (final IssEpoch state : epochs)
        {
            state.live = false;
        }
        current = null;
        nextDeliver = (epoch + 1) * epochLength;
        recovery.dropBelow(nextDeliver);
        tryEnterEpoch(epoch + 1);
    }

    private void maybePropose()
    {
        if (current == null || awaitingEntry)
        {
            return;
        }
        for (int s = 0; s < current.leaderCount(); s++)
        {
            final PbftOrderer orderer = current.orderer(s);
            while (orderer.canPropose())
            {
                if (batchRules.readyFor(orderer, current.leaderCount()) >= config.maxBatchSize() ||
                    nowNs - lastProposalNs >= config.batchTimeoutNs())
                {
                    lastProposalNs = nowNs;
                    proposals++;
                    orderer.propose();
                }
                else
                {
                    break;
                }
            }
        }
    }

    private void tryDeliver()
    {
        if (delivering)
        {
            return;
        }
        delivering = true;
        try
        {
            while (true)
            {
                final IssEpoch epoch = epochOf(nextDeliver);
                if (epoch == null || epoch != current)
                {
                    break;
                }
                final PbftSlot slot = epoch.slot(nextDeliver);
                if (!slot.isCommitted())
                {
                    break;
                }
                deliver(epoch, slot);
                nextDeliver++;
                if (nextDeliver > epoch.last())
                {
                    onEpochDelivered(epoch);
                    if (awaitingEntry)
                    {
                        break;
                    }
                }
            }
        }
        finally
        {
            delivering = false;
        }
    }

    private void deliver(final IssEpoch epoch, final PbftSlot slot)
    {
        for (int i = 0; i < slot.requestCount(); i++)
        {
            pool.markDelivered(slot.clientId(i), slot.requestNo(i));
        }
        if (slot.isFill())
        {
            suspected[epoch.ordererOf(slot.seqNo()).segmentLeader()] = true;
        }
        publisher.persistCommittedAndDeliver(epoch.epoch, epoch.ordererOf(slot.seqNo()).view(), slot, pool,
            slot.seqNo() == epoch.last());
        delivered += slot.requestCount();
        stateTransfer.onProgress();
    }

    private void onEpochDelivered(final IssEpoch epoch)
    {
        final int moved = pool.advanceWatermarks(changedClients);
        publisher.clientProgress(epoch.epoch + 1, changedClients, moved);
        leaderPolicy.epochDelivered(epoch.epoch, suspected);
        checkpoints.epochDelivered(epoch.epoch, epoch.last(), pool, leaderPolicy);
        tryEnterEpoch(epoch.epoch + 1);
    }

    // ---------------------------------------------------------------- OrdererOutput

    @Override
    public int checkBatch(final PbftOrderer orderer, final PbftSlot slot)
    {
        return batchRules.checkBatch(orderer, slot, current.leaderCount());
    }

    @Override
    public void cutBatch(final PbftOrderer orderer, final PbftSlot slot)
    {
        batchRules.cutBatch(orderer, slot, current.leaderCount());
    }

    @Override
    public int checkInstalled(final PbftOrderer orderer, final PbftSlot slot)
    {
        return batchRules.checkInstalled(slot);
    }

    @Override
    public void releaseBatch(final PbftSlot slot)
    {
        batchRules.releaseBatch(slot);
    }

    @Override
    public void broadcast(final DirectBuffer buffer, final int offset, final int length, final boolean includeSelf)
    {
        publisher.broadcast(buffer, offset, length, includeSelf);
    }

    @Override
    public void hashBatch(final PbftSlot slot)
    {

        publisher.hashBatch(slot);
    }

    @Override
    public void persistPreprepare(final PbftOrderer orderer, final PbftSlot slot, final boolean asLeader)
    {
        publisher.persistPreprepare(orderer.epoch(), slot.preprepareView() < 0 ? -1 : orderer.view(), slot, asLeader,
            pool);
    }

    @Override
    public void persistPrepared(final PbftOrderer orderer, final PbftSlot slot)
    {
        publisher.persistPrepared(orderer.epoch(), orderer.view(), slot);
    }

    @Override
    public void committed(final PbftOrderer orderer, final PbftSlot slot)
    {
        if (slot.seqNo() == nextDeliver)
        {
            tryDeliver();
        }
    }

    // ---------------------------------------------------------------- observability

    /**
     * @return a snapshot of this module's state sizes and counters (for tests, monitoring).
     */
    public IssStats stats()
    {
        final long[] totals = IssEpoch.totals(epochs);
        return new IssStats(currentEpoch(), checkpoints.stableEpoch(), nextDeliver, delivered, (int)totals[2],
            pool.heldRequests(), pool.queuedEntries(), inbox.bufferedBytes(), checkpoints.liveTrackers(),
            totals[0] + inbox.rejected() + checkpoints.ignoredMessages(), droppedRequests, recoveredEntries,
            timerFirings, proposals, totals[1], inbox.droppedFuture(), inbox.droppedOverLimit(),
            inbox.maxBufferedByPeer(), catchUp.requests(), catchUp.installs());
    }

    /**
     * @return crash-recovery and state-transfer counters (for tests, monitoring).
     */
    public IssRecoveryStats recoveryStats()
    {
        return new IssRecoveryStats(recoveredEntries, recovery.malformed(), stateTransfer.requestsSent(),
            stateTransfer.certificatesRejected(), stateTransfer.badChunks(), stateTransfer.badSnapshots(),
            stateTransfer.installs(), stateTransfer.adoptions(), stateTransfer.served(),
            installsRefused + stateTransfer.refused(), checkpoints.invalidSignatures(), stateTransfer.throttled(),
            stateTransfer.fetchesAbandoned());
    }
}
