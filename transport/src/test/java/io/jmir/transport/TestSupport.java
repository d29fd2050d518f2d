package io.jmir.transport;

import org.agrona.IoUtil;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BooleanSupplier;
import java.util.function.IntSupplier;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.fail;

/**
 * Ports, directories and bounded waiting for transport tests.
 */
final class TestSupport
{
    static final String LOOPBACK = "127.0.0.1";

    private TestSupport()
    {
    }

    /**
     * Distinct free UDP ports on 127.0.0.1: all probed at once so they differ, then released.
     */
    static int[] freeUdpPorts(final int count)
    {
        final DatagramSocket[] sockets = new DatagramSocket[count];
        final int[] ports = new int[count];
        try
        {
            for (int i = 0; i < count; i++)
            {
                sockets[i] = new DatagramSocket(new InetSocketAddress(InetAddress.getByName(LOOPBACK), 0));
                ports[i] = sockets[i].getLocalPort();
            }
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
        finally
        {
            for (final DatagramSocket socket : sockets)
            {
                if (socket != null)
                {
                    socket.close();
                }
            }
        }
        return ports;
    }

    /**
     * A fresh directory for the aeron directories of one test, under /dev/shm when present.
     */
    static File newDirBase()
    {
        final File dir = new File(TransportConfiguration.defaultDirBase(), "jmir-test-" + UUID.randomUUID());
        IoUtil.ensureDirectoryExists(dir, "test dir base");
        return dir;
    }

    static void deleteRecursively(final File dir)
    {
        if (dir != null)
        {
            IoUtil.delete(dir, true);
        }
    }

    static int randomClusterId()
    {
        return ThreadLocalRandom.current().nextInt(1, Integer.MAX_VALUE);
    }

    static byte[] randomSecret()
    {
        final byte[] secret = new byte[32];
        ThreadLocalRandom.current().nextBytes(secret);
        return secret;
    }

    /**
     * Run {@code work} until {@code condition} holds, backing off (yield, then short parks) while there is no
     * work; fails with {@code description} after {@code timeout}.
     */
    static void await(
        final Duration timeout, final IntSupplier work, final BooleanSupplier condition,
        final Supplier<String> description)
    {
        final IdleStrategy idle = new BackoffIdleStrategy(1, 10, 1_000, 1_000_000);
        final long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean())
        {
            if (System.nanoTime() - deadline > 0)
            {
                fail("timed out after " + timeout + " waiting for: " + description.get());
            }
            idle.idle(work.getAsInt());
        }
    }
}
