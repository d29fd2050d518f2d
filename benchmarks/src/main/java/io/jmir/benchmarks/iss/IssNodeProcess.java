package io.jmir.benchmarks.iss;

import io.jmir.codecs.engine.ClientRequestEncoder;
import io.jmir.codecs.engine.MessageHeaderEncoder;
import io.jmir.codecs.engine.Scheme;
import io.jmir.engine.IdleMode;
import io.jmir.engine.Node;
import io.jmir.engine.NodeDefinition;
import io.jmir.engine.SubmitResult;
import io.jmir.engine.modules.crypto.CryptoModule;
import io.jmir.engine.modules.hasher.HasherModule;
import io.jmir.engine.modules.reqstore.InMemoryRequestStore;
import io.jmir.engine.modules.timer.TimerModule;
import io.jmir.examples.kv.KvCommands;
import io.jmir.examples.kv.KvStore;
import io.jmir.journal.eventlog.ChronicleEventLog;
import io.jmir.journal.wal.ChronicleWal;
import io.jmir.protocols.app.Application;
import io.jmir.protocols.app.ApplicationModule;
import io.jmir.protocols.app.Batch;
import io.jmir.protocols.app.ReplyModule;
import io.jmir.protocols.app.Results;
import io.jmir.protocols.clients.ClientTrackerModule;
import io.jmir.protocols.clients.RequestAuth;
import io.jmir.protocols.iss.IssConfig;
import io.jmir.protocols.iss.IssModule;
import io.jmir.protocols.iss.IssSchema;
import io.jmir.protocols.testkit.TestKeys;
import io.jmir.transport.AeronNet;
import io.jmir.transport.TransportContext;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.bouncycastle.math.ec.rfc8032.Ed25519;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * One ISS node as an OS process, for the multi-process test: AeronNet (UDP on 127.0.0.1, authenticated), the
 * Chronicle WAL ({@code DATA/node-N/wal}) and event log ({@code DATA/node-N/events}) on disk, the replicated KV
 * store. The clients are deterministic: every process generates the same requests (client c, number r, the same KV
 * command) and submits them, authenticated for its own node, to its own node — which is exactly "each client sends
 * every request to every node". Every request is submitted up front (the client watermark window, 256, exceeds the
 * requests per client): a node that falls behind may catch up by state transfer, installing a checkpoint that covers
 * requests it then never executes nor answers, so its own replies cannot pace its clients. When its KV store has
 * applied every request (executed, or restored from a checkpoint) and the reply of every request it executed itself
 * has been seen, the process writes {@code DATA/node-N/result.txt} (delivered batches, checkpoints restored, KV
 * snapshot, the results it produced), then waits for {@code DATA/stop} and exits.
 * <p>
 * Arguments: nodeId nodeCount basePort dataDir clients requestsPerClient scheme(HMAC_SHA256|ED25519) timeoutSeconds
 */
public final class IssNodeProcess
{
    private IssNodeProcess()
    {
    }

    /**
     * @param args see the class description.
     * @throws Exception on failure (exit code 1).
     */
    public static void main(final String[] args) throws Exception
    {
        final int nodeId = Integer.parseInt(args[0]);
        final int n = Integer.parseInt(args[1]);
        final int basePort = Integer.parseInt(args[2]);
        final Path data = Path.of(args[3]);
        final int clients = Integer.parseInt(args[4]);
        final int requests = Integer.parseInt(args[5]);
        final Scheme scheme = Scheme.valueOf(args[6]);
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(Long.parseLong(args[7]));
        final Path nodeDir = data.resolve("node-" + nodeId);
        Files.createDirectories(nodeDir);

        final IssConfig config = new IssConfig().nodeCount(n).maxBatchSize(64).batchTimeoutNs(2_000_000)
            .segmentLength(4).clientCount(clients).clientWatermarkWindow(256).maxRequestBytes(256)
            .clientAuthScheme(scheme);
        final TestKeys keys = new TestKeys(99, clients, n);
        final TransportContext transport = new TransportContext().nodeId(nodeId).clusterId(11)
            .clusterSecret("jmir-iss-multi-process-test".getBytes(StandardCharsets.UTF_8))
            .dirBase(data.resolve("aeron").toString());
        for (int i = 0; i < n; i++)
        {
            transport.endpoint(i, "127.0.0.1:" + (basePort + i));
        }
        final AeronNet net = AeronNet.launch(transport);
        final ChronicleWal wal = new ChronicleWal(new ChronicleWal.Context().directory(nodeDir.resolve("wal"))
            .recoveryDestination("iss"));
        final LoggingKv kv = new LoggingKv();
        final ConcurrentHashMap<Long, byte[]> results = new ConcurrentHashMap<>();
        final NodeDefinition definition = IssSchema.register(new NodeDefinition(nodeId, n))
            .module("net", net)
            .module("hasher", new HasherModule())
            .module("crypto", new CryptoModule(keys.registry()))
            .module("timer", new TimerModule())
            .module("wal", wal)
            .module("reqstore", new InMemoryRequestStore())
            .module("clients", new ClientTrackerModule(config, 16 * 1024))
            .module("iss", new IssModule(config, nodeId))
            .module("app", new ApplicationModule(kv))
            .module("replies", new ReplyModule((node, client, requestNo, seqNo, result, offset, length) ->
            {
                final byte[] bytes = new byte[length];
                result.getBytes(offset, bytes);
                results.putIfAbsent((client << 32) | requestNo, bytes);
            }));
        final ChronicleEventLog eventLog = new ChronicleEventLog(nodeDir.resolve("events"), definition);
        definition.interceptor(eventLog);
        awaitConnected(net, n, nodeId, deadline);
        final Node node = Node.launch(definition, new Node.Context().slotCapacity(64 * 1024).ringSize(256)
            .sharedThread(IdleMode.BLOCKING));
        try
        {
            submitAll(node, keys, nodeId, scheme, clients, requests, deadline);
            while (kv.applied() < (long)clients * requests || results.size() < kv.executedRequests())
            {
                check(deadline, "applied " + kv.applied() + "/" + clients * requests + ", replies " +
                    results.size() + "/" + kv.executedRequests() + " executed here, " + kv.restores() +
                    " checkpoints restored");
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
            }
            final long applied = kv.applied();
            write(nodeDir.resolve("result.txt"), kv, results, applied);
            while (!Files.exists(data.resolve("stop")))
            {
                check(deadline, "stop file");
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
            }
        }
        finally
        {
            node.close();
            eventLog.close();
        }
    }

    private static void awaitConnected(final AeronNet net, final int n, final int self, final long deadline)
    {
        for (int peer = 0; peer < n; peer++)
        {
            while (peer != self && !net.isConnected(peer))
            {
                check(deadline, "connection to node " + peer);
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
            }
        }
    }

    private static void submitAll(final Node node, final TestKeys keys, final int nodeId, final Scheme scheme,
        final int clients, final int requests, final long deadline)
        throws Exception
    {
        final int clientsModule = node.moduleId("clients");
        final ClientRequestEncoder request = new ClientRequestEncoder();
        final MessageHeaderEncoder header = new MessageHeaderEncoder();
        final ExpandableArrayBuffer encoded = new ExpandableArrayBuffer(1024);
        final ExpandableArrayBuffer signable = new ExpandableArrayBuffer(1024);
        for (long r = 0; r < requests; r++)
        {
            for (int c = 0; c < clients; c++)
            {
                final byte[] payload = command(c, r);
                final int length = RequestAuth.signable(signable, 0, c, r, new UnsafeBuffer(payload), 0,
                    payload.length);
                final byte[] message = new byte[length];
                signable.getBytes(0, message);
                final byte[] auth = authenticate(keys, scheme, c, nodeId, message);
                request.wrapAndApplyHeader(encoded, 0, header).clientId(c).requestNo(r).scheme(scheme)
                    .putPayload(payload, 0, payload.length).putAuthenticator(auth, 0, auth.length);
                final int total = MessageHeaderEncoder.ENCODED_LENGTH + request.encodedLength();
                SubmitResult result;
                while ((result = node.submit(clientsModule, encoded, 0, total)) == SubmitResult.BACK_PRESSURED)
                {
                    check(deadline, "submission");
                    LockSupport.parkNanos(TimeUnit.MICROSECONDS.toNanos(50));
                }
                if (result != SubmitResult.ACCEPTED)
                {
                    throw new IllegalStateException("request " + c + "/" + r + " " + result);
                }
            }
        }
    }

    static byte[] command(final int client, final long requestNo)
    {
        final String key = "k" + ((client * 7 + requestNo) % 11);
        final byte[] value = ("c" + client + "r" + requestNo).getBytes(StandardCharsets.UTF_8);
        switch ((int)((client + requestNo) % 4))
        {
            case 0:
                return KvCommands.get(key);
            case 1:
                return KvCommands.delete(key);
            case 2:
                return KvCommands.compareAndSet(key, null, value);
            default:
                return KvCommands.put(key, value);
        }
    }

    private static byte[] authenticate(final TestKeys keys, final Scheme scheme, final int client, final int node,
        final byte[] message) throws Exception
    {
        if (scheme == Scheme.ED25519)
        {
            final byte[] signature = new byte[Ed25519.SIGNATURE_SIZE];
            keys.sign(client, message, message.length, signature);
            return signature;
        }
        final Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(keys.macKey(client, node), "HmacSHA256"));
        return mac.doFinal(message);
    }

    private static void check(final long deadline, final String waitingFor)
    {
        if (System.nanoTime() > deadline)
        {
            throw new IllegalStateException("timed out waiting for " + waitingFor);
        }
    }

    private static void write(final Path file, final LoggingKv kv, final ConcurrentHashMap<Long, byte[]> results,
        final long applied) throws Exception
    {
        final List<String> lines = new ArrayList<>();
        synchronized (kv)
        {
            lines.add("applied " + applied);
            lines.add("snapshot " + java.util.HexFormat.of().formatHex(
                java.security.MessageDigest.getInstance("SHA-256").digest(kv.store.snapshot())));
            lines.addAll(kv.log);
        }
        results.entrySet().stream().sorted(java.util.Map.Entry.comparingByKey()).forEach(e -> lines.add(
            "result " + (e.getKey() >>> 32) + "/" + (e.getKey() & 0xFFFFFFFFL) + " " +
            java.util.HexFormat.of().formatHex(e.getValue())));
        final Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.write(tmp, lines);
        Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    /** KvStore plus the delivery log; synchronized so the main thread can read it while the app thread runs. */
    private static final class LoggingKv implements Application
    {
        final KvStore store = new KvStore();
        final List<String> log = new ArrayList<>();
        private long executedRequests;
        private int restores;

        @Override
        public synchronized void apply(final long seqNo, final Batch batch, final Results results)
        {
            executedRequests += batch.size();
            final StringBuilder entry = new StringBuilder("batch ").append(seqNo).append(':');
            for (int i = 0; i < batch.size(); i++)
            {
                entry.append(batch.clientId(i)).append('/').append(batch.requestNo(i)).append(',');
            }
            log.add(entry.toString());
            store.apply(seqNo, batch, results);
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
            restores++;
            log.add("restored " + store.applied());
        }

        synchronized long executedRequests()
        {
            return executedRequests;
        }

        synchronized int restores()
        {
            return restores;
        }

        synchronized long applied()
        {
            return store.applied();
        }
    }
}
