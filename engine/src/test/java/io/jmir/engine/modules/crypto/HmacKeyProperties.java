package io.jmir.engine.modules.crypto;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import static org.assertj.core.api.Assertions.assertThat;

class HmacKeyProperties
{
    @Property(tries = 300)
    void shouldMatchTheJdkHmacSha256(
        @ForAll @Size(min = 1, max = 200) final byte[] key, @ForAll @Size(max = 3000) final byte[] message)
        throws Exception
    {
        final Mac jdk = Mac.getInstance("HmacSHA256");
        jdk.init(new SecretKeySpec(key, "HmacSHA256"));
        final byte[] expected = jdk.doFinal(message);
        final HmacKey hmacKey = new HmacKey(key);
        final HmacKey.Mac mac = new HmacKey.Mac();
        final byte[] actual = new byte[40];

        mac.compute(hmacKey, message, 0, message.length, actual, 8);

        final byte[] window = new byte[32];
        System.arraycopy(actual, 8, window, 0, 32);
        assertThat(window).isEqualTo(expected);
        assertThat(mac.verify(hmacKey, message, 0, message.length, expected, 0, 32)).isTrue();
        expected[message.length % 32] ^= 1;
        assertThat(mac.verify(hmacKey, message, 0, message.length, expected, 0, 32)).isFalse();
        assertThat(mac.verify(hmacKey, message, 0, message.length, expected, 0, 31)).isFalse();
    }
}
