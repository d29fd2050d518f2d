package io.jmir.transport;

import io.aeron.driver.ThreadingMode;
import io.jmir.engine.ConfigurationException;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.BusySpinIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.SleepingMillisIdleStrategy;
import org.agrona.concurrent.YieldingIdleStrategy;

import java.io.File;
import java.util.function.ObjIntConsumer;

/**
 * Property names and defaults of the transport. A {@link TransportContext} starts from the system properties
 * named here (falling back to the defaults); its setters override them.
 * <p>
 * Aeron's own system properties ({@code aeron.*}, e.g. {@code aeron.image.liveness.timeout},
 * {@code aeron.socket.so_rcvbuf}) still apply to the embedded media driver for everything not named here.
 */
public final class TransportConfiguration
{
    /** Property: id of this node. */
    public static final String NODE_ID_PROP = "jmir.transport.node.id";
    /** Property: id of the cluster; frames of other clusters are dropped. Default {@value #CLUSTER_ID_DEFAULT}. */
    public static final String CLUSTER_ID_PROP = "jmir.transport.cluster.id";
    /** Default cluster id. */
    public static final int CLUSTER_ID_DEFAULT = 0;
    /** Property: endpoints of all nodes, {@code 0=host:port,1=host:port,...}. */
    public static final String ENDPOINTS_PROP = "jmir.transport.endpoints";
    /** Property: largest message (bytes) sent or accepted. Default {@value #MAX_MESSAGE_SIZE_DEFAULT}. */
    public static final String MAX_MESSAGE_SIZE_PROP = "jmir.transport.max.message.size";
    /** Default maximum message size: 256 KiB. */
    public static final int MAX_MESSAGE_SIZE_DEFAULT = 256 * 1024;
    /** Upper bound of the maximum message size: 16 MiB (Aeron's maximum message length). */
    public static final int MAX_MESSAGE_SIZE_LIMIT = 16 * 1024 * 1024 - FrameCodec.OVERHEAD;
    /** Property: immediate retries of a back-pressured or admin-action offer before dropping. */
    public static final String SEND_RETRIES_PROP = "jmir.transport.send.retries";
    /** Default send retries. */
    public static final int SEND_RETRIES_DEFAULT = 3;
    /** Property: most fragments read per duty cycle. */
    public static final String FRAGMENT_LIMIT_PROP = "jmir.transport.fragment.limit";
    /** Default fragment limit per duty cycle. */
    public static final int FRAGMENT_LIMIT_DEFAULT = 256;
    /** Property: Aeron stream id of the frames. */
    public static final String STREAM_ID_PROP = "jmir.transport.stream.id";
    /** Default stream id. */
    public static final int STREAM_ID_DEFAULT = 1001;
    /** Property: term buffer length of the publications; 0 derives it from the maximum message size. */
    public static final String TERM_LENGTH_PROP = "jmir.transport.term.length";
    /** Smallest derived term length: 1 MiB. */
    public static final int TERM_LENGTH_MIN_DERIVED = 1024 * 1024;
    /** Property: largest frame of messages coalesced per peer and batch; 0 disables coalescing. */
    public static final String BATCH_LENGTH_PROP = "jmir.transport.batch.length";
    /** Default batch length: 16 KiB. */
    public static final int BATCH_LENGTH_DEFAULT = 16 * 1024;
    /** Property: MTU of the publications. Default {@value #MTU_DEFAULT}. */
    public static final String MTU_PROP = "jmir.transport.mtu";
    /** Default MTU (Aeron's default). */
    public static final int MTU_DEFAULT = 1408;
    /** Property: {@code embedded} (default) or {@code external} media driver. */
    public static final String DRIVER_PROP = "jmir.transport.driver";
    /** Property of the external driver's directory (Aeron's own). */
    public static final String AERON_DIR_PROP = "aeron.dir";
    /** Property: directory under which embedded drivers create their unique directories. */
    public static final String DIR_BASE_PROP = "jmir.transport.dir.base";
    /** Property: threading mode of the embedded driver. Default SHARED (one thread). */
    public static final String THREADING_MODE_PROP = "jmir.transport.threading.mode";
    /** Default threading mode. */
    public static final ThreadingMode THREADING_MODE_DEFAULT = ThreadingMode.SHARED;
    /** Property: idle strategy of the embedded driver: backoff (default), sleeping, yielding, busy-spin. */
    public static final String IDLE_STRATEGY_PROP = "jmir.transport.idle.strategy";
    /** Default idle strategy name. */
    public static final String IDLE_STRATEGY_DEFAULT = "backoff";

    private TransportConfiguration()
    {
    }

    /**
     * @return {@code /dev/shm} when it exists (Linux), else {@code java.io.tmpdir}.
     */
    public static String defaultDirBase()
    {
        final File shm = new File("/dev/shm");
        return shm.isDirectory() ? shm.getAbsolutePath() : System.getProperty("java.io.tmpdir");
    }

    /**
     * @param key  name of the setting, for errors.
     * @param name backoff, sleeping, yielding or busy-spin.
     * @return a new idle strategy of that kind.
     * @throws ConfigurationException naming the key when the name is unknown.
     */
    public static IdleStrategy newIdleStrategy(final String key, final String name)
    {
        switch (name == null ? "" : name)
        {
            case "backoff":
                return new BackoffIdleStrategy();
            case "sleeping":
                return new SleepingMillisIdleStrategy(1);
            case "yielding":
                return new YieldingIdleStrategy();
            case "busy-spin":
                return new BusySpinIdleStrategy();
            default:
                throw new ConfigurationException(key,
                    "must be backoff, sleeping, yielding or busy-spin, was '" + name + "'");
        }
    }

    static int intProperty(final String name, final int defaultValue)
    {
        final String value = System.getProperty(name);
        if (value == null)
        {
            return defaultValue;
        }
        try
        {
            return Integer.parseInt(value.trim());
        }
        catch (final NumberFormatException ex)
        {
            throw new ConfigurationException(name, "not an integer: '" + value + "'");
        }
    }

    static ThreadingMode threadingModeProperty()
    {
        final String mode = System.getProperty(THREADING_MODE_PROP);
        try
        {
            return mode == null ? THREADING_MODE_DEFAULT : ThreadingMode.valueOf(mode);
        }
        catch (final IllegalArgumentException ex)
        {
            throw new ConfigurationException(THREADING_MODE_PROP, "unknown threading mode '" + mode + "'");
        }
    }

    static void printError(final Throwable throwable)
    {
        System.err.println("jmir-transport: " + throwable);
    }

    static void checkHostPort(final String key, final String hostPort)
    {
        if (hostPort == null)
        {
            throw new ConfigurationException(key, "is null");
        }
        final int colon = hostPort.lastIndexOf(':');
        if (colon <= 0 || colon == hostPort.length() - 1)
        {
            throw new ConfigurationException(key, "must be host:port, was '" + hostPort + "'");
        }
        final int port;
        try
        {
            port = Integer.parseInt(hostPort.substring(colon + 1));
        }
        catch (final NumberFormatException ex)
        {
            throw new ConfigurationException(key, "port is not a number in '" + hostPort + "'");
        }
        if (port < 1 || port > 0xFFFF)
        {
            throw new ConfigurationException(key, "port must be in [1, 65535], was " + port);
        }
    }

    static void parseEndpoints(final String list, final ObjIntConsumer<String> endpoint)
    {
        for (final String item : list.split(","))
        {
            final String trimmed = item.trim();
            final int eq = trimmed.indexOf('=');
            if (eq <= 0)
            {
                throw new ConfigurationException("endpoints", "items must be id=host:port, was '" + trimmed + "'");
            }
            final int id;
            try
            {
                id = Integer.parseInt(trimmed.substring(0, eq).trim());
            }
            catch (final NumberFormatException ex)
            {
                throw new ConfigurationException("endpoints", "node id is not a number in '" + trimmed + "'");
            }
            endpoint.accept(trimmed.substring(eq + 1).trim(), id);
        }
    }

    static void applySystemProperties(final TransportContext context)
    {
        context.nodeId(intProperty(NODE_ID_PROP, -1))
            .clusterId(intProperty(CLUSTER_ID_PROP, CLUSTER_ID_DEFAULT))
            .maxMessageSize(intProperty(MAX_MESSAGE_SIZE_PROP, MAX_MESSAGE_SIZE_DEFAULT))
            .sendRetries(intProperty(SEND_RETRIES_PROP, SEND_RETRIES_DEFAULT))
            .fragmentLimit(intProperty(FRAGMENT_LIMIT_PROP, FRAGMENT_LIMIT_DEFAULT))
            .streamId(intProperty(STREAM_ID_PROP, STREAM_ID_DEFAULT))
            .termLength(intProperty(TERM_LENGTH_PROP, 0))
            .batchLength(intProperty(BATCH_LENGTH_PROP, BATCH_LENGTH_DEFAULT))
            .mtu(intProperty(MTU_PROP, MTU_DEFAULT))
            .dirBase(System.getProperty(DIR_BASE_PROP, defaultDirBase()))
            .threadingMode(threadingModeProperty())
            .idleStrategy(System.getProperty(IDLE_STRATEGY_PROP, IDLE_STRATEGY_DEFAULT));
        final String driver = System.getProperty(DRIVER_PROP, "embedded");
        if ("external".equals(driver))
        {
            context.externalDriver(System.getProperty(AERON_DIR_PROP));
        }
        else if (!"embedded".equals(driver))
        {
            throw new ConfigurationException(DRIVER_PROP, "must be embedded or external, was '" + driver + "'");
        }
        final String endpointList = System.getProperty(ENDPOINTS_PROP);
        if (endpointList != null)
        {
            context.endpoints(endpointList);
        }
    }
}
