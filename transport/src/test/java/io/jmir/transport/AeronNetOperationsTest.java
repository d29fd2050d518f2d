package io.jmir.transport;

import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;
import io.aeron.exceptions.DriverTimeoutException;
import io.jmir.engine.ConfigurationException;
import org.agrona.IoUtil;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.File;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Operating the Aeron transport: driver directories, counters seen by AeronStat, bind failures, external driver.
 */
@Timeout(90)
class AeronNetOperationsTest
{
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final SendMessageEvents events = new SendMessageEvents(1024);

    @Test
    void shouldDeleteStaleDirectoriesOfDeadProcessesAtStartAndItsOwnOnClose() throws Exception
    {
        try (AeronTestCluster cluster = new AeronTestCluster(2))
        {
            final Process dead = new ProcessBuilder(System.getProperty("java.home") + "/bin/java", "-version")
                .redirectErrorStream(true).start();
            dead.getInputStream().readAllBytes();
            assertThat(dead.waitFor(30, TimeUnit.SECONDS)).isTrue();
            final File stale = new File(cluster.dirBase, "jmir-" + cluster.clusterId + "-0-" + dead.pid() + "-0");
            final File live = new File(cluster.dirBase,
                "jmir-" + cluster.clusterId + "-0-" + ProcessHandle.current().pid() + "-999999");
            final File otherNode = new File(cluster.dirBase, "jmir-" + cluster.clusterId + "-1-" + dead.pid() + "-0");
            for (final File dir : new File[]{ stale, live, otherNode })
            {
                IoUtil.ensureDirectoryExists(dir, "fake aeron dir");
                Files.writeString(new File(dir, "cnc.dat").toPath(), "stale");
            }

            final AeronNet net = cluster.start(0);
            final File own = new File(net.aeronDirectoryName());
            assertThat(stale).doesNotExist();
            assertThat(live).as("directory of a live process is kept").exists();
            assertThat(otherNode).as("directory of another node is kept").exists();
            assertThat(own).isDirectory().hasParent(cluster.dirBase);
            assertThat(new File(own, "cnc.dat")).exists();

            cluster.stop(0);
            assertThat(own).doesNotExist();
            assertThat(net.counters().messagesSent(1)).isZero();
        }
    }

    @Test
    void shouldShowItsCountersInAeronStat() throws Exception
    {
        try (AeronTestCluster cluster = new AeronTestCluster(2).startAll())
        {
            cluster.awaitConnected(TIMEOUT);
            for (int i = 0; i < 7; i++)
            {
                cluster.nets[0].onEvent(events.build(0, 1, new int[]{ 1, 5 }, new byte[10]), cluster.emitters[0]);
            }
            cluster.await(TIMEOUT, () -> cluster.emitters[1].messages() == 7, "7 delivered");
            assertThat(cluster.nets[0].counters().bytesSent(1)).as("7 messages coalesced into one frame")
                .isEqualTo(FrameCodec.FRAME_OVERHEAD + 7 * (FrameCodec.MESSAGE_OVERHEAD + 10));

            final ProcessBuilder builder = new ProcessBuilder(ChildJvm.command(
                List.of("-Daeron.dir=" + cluster.nets[0].aeronDirectoryName()),
                "io.aeron.samples.AeronStat", List.of("watch=false")));
            builder.redirectErrorStream(true);
            final Process process = builder.start();
            try
            {
                final String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
                final String node = "cluster=" + cluster.clusterId + " node=0";
                assertThat(output)
                    .containsPattern(" 7 - jmir-net messages-sent: " + node + " peer=1")
                    .contains(String.format(" %,d - jmir-net bytes-sent: ", cluster.nets[0].counters().bytesSent(1)) +
                        node + " peer=1")
                    .containsPattern(" 7 - jmir-net drops send-unknown-destination: " + node)
                    .containsPattern(" 0 - jmir-net messages-received: " + node + " peer=1")
                    .contains("Bytes sent");
            }
            finally
            {
                process.destroyForcibly();
            }
        }
    }

    @Test
    void shouldNameTheEndpointWhenItCannotBeBoundAndCleanUp() throws Exception
    {
        try (AeronTestCluster cluster = new AeronTestCluster(2);
            DatagramSocket taken = new DatagramSocket(
                new InetSocketAddress(InetAddress.getByName(TestSupport.LOOPBACK), cluster.ports[0])))
        {
            assertThat(taken.isBound()).isTrue();
            final List<Throwable> errors = new java.util.ArrayList<>();
            assertThatThrownBy(() -> cluster.start(0, c -> c.errorHandler(errors::add)))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageStartingWith("endpoints[0]: cannot receive on 127.0.0.1:" + cluster.ports[0]);
            assertThat(cluster.dirBase.list()).isEmpty();
            assertThat(errors).anySatisfy(e -> assertThat(e).hasMessageContaining("Address already in use"));
        }
    }

    @Test
    void shouldRunOnAnExternalDriverAndLeaveItsDirectory()
    {
        final File dirBase = TestSupport.newDirBase();
        final File driverDir = new File(dirBase, "external-driver");
        try (MediaDriver driver = MediaDriver.launch(new MediaDriver.Context()
            .aeronDirectoryName(driverDir.getAbsolutePath())
            .threadingMode(ThreadingMode.SHARED)
            .dirDeleteOnStart(true)
            .dirDeleteOnShutdown(true));
            AeronTestCluster cluster = new AeronTestCluster(2))
        {
            assertThat(driver.aeronDirectoryName()).isEqualTo(driverDir.getAbsolutePath());
            cluster.start(0, c -> c.externalDriver(driverDir.getAbsolutePath()));
            cluster.start(1, c -> c.externalDriver(driverDir.getAbsolutePath()));
            cluster.awaitConnected(TIMEOUT);
            cluster.nets[1].onEvent(events.build(0, 2, new int[]{ 0 }, new byte[]{ 1, 2, 3 }), cluster.emitters[1]);
            cluster.await(TIMEOUT, () -> cluster.emitters[0].messages() == 1, "delivered via external driver");
            assertThat(cluster.emitters[0].received().get(0).message()).containsExactly(1, 2, 3);

            cluster.stop(0);
            cluster.stop(1);
            assertThat(new File(driverDir, "cnc.dat")).exists();
        }
        finally
        {
            TestSupport.deleteRecursively(dirBase);
        }
    }

    @Test
    void shouldFailLoudlyInDoWorkWhenItsDriverIsGone()
    {
        final File dirBase = TestSupport.newDirBase();
        final String driverDir = new File(dirBase, "external-driver").getAbsolutePath();
        final List<Throwable> errors = new java.util.concurrent.CopyOnWriteArrayList<>();
        final MediaDriver driver = MediaDriver.launch(new MediaDriver.Context()
            .aeronDirectoryName(driverDir)
            .threadingMode(ThreadingMode.SHARED)
            .dirDeleteOnStart(true)
            .dirDeleteOnShutdown(true));
        try (AeronTestCluster cluster = new AeronTestCluster(2))
        {
            final AeronNet net = cluster.start(0, c -> c.externalDriver(driverDir).errorHandler(errors::add)
                .clientCustomizer(client -> client.driverTimeoutMs(1000)));
            driver.close();
            final IllegalStateException[] failure = new IllegalStateException[1];
            TestSupport.await(TIMEOUT, () ->
            {
                try
                {
                    return net.doWork(0, cluster.emitters[0]);
                }
                catch (final IllegalStateException ex)
                {
                    failure[0] = ex;
                    return 0;
                }
            }, () -> failure[0] != null, () -> "doWork to fail after the driver stopped");
            assertThat(failure[0]).hasMessageContaining("Aeron client is closed");
            assertThat(errors).anySatisfy(e -> assertThat(e).isInstanceOf(DriverTimeoutException.class));
            final long notConnected = net.counters().drops(DropReason.SEND_NOT_CONNECTED);
            net.onEvent(events.build(0, 1, new int[]{ 1 }, new byte[8]), cluster.emitters[0]);
            assertThat(net.counters().drops(DropReason.SEND_NOT_CONNECTED)).as("counting goes on after the client")
                .isEqualTo(notConnected + 1);
            assertThat(net.isConnected(1)).isFalse();
            cluster.stop(0);
            assertThat(net.counters().drops(DropReason.SEND_NOT_CONNECTED)).isEqualTo(notConnected + 1);
        }
        finally
        {
            driver.close();
            TestSupport.deleteRecursively(dirBase);
        }
    }
}
