package io.jmir.protocols.testkit;

import io.jmir.engine.Module;
import io.jmir.engine.NodeDefinition;
import io.jmir.engine.modules.crypto.CryptoModule;
import io.jmir.engine.modules.hasher.HasherModule;
import io.jmir.engine.modules.reqstore.InMemoryRequestStore;
import io.jmir.engine.modules.timer.TimerModule;
import io.jmir.engine.modules.wal.InMemoryWal;
import io.jmir.engine.modules.wal.InMemoryWalStore;
import io.jmir.protocols.app.Application;
import io.jmir.protocols.app.ApplicationModule;
import io.jmir.protocols.app.ReplyModule;
import io.jmir.protocols.app.ReplySink;
import io.jmir.protocols.clients.ClientTrackerModule;
import io.jmir.protocols.iss.IssConfig;
import io.jmir.protocols.iss.IssModule;
import io.jmir.protocols.iss.IssSchema;
import io.jmir.protocols.iss.LeaderPolicy;

/**
 * One ISS node's modules and definition, with the engine's standard modules: net (given), hasher, crypto, timer,
 * wal (in memory), reqstore (in memory), clients, iss, app, replies.
 */
public final class IssNode
{
    public final NodeDefinition definition;
    public final IssModule iss;
    public final ClientTrackerModule clients;
    public final InMemoryWal wal;
    public final InMemoryWalStore walStore;
    public final InMemoryRequestStore store;
    public final ApplicationModule app;
    public final CryptoModule crypto;
    public final Application application;

    public IssNode(
        final int nodeId,
        final IssConfig config,
        final Module net,
        final TestKeys keys,
        final Application application,
        final ReplySink sink,
        final int maxStagedBytes,
        final int cryptoWorkers)
    {
        this(nodeId, config, net, keys, application, sink, maxStagedBytes, cryptoWorkers, new InMemoryWalStore());
    }

    /**
     * @param walStore the WAL's durable part: keep it across restarts (e.g. in the simulation's DurableState) for
     *                 crash recovery; a fresh store is a wiped disk.
     */
    public IssNode(
        final int nodeId,
        final IssConfig config,
        final Module net,
        final TestKeys keys,
        final Application application,
        final ReplySink sink,
        final int maxStagedBytes,
        final int cryptoWorkers,
        final InMemoryWalStore walStore)
    {
        this(nodeId, config, net, keys, application, sink, maxStagedBytes, cryptoWorkers, walStore, null);
    }

    /**
     * @param leaderPolicy leaders of each epoch, null for the default
     *                     ({@link io.jmir.protocols.iss.BlacklistLeaderPolicy}).
     */
    public IssNode(
        final int nodeId,
        final IssConfig config,
        final Module net,
        final TestKeys keys,
        final Application application,
        final ReplySink sink,
        final int maxStagedBytes,
        final int cryptoWorkers,
        final InMemoryWalStore walStore,
        final LeaderPolicy leaderPolicy)
    {
        this.application = application;
        iss = leaderPolicy == null ? new IssModule(config, nodeId) : new IssModule(config, nodeId, leaderPolicy);
        clients = new ClientTrackerModule(config, maxStagedBytes);
        this.walStore = walStore;
        wal = new InMemoryWal(walStore, "iss");
        store = new InMemoryRequestStore();
        app = new ApplicationModule(application);
        crypto = new CryptoModule(keys.registry()).workers(cryptoWorkers);
        definition = IssSchema.register(new NodeDefinition(nodeId, config.nodeCount()))
            .module("net", net)
            .module("hasher", new HasherModule())
            .module("crypto", crypto)
            .module("timer", new TimerModule())
            .module("wal", wal)
            .module("reqstore", store)
            .module("clients", clients)
            .module("iss", iss)
            .module("app", app)
            .module("replies", new ReplyModule(sink));
    }
}
