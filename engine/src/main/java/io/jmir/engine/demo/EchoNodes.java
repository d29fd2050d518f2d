package io.jmir.engine.demo;

import io.jmir.codecs.echo.EchoDeliveredEncoder;
import io.jmir.codecs.echo.EchoEchoEncoder;
import io.jmir.codecs.echo.EchoSendEncoder;
import io.jmir.codecs.echo.EchoStartedEncoder;
import io.jmir.codecs.engine.ClientRequestEncoder;
import io.jmir.codecs.engine.MessageHeaderEncoder;
import io.jmir.codecs.engine.Scheme;
import io.jmir.engine.Module;
import io.jmir.engine.NodeDefinition;
import io.jmir.engine.modules.hasher.HasherModule;
import io.jmir.engine.modules.wal.InMemoryWal;
import io.jmir.engine.modules.wal.InMemoryWalStore;
import org.agrona.MutableDirectBuffer;

/**
 * Builds echo broadcast nodes ({@link EchoBroadcast}) for either runtime. The caller supplies the net module —
 * the simulated network's in simulation, a {@code LocalNetwork} module in the pipeline runtime — and the WAL
 * store, which a simulation keeps across a node's crash and restart (a restart builds a fresh definition over
 * the same store; the protocol then hands the recovered deliveries to the fresh app).
 * <pre>{@code
 *   final EchoNodes.EchoNode node = EchoNodes.definition(nodeId, 4, network.module(nodeId), new InMemoryWalStore());
 *   final Node running = Node.launch(node.definition(), new Node.Context());
 *   final int length = EchoNodes.encodeClientRequest(buffer, 0, clientId, requestNo, payload);
 *   running.submit(running.moduleId(EchoNodes.PROTOCOL), buffer, 0, length);
 *   node.app().awaitDeliveries(expected, 10, TimeUnit.SECONDS);
 * }</pre>
 * Modules, in registration (id) order: {@value #NET}, {@value #HASHER}, {@value #PROTOCOL}, {@value #WAL},
 * {@value #APP}; the echo schema (id {@value #SCHEMA_ID}) is registered. Stateless helper.
 */
public final class EchoNodes
{
    /** Schema id of the echo messages. */
    public static final int SCHEMA_ID = EchoSendEncoder.SCHEMA_ID;
    /** Schema name for logs. */
    public static final String SCHEMA_NAME = "echo";
    /** Name of the net module. */
    public static final String NET = "net";
    /** Name of the hasher module. */
    public static final String HASHER = "hasher";
    /** Name of the protocol module; submit ClientRequests here. */
    public static final String PROTOCOL = "protocol";
    /** Name of the WAL module. */
    public static final String WAL = "wal";
    /** Name of the app module. */
    public static final String APP = "app";

    /**
     * One echo node: its definition and its modules, to inspect after (or while) it runs.
     *
     * @param definition the node's definition, for {@code Node.launch} or the simulation.
     * @param protocol   the protocol module.
     * @param app        the app module (thread-safe accessors).
     * @param wal        the WAL module.
     * @param hasher     the hasher module.
     */
    public record EchoNode(
        NodeDefinition definition, EchoBroadcast protocol, EchoApp app, InMemoryWal wal, HasherModule hasher)
    {
    }

    private EchoNodes()
    {
    }

    /**
     * @return template names of the echo schema, indexed by template id.
     */
    public static String[] templateNames()
    {
        final String[] names = new String[EchoDeliveredEncoder.TEMPLATE_ID + 1];
        names[EchoSendEncoder.TEMPLATE_ID] = "EchoSend";
        names[EchoEchoEncoder.TEMPLATE_ID] = "EchoEcho";
        names[EchoStartedEncoder.TEMPLATE_ID] = "EchoStarted";
        names[EchoDeliveredEncoder.TEMPLATE_ID] = "EchoDelivered";
        return names;
    }

    /**
     * Define an echo node with the default window.
     *
     * @param nodeId    id of the node.
     * @param nodeCount number of nodes.
     * @param net       the node's net module.
     * @param walStore  durable part of its WAL.
     * @return the node.
     */
    public static EchoNode definition(
        final int nodeId, final int nodeCount, final Module net, final InMemoryWalStore walStore)
    {
        return definition(nodeId, nodeCount, net, walStore, EchoBroadcast.DEFAULT_WINDOW);
    }

    /**
     * Define an echo node.
     *
     * @param nodeId    id of the node.
     * @param nodeCount number of nodes.
     * @param net       the node's net module.
     * @param walStore  durable part of its WAL.
     * @param window    instances kept per origin ({@link EchoBroadcast#EchoBroadcast(int)}).
     * @return the node.
     */
    public static EchoNode definition(
        final int nodeId, final int nodeCount, final Module net, final InMemoryWalStore walStore, final int window)
    {
        final HasherModule hasher = new HasherModule();
        final EchoBroadcast protocol = new EchoBroadcast(window);
        final InMemoryWal wal = new InMemoryWal(walStore, PROTOCOL);
        final EchoApp app = new EchoApp();
        final NodeDefinition definition = new NodeDefinition(nodeId, nodeCount)
            .module(NET, net)
            .module(HASHER, hasher)
            .module(PROTOCOL, protocol)
            .module(WAL, wal)
            .module(APP, app)
            .schema(SCHEMA_ID, SCHEMA_NAME, templateNames());
        return new EchoNode(definition, protocol, app, wal, hasher);
    }

    /**
     * Encode a ClientRequest (engine schema, with its message header) to submit to a node's protocol. No
     * authentication: the echo protocol does not check clients.
     *
     * @param buffer    to encode into.
     * @param offset    where the message starts.
     * @param clientId  client id.
     * @param requestNo client's request number.
     * @param payload   request payload.
     * @return length of the encoded message.
     */
    public static int encodeClientRequest(
        final MutableDirectBuffer buffer, final int offset, final long clientId, final long requestNo,
        final byte[] payload)
    {
        final ClientRequestEncoder encoder = new ClientRequestEncoder()
            .wrapAndApplyHeader(buffer, offset, new MessageHeaderEncoder())
            .clientId(clientId)
            .requestNo(requestNo)
            .scheme(Scheme.NULL_VAL)
            .putPayload(payload, 0, payload.length)
            .putAuthenticator(payload, 0, 0);
        return MessageHeaderEncoder.ENCODED_LENGTH + encoder.encodedLength();
    }
}
