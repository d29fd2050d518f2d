package io.jmir.protocols.iss;

import io.jmir.engine.ConfigurationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.function.UnaryOperator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@Timeout(10)
class IssConfigTest
{
    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "nodeCount,0", "f,2", "maxBatchSize,0", "batchTimeoutNs,10", "segmentLength,0", "epochLength,7",
        "bucketCount,3", "clientCount,0", "clientWatermarkWindow,100", "epochWindow,0", "maxRequestBytes,-1"})
    void shouldNameTheInvalidParameter(final String key, final long value)
    {
        final UnaryOperator<IssConfig> set = switch (key)
        {
            case "nodeCount" -> c -> c.nodeCount((int)value);
            case "f" -> c -> c.f((int)value);
            case "maxBatchSize" -> c -> c.maxBatchSize((int)value);
            case "batchTimeoutNs" -> c -> c.batchTimeoutNs(value);
            case "segmentLength" -> c -> c.segmentLength((int)value);
            case "epochLength" -> c -> c.epochLength((int)value);
            case "bucketCount" -> c -> c.bucketCount((int)value);
            case "clientCount" -> c -> c.clientCount((int)value);
            case "clientWatermarkWindow" -> c -> c.clientWatermarkWindow((int)value);
            case "epochWindow" -> c -> c.epochWindow((int)value);
            default -> c -> c.maxRequestBytes((int)value);
        };
        assertThatThrownBy(() -> set.apply(new IssConfig().nodeCount(4)).conclude())
            .isInstanceOf(ConfigurationException.class)
            .satisfies(ex -> assertThat(((ConfigurationException)ex).key()).isEqualTo(key));
    }

    @Test
    void shouldDeriveDefaults()
    {
        final IssConfig config = new IssConfig().nodeCount(7).segmentLength(5).conclude();
        assertThat(config.f()).isEqualTo(2);
        assertThat(config.strongQuorum()).isEqualTo(5);
        assertThat(config.weakQuorum()).isEqualTo(3);
        assertThat(config.epochLength()).isEqualTo(35);
        assertThat(config.bucketCount()).isEqualTo(28);
    }

    @Test
    void shouldFailTheNodeBuildWhenTheProtocolDoesNotMatchTheNode()
    {
        assertThatThrownBy(() -> new IssModule(new IssConfig().nodeCount(4), 4))
            .isInstanceOf(ConfigurationException.class).hasMessageContaining("nodeId");
    }

    @Test
    void shouldRotateBucketsAcrossLeadersSoEveryLeaderGetsEveryBucket()
    {
        final int leaders = 4;
        for (int bucket = 0; bucket < 16; bucket++)
        {
            final boolean[] seen = new boolean[leaders];
            for (long epoch = 0; epoch < leaders; epoch++)
            {
                seen[Buckets.segmentOf(bucket, epoch, leaders)] = true;
            }
            assertThat(seen).containsOnly(true);
        }
        final int[] counts = new int[16];
        for (long r = 0; r < 16_000; r++)
        {
            counts[Buckets.bucketOf(r % 5, r / 5, 16)]++;
        }
        for (final int count : counts)
        {
            assertThat(count).isBetween(800, 1200);
        }
    }
}
