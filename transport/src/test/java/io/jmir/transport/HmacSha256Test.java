package io.jmir.transport;

import com.sun.management.ThreadMXBean;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.lang.management.ManagementFactory;
import java.util.concurrent.ThreadLocalRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class HmacSha256Test
{
    @Property(tries = 300)
    void shouldMatchJavaxCryptoMac(
        @ForAll @Size(min = 1, max = 200) final byte[] key, @ForAll @Size(max = 3000) final byte[] data)
        throws Exception
    {
        final Mac reference = Mac.getInstance("HmacSHA256");
        reference.init(new SecretKeySpec(key, "HmacSHA256"));
        final byte[] expected = reference.doFinal(data);

        final HmacSha256 hmac = new HmacSha256(key);
        final byte[] actual = new byte[40];
        hmac.compute(data, 0, data.length, actual, 4);
        hmac.compute(data, 0, data.length, actual, 4);

        final byte[] mac = new byte[32];
        System.arraycopy(actual, 4, mac, 0, 32);
        assertThat(mac).isEqualTo(expected);
        assertThat(hmac.verify(data, 0, data.length, expected, 0)).isTrue();
    }

    @Test
    void shouldRejectAnyAlteredMacOrData()
    {
        final byte[] key = TestSupport.randomSecret();
        final byte[] data = new byte[100];
        ThreadLocalRandom.current().nextBytes(data);
        final HmacSha256 hmac = new HmacSha256(key);
        final byte[] mac = new byte[32];
        hmac.compute(data, 0, data.length, mac, 0);

        for (int bit = 0; bit < 32 * 8; bit++)
        {
            mac[bit / 8] ^= (byte)(1 << (bit % 8));
            assertThat(hmac.verify(data, 0, data.length, mac, 0)).isFalse();
            mac[bit / 8] ^= (byte)(1 << (bit % 8));
        }
        for (int bit = 0; bit < data.length * 8; bit += 7)
        {
            data[bit / 8] ^= (byte)(1 << (bit % 8));
            assertThat(hmac.verify(data, 0, data.length, mac, 0)).isFalse();
            data[bit / 8] ^= (byte)(1 << (bit % 8));
        }
        assertThat(hmac.verify(data, 0, data.length, mac, 0)).isTrue();
        assertThat(new HmacSha256(TestSupport.randomSecret()).verify(data, 0, data.length, mac, 0)).isFalse();
    }

    @Test
    void shouldStayCorrectAfterAFailedComputation() throws Exception
    {
        final byte[] key = TestSupport.randomSecret();
        final byte[] data = new byte[100];
        ThreadLocalRandom.current().nextBytes(data);
        final Mac reference = Mac.getInstance("HmacSHA256");
        reference.init(new SecretKeySpec(key, "HmacSHA256"));
        final byte[] expected = reference.doFinal(data);
        final HmacSha256 hmac = new HmacSha256(key);
        final byte[] mac = new byte[32];

        assertThatThrownBy(() -> hmac.compute(data, 50, 100, mac, 0)).isInstanceOf(RuntimeException.class);
        assertThatThrownBy(() -> hmac.compute(data, 0, data.length, new byte[16], 0))
            .isInstanceOf(RuntimeException.class);

        hmac.compute(data, 0, data.length, mac, 0);
        assertThat(mac).isEqualTo(expected);
    }

    @Test
    @Timeout(30)
    void shouldNotAllocateWhenComputingOrVerifying()
    {
        final HmacSha256 hmac = new HmacSha256(TestSupport.randomSecret());
        final byte[] data = new byte[1024];
        final byte[] mac = new byte[32];
        for (int i = 0; i < 50_000; i++)
        {
            hmac.compute(data, 0, 64 + (i & 511), mac, 0);
            hmac.verify(data, 0, 64 + (i & 511), mac, 0);
        }
        final ThreadMXBean threads = (ThreadMXBean)ManagementFactory.getThreadMXBean();
        final long threadId = Thread.currentThread().getId();
        final long before = threads.getThreadAllocatedBytes(threadId);
        boolean allValid = true;
        for (int i = 0; i < 20_000; i++)
        {
            hmac.compute(data, 0, 64 + (i & 511), mac, 0);
            allValid &= hmac.verify(data, 0, 64 + (i & 511), mac, 0);
        }
        final long allocated = threads.getThreadAllocatedBytes(threadId) - before;
        assertThat(allValid).isTrue();
        assertThat(allocated).as("bytes allocated for 40,000 MAC operations").isLessThan(4096);
    }
}
