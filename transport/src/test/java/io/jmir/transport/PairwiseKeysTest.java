package io.jmir.transport;

import org.junit.jupiter.api.Test;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class PairwiseKeysTest
{
    @Test
    void shouldFollowTheDocumentedDerivation() throws Exception
    {
        final byte[] secret = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
        final Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(secret, "HmacSHA256"));
        mac.update("jmir-transport-pairwise-key-v1".getBytes(StandardCharsets.US_ASCII));
        mac.update(new byte[]{ 7, 0, 0, 0, 1, 0, 0, 0, 3, 0, 0, 0 });

        assertThat(PairwiseKeys.derive(secret, 7, 3, 1)).isEqualTo(mac.doFinal()).hasSize(32);
    }

    @Test
    void shouldBeSymmetricAndDistinctPerPairClusterAndSecret()
    {
        final byte[] secret = TestSupport.randomSecret();
        assertThat(PairwiseKeys.derive(secret, 1, 0, 2)).isEqualTo(PairwiseKeys.derive(secret, 1, 2, 0));
        assertThat(PairwiseKeys.derive(secret, 1, 0, 2)).isNotEqualTo(PairwiseKeys.derive(secret, 1, 0, 3));
        assertThat(PairwiseKeys.derive(secret, 1, 0, 2)).isNotEqualTo(PairwiseKeys.derive(secret, 2, 0, 2));
        assertThat(PairwiseKeys.derive(secret, 1, 0, 2))
            .isNotEqualTo(PairwiseKeys.derive(TestSupport.randomSecret(), 1, 0, 2));
    }
}
