package io.jmir.transport;

import io.jmir.engine.ConfigurationException;
import org.junit.jupiter.api.Test;

import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TransportContextTest
{
    private static TransportContext valid()
    {
        return new TransportContext()
            .nodeId(1)
            .clusterId(9)
            .clusterSecret(new byte[16])
            .endpoints("0=127.0.0.1:20000, 1=127.0.0.1:20001,2=localhost:20002")
            .dirBase(System.getProperty("java.io.tmpdir"));
    }

    private static void assertKey(final Consumer<TransportContext> change, final String key)
    {
        final TransportContext context = valid();
        assertThatThrownBy(() ->
        {
            change.accept(context);
            context.conclude();
        })
            .isInstanceOf(ConfigurationException.class)
            .satisfies(ex -> assertThat(((ConfigurationException)ex).key()).isEqualTo(key));
    }

    @Test
    void shouldConcludeAValidConfigurationAndDeriveTheRest()
    {
        final TransportContext context = valid().maxMessageSize(300_000).conclude();

        assertThat(context.nodeCount()).isEqualTo(3);
        assertThat(context.endpoints()).containsExactly("127.0.0.1:20000", "127.0.0.1:20001", "localhost:20002");
        assertThat(context.termLength()).isEqualTo(4 * 1024 * 1024);
        assertThat(context.aeronDirectoryName()).matches(".*jmir-9-1-\\d+-\\d+");
        assertThat(context.key(0)).isEqualTo(PairwiseKeys.derive(new byte[16], 9, 1, 0));
        assertThat(context.key(1)).isNull();
        assertThat(context.embeddedDriver()).isTrue();
        assertThat(context.batchLength()).isEqualTo(TransportConfiguration.BATCH_LENGTH_DEFAULT);
        assertThat(context.maxFrameLength()).isEqualTo(300_000 + FrameCodec.OVERHEAD);
        assertThat(valid().batchLength(0).conclude().maxFrameLength()).isEqualTo(
            TransportConfiguration.MAX_MESSAGE_SIZE_DEFAULT + FrameCodec.OVERHEAD);
        assertThat(context.newIdleStrategy()).isInstanceOf(org.agrona.concurrent.BackoffIdleStrategy.class);
    }

    @Test
    void shouldUseExplicitPeerKeysOverDerivedOnes()
    {
        final byte[] key = new byte[20];
        key[3] = 1;
        final TransportContext context = new TransportContext().nodeId(0).endpoints("0=h:1,1=h:2")
            .peerKey(1, key).conclude();
        assertThat(context.key(1)).isEqualTo(key);
    }

    @Test
    void shouldNameTheKeyOfEveryInvalidSetting()
    {
        assertKey(c -> c.nodeId(3), "nodeId");
        assertKey(c -> c.nodeId(-1), "nodeId");
        assertKey(c -> c.clusterId(-2), "clusterId");
        assertKey(c -> c.endpoint(4, "127.0.0.1:1"), "endpoints[3]");
        assertKey(c -> c.endpoint(1, "127.0.0.1"), "endpoints[1]");
        assertKey(c -> c.endpoint(1, "127.0.0.1:x"), "endpoints[1]");
        assertKey(c -> c.endpoint(1, "127.0.0.1:70000"), "endpoints[1]");
        assertKey(c -> c.endpoint(-1, "127.0.0.1:1"), "endpoints[-1]");
        assertKey(c -> c.endpoints("0:127.0.0.1:1"), "endpoints");
        assertKey(c -> c.endpoints("a=127.0.0.1:1"), "endpoints");
        assertKey(c -> c.clusterSecret(new byte[15]), "clusterSecret");
        assertKey(c -> c.peerKey(0, new byte[3]), "peerKey[0]");
        assertKey(c -> c.peerKey(7, new byte[16]), "peerKey[7]");
        assertKey(c -> c.maxMessageSize(0), "maxMessageSize");
        assertKey(c -> c.maxMessageSize(TransportConfiguration.MAX_MESSAGE_SIZE_LIMIT + 1), "maxMessageSize");
        assertKey(c -> c.maxMessageSize(100_000).termLength(512 * 1024), "termLength");
        assertKey(c -> c.termLength(3 * 1024 * 1024), "termLength");
        assertKey(c -> c.mtu(1000), "mtu");
        assertKey(c -> c.batchLength(100), "batchLength");
        assertKey(c -> c.maxMessageSize(1000).batchLength(1024 * 1024).termLength(1024 * 1024), "termLength");
        assertKey(c -> c.sendRetries(-1), "sendRetries");
        assertKey(c -> c.fragmentLimit(0), "fragmentLimit");
        assertKey(c -> c.streamId(0), "streamId");
        assertKey(c -> c.idleStrategy("spinning"), "idleStrategy");
        assertKey(c -> c.externalDriver("/nonexistent/aeron-dir"), "aeronDirectoryName");
    }

    @Test
    void shouldRequireEndpointsAndASecret()
    {
        assertThatThrownBy(() -> new TransportContext().nodeId(0).clusterSecret(new byte[16]).conclude())
            .isInstanceOf(ConfigurationException.class).hasMessageStartingWith("endpoints:");
        assertThatThrownBy(() -> new TransportContext().nodeId(0).endpoints("0=h:1,1=h:2").conclude())
            .isInstanceOf(ConfigurationException.class).hasMessageStartingWith("clusterSecret:");
    }

    @Test
    void shouldReadSystemPropertiesAndNameTheBadOne()
    {
        System.setProperty(TransportConfiguration.MAX_MESSAGE_SIZE_PROP, "1000");
        System.setProperty(TransportConfiguration.ENDPOINTS_PROP, "0=127.0.0.1:5,1=127.0.0.1:6");
        try
        {
            final TransportContext context = new TransportContext().nodeId(0).clusterSecret(new byte[16]).conclude();
            assertThat(context.maxMessageSize()).isEqualTo(1000);
            assertThat(context.nodeCount()).isEqualTo(2);

            System.setProperty(TransportConfiguration.MAX_MESSAGE_SIZE_PROP, "lots");
            assertThatThrownBy(TransportContext::new).isInstanceOf(ConfigurationException.class)
                .hasMessageStartingWith(TransportConfiguration.MAX_MESSAGE_SIZE_PROP + ":");
        }
        finally
        {
            System.clearProperty(TransportConfiguration.MAX_MESSAGE_SIZE_PROP);
            System.clearProperty(TransportConfiguration.ENDPOINTS_PROP);
        }
    }
}
