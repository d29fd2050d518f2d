package io.jmir.cli.config;

import io.jmir.codecs.engine.Scheme;
import io.jmir.engine.ConfigurationException;
import io.jmir.engine.IdleMode;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ConfigLoaderTest
{
    private static final String VALID = String.join("\n",
        "cluster:",
        "  id: 9",
        "  clientAuth: ED25519",
        "  clients: 8",
        "nodes:",
        "  - { id: 0, address: 127.0.0.1:20000, clientAddress: 127.0.0.1:20100, dataDir: d/node-0 }",
        "  - { id: 1, address: 127.0.0.1:20001, clientAddress: 127.0.0.1:20101 }",
        "  - { id: 2, address: 127.0.0.1:20002, clientAddress: 127.0.0.1:20102 }",
        "  - { id: 3, address: 127.0.0.1:20003, clientAddress: 127.0.0.1:20103 }",
        "protocol:",
        "  maxBatchSize: 32",
        "  segmentLength: 2",
        "runtime:",
        "  ringSize: 128",
        "  idle: sleeping",
        "  threads:",
        "    - { name: io, idle: YIELDING, cpu: -1, modules: [net, clientnet] }",
        "journal:",
        "  sync: MSYNC_PER_BATCH",
        "  requestStore: chronicle",
        "");

    @Test
    void shouldLoadEverySection()
    {
        final ClusterConfig config = ConfigLoader.parse(VALID, Path.of("/base"));
        assertThat(config.clusterId()).isEqualTo(9);
        assertThat(config.clientAuth()).isEqualTo(Scheme.ED25519);
        assertThat(config.clientCount()).isEqualTo(8);
        assertThat(config.nodes()).hasSize(4);
        assertThat(config.resolve(config.node(0).dataDirectory())).isEqualTo(Path.of("/base/d/node-0"));
        assertThat(config.node(1).dataDirectory()).isEqualTo(Path.of("data/node-1"));
        assertThat(config.issConfig().maxBatchSize()).isEqualTo(32);
        assertThat(config.issConfig().epochLength()).isEqualTo(8);
        assertThat(config.ringSize()).isEqualTo(128);
        assertThat(config.idleMode()).isEqualTo(IdleMode.SLEEPING);
        assertThat(config.threads()).containsExactly(
            new ClusterConfig.ThreadSpec("io", IdleMode.YIELDING, -1, java.util.List.of("net", "clientnet")));
        assertThat(config.persistentRequestStore()).isTrue();
        assertThat(config.secretFile()).isEqualTo(Path.of("/base/keys/cluster.secret"));
    }

    @Test
    void shouldReadBackWhatTheWriterWrites()
    {
        final ClusterConfig original = ConfigLoader.parse(VALID, Path.of("/base"));
        final ClusterConfig copy = ConfigLoader.parse(ConfigWriter.yaml(original, "s.hex", "k"), Path.of("/b"));
        assertThat(ConfigWriter.yaml(copy, "s.hex", "k")).isEqualTo(ConfigWriter.yaml(original, "s.hex", "k"));
        assertThat(copy.secretFile()).isEqualTo(Path.of("/b/s.hex"));
    }

    @Test
    void shouldNameKeyAndLineOfABadPort()
    {
        assertError(VALID.replace("127.0.0.1:20002,", "127.0.0.1:70000,"), "nodes[2].address", 8, "port");
    }

    @Test
    void shouldNameKeyAndLineOfAnUnknownSetting()
    {
        assertError(VALID.replace("  maxBatchSize: 32", "  maxBatchSise: 32"), "protocol.maxBatchSise", 11,
            "unknown setting");
    }

    @Test
    void shouldNameKeyAndLineOfABadIdleMode()
    {
        assertError(VALID.replace("idle: YIELDING", "idle: SNOOZE"), "runtime.threads[0].idle", 17, "BUSY_SPIN");
    }

    @Test
    void shouldNameKeyAndLineOfAnUnknownModule()
    {
        assertError(VALID.replace("[net, clientnet]", "[net, nett]"), "runtime.threads[0].modules[1]", 17, "nett");
    }

    @Test
    void shouldNameKeyAndLineOfAProtocolRuleTheIssConfigChecks()
    {
        assertError(VALID.replace("  segmentLength: 2", "  segmentLength: 2\n  bucketCount: 2"),
            "protocol.bucketCount", 13, "leaders");
    }

    @Test
    void shouldNameKeyAndLineOfADuplicateEndpointAndOfNodeIdsOutOfOrder()
    {
        assertError(VALID.replace("clientAddress: 127.0.0.1:20101", "clientAddress: 127.0.0.1:20000"),
            "nodes[1].clientAddress", 7, "twice");
        assertError(VALID.replace("{ id: 2,", "{ id: 5,"), "nodes[2].id", 8, "expected 2");
    }

    @Test
    void shouldNameTheLineOfInvalidYamlAndOfAMissingSection()
    {
        assertError(VALID.replace("  maxBatchSize: 32", "  maxBatchSize: [32"), "config", 12, "not valid YAML");
        assertError("cluster:\n  id: 1\n", "config", 1, "nodes");
        assertError(VALID.replace("  ringSize: 128", "  ringSize: 100"), "runtime.ringSize", 14, "power of two");
        assertError(VALID.replace("  id: 9", "  id: nine"), "cluster.id", 2, "whole number");
    }

    private static void assertError(final String yaml, final String key, final int line, final String text)
    {
        assertThatThrownBy(() -> ConfigLoader.parse(yaml, Path.of("/base")))
            .isInstanceOfSatisfying(ConfigurationException.class, ex ->
            {
                assertThat(ex.key()).isEqualTo(key);
                assertThat(ex.getMessage()).contains("line " + line + ":").contains(text);
            });
    }
}
