package io.jmir.cli.config;

import io.jmir.cli.CliRun;
import io.jmir.codecs.engine.PrincipalKind;
import io.jmir.codecs.engine.Scheme;
import io.jmir.engine.ConfigurationException;
import io.jmir.engine.modules.crypto.KeyRegistry;
import org.bouncycastle.math.ec.rfc8032.Ed25519;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class KeysCommandTest
{
    @Test
    void shouldWriteKeysThatNodesAndClientsAgreeOn(@TempDir final Path dir) throws Exception
    {
        final CliRun.Result result = CliRun.jmir("keys", "--nodes", "4", "--clients", "3", "--dir",
            dir.resolve("keys").toString());
        assertThat(result.code()).as(result.err()).isZero();
        assertThat(result.out()).contains("4 node key pairs and 3 client key files");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("keys/cluster.secret"))))
            .isEqualTo("rw-------");
        assertThat(dir.resolve("keys/node-3.key")).exists();
        assertThat(dir.resolve("keys/client-2.pub")).exists();

        final ClusterConfig config = ClusterConfig.local(4, 20000, dir.resolve("data")).baseDirectory(dir)
            .clientCount(3).clientAuth(Scheme.ED25519);
        final KeyRegistry nodeKeys = KeyFiles.nodeRegistry(config, 1);
        final KeyFiles.ClientKeys client = KeyFiles.clientKeys(config, 2);
        assertThat(client.macKeys()[1]).isEqualTo(nodeKeys.macKey(PrincipalKind.NODE, 1, PrincipalKind.CLIENT, 2));
        assertThat(nodeKeys.publicKey(PrincipalKind.CLIENT, 2).getEncoded()).isEqualTo(client.publicKey());
        final byte[] message = "hello".getBytes();
        final byte[] signature = new byte[Ed25519.SIGNATURE_SIZE];
        Ed25519.sign(client.privateKey(), 0, client.publicKey(), 0, message, 0, message.length, signature, 0);
        assertThat(Ed25519.verify(signature, 0, client.publicKey(), 0, message, 0, message.length)).isTrue();
        assertThat(nodeKeys.privateKey(PrincipalKind.NODE, 1)).isNotNull();
        assertThat(nodeKeys.publicKey(PrincipalKind.NODE, 3).getEncoded())
            .isEqualTo(KeyFiles.nodeRegistry(config, 3).privateKey(PrincipalKind.NODE, 3).generatePublicKey()
                .getEncoded());
    }

    @Test
    void shouldNameTheSettingWhenKeyFilesAreMissingOrDamaged(@TempDir final Path dir) throws Exception
    {
        final ClusterConfig config = ClusterConfig.local(4, 20000, dir.resolve("data")).baseDirectory(dir);
        assertThatThrownBy(() -> KeyFiles.nodeRegistry(config, 0)).isInstanceOf(ConfigurationException.class)
            .hasMessageContaining("cluster.secretFile").hasMessageContaining("jmir keys");
        Files.createDirectories(dir.resolve("keys"));
        Files.writeString(dir.resolve("keys/cluster.secret"), "zz-not-hex");
        assertThatThrownBy(() -> KeyFiles.nodeRegistry(config, 0)).isInstanceOf(ConfigurationException.class)
            .hasMessageContaining("not hex");
        Files.writeString(dir.resolve("keys/cluster.secret"), "00112233");
        assertThatThrownBy(() -> KeyFiles.nodeRegistry(config, 0)).isInstanceOf(ConfigurationException.class)
            .hasMessageContaining("at least 16");
    }

    @Test
    void shouldRejectBadCounts()
    {
        assertThat(CliRun.jmir("keys", "--nodes", "0").code()).isEqualTo(2);
    }
}
