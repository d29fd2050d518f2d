package io.jmir.transport;

import org.agrona.concurrent.SleepingMillisIdleStrategy;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * One node of the multi-process test: runs an {@link AeronNet} (embedded driver), pings every peer every 20 ms,
 * answers each ping with a pong, and reports on stdout:
 * <pre>
 *   READY node=N pid=P dir=D
 *   STATS pings p0 p1 ... pongs q0 q1 ...     (every 100 ms: pings and pongs received from each node)
 *   BYE                                        (after "quit" on stdin or stdin closed; the net is closed)
 * </pre>
 * Arguments: clusterId nodeId secretHex dirBase endpoints.
 */
public final class EchoNodeMain
{
    private static final byte PING = 1;
    private static final byte PONG = 2;
    private static final int NET = 0;
    private static final int APP = 1;

    private static volatile boolean running = true;

    private EchoNodeMain()
    {
    }

    /**
     * @param args clusterId nodeId secretHex dirBase endpoints.
     */
    public static void main(final String[] args)
    {
        final int clusterId = Integer.parseInt(args[0]);
        final int nodeId = Integer.parseInt(args[1]);
        final TransportContext context = new TransportContext()
            .clusterId(clusterId)
            .nodeId(nodeId)
            .clusterSecret(HexFormat.of().parseHex(args[2]))
            .dirBase(args[3])
            .endpoints(args[4])
            .maxMessageSize(4096);
        final Thread stdin = new Thread(EchoNodeMain::watchStdin, "stdin");
        stdin.setDaemon(true);
        stdin.start();
        try (AeronNet net = AeronNet.launch(context))
        {
            run(net, nodeId);
        }
        System.out.println("BYE");
        System.out.flush();
    }

    private static void run(final AeronNet net, final int nodeId)
    {
        final int nodeCount = net.nodeCount();
        net.onAttach(new TestModuleContext(nodeId, nodeCount, 2));
        System.out.println("READY node=" + nodeId + " pid=" + ProcessHandle.current().pid() + " dir=" +
            net.aeronDirectoryName());
        System.out.flush();
        final long[] pings = new long[nodeCount];
        final long[] pongs = new long[nodeCount];
        final int[] peers = new int[nodeCount - 1];
        for (int i = 0, p = 0; i < nodeCount; i++)
        {
            if (i != nodeId)
            {
                peers[p++] = i;
            }
        }
        final SendMessageEvents events = new SendMessageEvents(256);
        final UnsafeBuffer message = new UnsafeBuffer(new byte[9]);
        final int[] replyTo = new int[1];
        final long[] pendingPongs = new long[nodeCount];
        final RecordingEmitter emitter = new RecordingEmitter(NET, 2, 8192).listener(
            (module, from, buffer, offset, length) ->
            {
                if (length == 9 && buffer.getByte(offset) == PING)
                {
                    pings[from]++;
                    pendingPongs[from]++;
                }
                else if (length == 9 && buffer.getByte(offset) == PONG)
                {
                    pongs[from]++;
                }
            });
        final SleepingMillisIdleStrategy idle = new SleepingMillisIdleStrategy(1);
        long nextPingNs = 0;
        long nextStatsNs = 0;
        long seq = 0;
        while (running)
        {
            final long nowNs = System.nanoTime();
            int work = net.doWork(nowNs, emitter);
            for (int peer = 0; peer < nodeCount; peer++)
            {
                while (pendingPongs[peer] > 0)
                {
                    pendingPongs[peer]--;
                    message.putByte(0, PONG);
                    replyTo[0] = peer;
                    net.onEvent(events.build(NET, APP, replyTo, message, 0, 9), emitter);
                    work++;
                }
            }
            if (nowNs - nextPingNs >= 0)
            {
                nextPingNs = nowNs + 20_000_000L;
                message.putByte(0, PING);
                message.putLong(1, seq++);
                net.onEvent(events.build(NET, APP, peers, message, 0, 9), emitter);
            }
            if (nowNs - nextStatsNs >= 0)
            {
                nextStatsNs = nowNs + 100_000_000L;
                System.out.println("STATS pings " + join(pings) + " pongs " + join(pongs));
                System.out.flush();
            }
            idle.idle(work);
        }
    }

    private static String join(final long[] values)
    {
        final StringBuilder sb = new StringBuilder();
        Arrays.stream(values).forEach(v -> sb.append(sb.length() == 0 ? "" : " ").append(v));
        return sb.toString();
    }

    private static void watchStdin()
    {
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)))
        {
            String line;
            while ((line = reader.readLine()) != null)
            {
                if ("quit".equals(line.trim()))
                {
                    break;
                }
            }
        }
        catch (final IOException ignore)
        {
            // stdin gone: the parent is gone, stop as well.
        }
        running = false;
    }
}
