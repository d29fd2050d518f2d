package io.jmir.protocols.testkit;

import io.jmir.engine.Module;
import io.jmir.engine.NodeDefinition;
import io.jmir.protocols.app.Application;
import io.jmir.protocols.app.ApplicationModule;
import io.jmir.protocols.app.ReplyModule;
import io.jmir.protocols.app.ReplySink;
import io.jmir.protocols.clients.ClientTrackerModule;
import io.jmir.protocols.iss.IssConfig;
import io.jmir.protocols.iss.IssModule;
import io.jmir.protocols.iss.IssSchema;

import java.util.function.LongSupplier;

/**
 * One ISS node's modules and definition: net, hasher, crypto, timer, wal, reqstore, clients, iss, app, replies.
 * Uses the test-kit stand-ins for the standard modules until they land in the engine.
 */
public final class IssNode
{
    public final NodeDefinition definition;
    public final IssModule iss;
    public final ClientTrackerModule clients;
    public final TestWalModule wal;
    public final TestRequestStoreModule store;
    public final ApplicationModule app;
    public final TestCryptoModule crypto;
    public final Application application;

    public IssNode(
        final int nodeId,
        final IssConfig config,
        final Module net,
        final TestKeys keys,
        final LongSupplier clock,
        final Application application,
        final ReplySink sink,
        final int maxStagedBytes)
    {
        this.application = application;
        iss = new IssModule(config, nodeId);
        clients = new ClientTrackerModule(config, maxStagedBytes);
        wal = new TestWalModule();
        store = new TestRequestStoreModule();
        app = new ApplicationModule(application);
        crypto = new TestCryptoModule(keys, nodeId);
        definition = IssSchema.register(new NodeDefinition(nodeId, config.nodeCount()))
            .module("net", net)
            .module("hasher", new TestHasherModule())
            .module("crypto", crypto)
            .module("timer", new TestTimerModule(clock))
            .module("wal", wal)
            .module("reqstore", store)
            .module("clients", clients)
            .module("iss", iss)
            .module("app", app)
            .module("replies", new ReplyModule(sink));
    }
}
