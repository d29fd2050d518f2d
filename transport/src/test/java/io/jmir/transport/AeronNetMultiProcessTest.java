package io.jmir.transport;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * Four nodes in four JVMs (each with its embedded driver) ping each other over UDP loopback; one is killed with
 * {@code destroyForcibly} (SIGKILL) and restarted; traffic resumes in both directions, the restarted node deletes
 * the dead process's aeron directory, and a clean shutdown deletes every node's own.
 */
@Timeout(240)
class AeronNetMultiProcessTest
{
    private static final int NODES = 4;
    private static final Duration STEP_TIMEOUT = Duration.ofSeconds(60);

    private final int clusterId = TestSupport.randomClusterId();
    private final String secret = HexFormat.of().formatHex(TestSupport.randomSecret());
    private final int[] ports = TestSupport.freeUdpPorts(NODES);
    private final File dirBase = TestSupport.newDirBase();
    private final List<Child> children = new ArrayList<>();

    @Test
    void shouldResumeTrafficAfterANodeIsKilledAndRestarted() throws Exception
    {
        try
        {
            final Child[] nodes = new Child[NODES];
            for (int i = 0; i < NODES; i++)
            {
                nodes[i] = start(i);
            }
            for (final Child node : nodes)
            {
                node.await(c -> c.dir != null, "READY");
            }
            for (final Child node : nodes)
            {
                node.await(c -> c.allPeersAtLeast(5), "pings and pongs from every peer");
            }

            final Child victim = nodes[3];
            final File victimDir = new File(victim.dir);
            assertThat(victimDir).isDirectory();
            victim.process.destroyForcibly();
            assertThat(victim.process.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(victimDir).as("SIGKILL leaves the aeron directory behind").isDirectory();
            final long[] pingsFromVictim = new long[NODES];
            final long[] pongsFromVictim = new long[NODES];
            for (int i = 0; i < 3; i++)
            {
                pingsFromVictim[i] = nodes[i].pings[3];
                pongsFromVictim[i] = nodes[i].pongs[3];
            }

            final Child restarted = start(3);
            restarted.await(c -> c.dir != null, "READY after restart");
            assertThat(victimDir).as("stale directory of the killed process deleted at restart").doesNotExist();
            assertThat(restarted.dir).isNotEqualTo(victim.dir);
            restarted.await(c -> c.allPeersAtLeast(5), "restarted node hears every peer");
            for (int i = 0; i < 3; i++)
            {
                final int node = i;
                nodes[i].await(c -> c.pings[3] >= pingsFromVictim[node] + 5 && c.pongs[3] >= pongsFromVictim[node] + 5,
                    "node " + i + " hears the restarted node again");
            }

            nodes[3] = restarted;
            for (final Child node : nodes)
            {
                node.quit();
            }
            for (final Child node : nodes)
            {
                assertThat(node.process.waitFor(30, TimeUnit.SECONDS)).isTrue();
                assertThat(node.process.exitValue()).as("exit code of node %d", node.nodeId).isZero();
                node.await(c -> c.bye, "BYE");
                assertThat(new File(node.dir)).as("aeron directory of node %d", node.nodeId).doesNotExist();
            }
        }
        finally
        {
            for (final Child child : children)
            {
                child.process.destroyForcibly();
                child.process.waitFor(10, TimeUnit.SECONDS);
            }
            TestSupport.deleteRecursively(dirBase);
        }
    }

    private Child start(final int nodeId) throws IOException
    {
        final StringBuilder endpoints = new StringBuilder();
        for (int i = 0; i < NODES; i++)
        {
            endpoints.append(i == 0 ? "" : ",").append(i).append('=').append(TestSupport.LOOPBACK).append(':')
                .append(ports[i]);
        }
        final ProcessBuilder builder = new ProcessBuilder(ChildJvm.command(List.of(),
            EchoNodeMain.class.getName(), List.of(Integer.toString(clusterId), Integer.toString(nodeId), secret,
            dirBase.getAbsolutePath(), endpoints.toString())));
        builder.redirectErrorStream(true);
        final Child child = new Child(nodeId, builder.start());
        children.add(child);
        return child;
    }

    private static final class Child
    {
        final int nodeId;
        final Process process;
        final long[] pings = new long[NODES];
        final long[] pongs = new long[NODES];
        final Deque<String> lastLines = new ArrayDeque<>();
        String dir;
        boolean bye;
        boolean exited;

        Child(final int nodeId, final Process process)
        {
            this.nodeId = nodeId;
            this.process = process;
            final Thread reader = new Thread(this::read, "child-" + nodeId + "-" + process.pid());
            reader.setDaemon(true);
            reader.start();
        }

        private void read()
        {
            try (BufferedReader reader = new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8)))
            {
                String line;
                while ((line = reader.readLine()) != null)
                {
                    onLine(line);
                }
            }
            catch (final IOException ignore)
            {
                // the process is gone
            }
            synchronized (this)
            {
                exited = true;
                notifyAll();
            }
        }

        private synchronized void onLine(final String line)
        {
            if (line.startsWith("STATS "))
            {
                final String[] parts = line.split(" ");
                for (int i = 0; i < NODES; i++)
                {
                    pings[i] = Long.parseLong(parts[2 + i]);
                    pongs[i] = Long.parseLong(parts[3 + NODES + i]);
                }
            }
            else
            {
                if (line.startsWith("READY "))
                {
                    dir = line.substring(line.indexOf(" dir=") + 5);
                }
                else if (line.equals("BYE"))
                {
                    bye = true;
                }
                lastLines.addLast(line);
                if (lastLines.size() > 50)
                {
                    lastLines.removeFirst();
                }
            }
            notifyAll();
        }

        boolean allPeersAtLeast(final long minimum)
        {
            for (int peer = 0; peer < NODES; peer++)
            {
                if (peer != nodeId && (pings[peer] < minimum || pongs[peer] < minimum))
                {
                    return false;
                }
            }
            return true;
        }

        synchronized void await(final Predicate<Child> condition, final String what) throws InterruptedException
        {
            final long deadline = System.nanoTime() + STEP_TIMEOUT.toNanos();
            while (!condition.test(this))
            {
                final long remainingMs = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (remainingMs <= 0 || (exited && !condition.test(this)))
                {
                    fail("node " + nodeId + " (pid " + process.pid() + "): " + what + " not reached; pings=" +
                        java.util.Arrays.toString(pings) + " pongs=" + java.util.Arrays.toString(pongs) +
                        " exited=" + exited + " output=" + lastLines);
                }
                wait(remainingMs);
            }
        }

        void quit() throws IOException
        {
            final OutputStream stdin = process.getOutputStream();
            stdin.write("quit\n".getBytes(StandardCharsets.US_ASCII));
            stdin.flush();
        }
    }
}
