package io.jmir.engine.modules.crypto;

import io.jmir.codecs.engine.PrincipalKind;
import io.jmir.engine.ConfigurationException;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@Timeout(30)
class KeyRegistryTest
{
    private static final byte[] SEED = "test-seed".getBytes(StandardCharsets.US_ASCII);

    @Test
    void shouldDeriveTheSamePairwiseKeyOnBothSides()
    {
        final KeyRegistry registry = KeyRegistry.deterministic(SEED, 4, 2);

        assertThat(registry.macKey(PrincipalKind.NODE, 1, PrincipalKind.NODE, 3))
            .isEqualTo(registry.macKey(PrincipalKind.NODE, 3, PrincipalKind.NODE, 1));
        assertThat(registry.macKey(PrincipalKind.NODE, 2, PrincipalKind.CLIENT, 7))
            .isEqualTo(registry.macKey(PrincipalKind.CLIENT, 7, PrincipalKind.NODE, 2));
        assertThat(registry.macKey(PrincipalKind.NODE, 1, PrincipalKind.NODE, 3))
            .isNotEqualTo(registry.macKey(PrincipalKind.NODE, 1, PrincipalKind.NODE, 2))
            .isNotEqualTo(registry.macKey(PrincipalKind.NODE, 1, PrincipalKind.CLIENT, 3));
    }

    @Test
    void shouldDerivePairwiseKeysAsDocumented() throws Exception
    {
        final byte[] secret = MessageDigest.getInstance("SHA-256").digest(
            concat("jmir-cluster-secret".getBytes(StandardCharsets.US_ASCII), SEED));
        final Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(secret, "HmacSHA256"));
        final ByteBuffer data = ByteBuffer.allocate(26).order(ByteOrder.LITTLE_ENDIAN);
        data.put("jmir-mac".getBytes(StandardCharsets.US_ASCII)).put((byte)1).putLong(2).put((byte)2).putLong(5);

        final byte[] expected = mac.doFinal(data.array());

        final KeyRegistry registry = KeyRegistry.deterministic(SEED, 4, 0);
        assertThat(registry.macKey(PrincipalKind.CLIENT, 5, PrincipalKind.NODE, 2)).isEqualTo(expected);
        final KeyRegistry sameSecret = new KeyRegistry(secret);
        assertThat(sameSecret.macKey(PrincipalKind.NODE, 2, PrincipalKind.CLIENT, 5)).isEqualTo(expected);
    }

    @Test
    void shouldDeriveTheSameKeyPairsFromTheSameSeedOnly() throws Exception
    {
        final KeyRegistry first = KeyRegistry.deterministic(SEED, 4, 3);
        final KeyRegistry second = KeyRegistry.deterministic(SEED, 4, 3);
        final KeyRegistry other = KeyRegistry.deterministic(99L, 4, 3);

        for (int i = 0; i < 4; i++)
        {
            assertThat(first.publicKey(PrincipalKind.NODE, i).getEncoded())
                .isEqualTo(second.publicKey(PrincipalKind.NODE, i).getEncoded())
                .isNotEqualTo(other.publicKey(PrincipalKind.NODE, i).getEncoded())
                .isNotEqualTo(first.publicKey(PrincipalKind.CLIENT, i == 3 ? 0 : i).getEncoded());
        }
        final byte[] expectedPrivate = MessageDigest.getInstance("SHA-256").digest(concat(
            concat("jmir-ed25519".getBytes(StandardCharsets.US_ASCII), SEED),
            new byte[] {2, 1, 0, 0, 0, 0, 0, 0, 0}));
        assertThat(first.privateKey(PrincipalKind.CLIENT, 1).getEncoded()).isEqualTo(expectedPrivate);
        assertThat(first.isKnownClient(2)).isTrue();
        assertThat(first.isKnownClient(3)).isFalse();
        assertThat(first.clientIds()).containsExactly(0L, 1L, 2L);
    }

    @Test
    void shouldSignWithRegisteredKeysSoThatPublicKeysVerify()
    {
        final KeyRegistry registry = KeyRegistry.deterministic(SEED, 2, 0);
        final Ed25519PrivateKeyParameters key = registry.privateKey(PrincipalKind.NODE, 1);
        final byte[] message = "hello".getBytes(StandardCharsets.US_ASCII);
        final Ed25519Signer signer = new Ed25519Signer();
        signer.init(true, key);
        signer.update(message, 0, message.length);
        final byte[] signature = signer.generateSignature();

        signer.init(false, registry.publicKey(PrincipalKind.NODE, 1));
        signer.update(message, 0, message.length);
        assertThat(signer.verifySignature(signature)).isTrue();
        signer.init(false, registry.publicKey(PrincipalKind.NODE, 0));
        signer.update(message, 0, message.length);
        assertThat(signer.verifySignature(signature)).isFalse();
    }

    @Test
    void shouldReturnNullForUnknownPrincipals()
    {
        final KeyRegistry registry = KeyRegistry.deterministic(SEED, 2, 1);

        assertThat(registry.publicKey(PrincipalKind.NODE, 2)).isNull();
        assertThat(registry.publicKey(PrincipalKind.CLIENT, -1)).isNull();
        assertThat(registry.publicKey(PrincipalKind.NULL_VAL, 0)).isNull();
        assertThat(registry.privateKey(null, 0)).isNull();
    }

    @Test
    void shouldRejectAShortClusterSecretNamingTheKey()
    {
        assertThatThrownBy(() -> new KeyRegistry(new byte[8]))
            .isInstanceOf(ConfigurationException.class)
            .satisfies((ex) -> assertThat(((ConfigurationException)ex).key()).isEqualTo("clusterSecret"));
        assertThatThrownBy(() -> new KeyRegistry(null)).isInstanceOf(ConfigurationException.class);
    }

    @Test
    void shouldRejectKeysOfUnknownKinds()
    {
        final KeyRegistry registry = KeyRegistry.deterministic(SEED, 1, 0);

        assertThatThrownBy(() -> registry.macKey(PrincipalKind.NULL_VAL, 0, PrincipalKind.NODE, 0))
            .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> registry.addPublicKey(
            PrincipalKind.NULL_VAL, 0, registry.publicKey(PrincipalKind.NODE, 0)))
            .isInstanceOf(IllegalArgumentException.class);
    }

    static byte[] concat(final byte[] a, final byte[] b)
    {
        final byte[] result = new byte[a.length + b.length];
        System.arraycopy(a, 0, result, 0, a.length);
        System.arraycopy(b, 0, result, a.length, b.length);
        return result;
    }
}
