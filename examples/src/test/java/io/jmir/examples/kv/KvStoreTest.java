package io.jmir.examples.kv;

import io.jmir.protocols.testkit.AppHarness;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@Timeout(10)
class KvStoreTest
{
    private final KvStore store = new KvStore();
    private final AppHarness harness = new AppHarness(store);

    @Test
    void shouldPutGetDeleteAndCompareAndSet()
    {
        assertThat(KvCommands.status(harness.apply(KvCommands.get("a")))).isEqualTo(KvCommands.NOT_FOUND);
        assertThat(KvCommands.value(harness.apply(KvCommands.put("a", bytes("1"))))).isEmpty();
        assertThat(KvCommands.value(harness.apply(KvCommands.put("a", bytes("2"))))).isEqualTo(bytes("1"));
        assertThat(KvCommands.value(harness.apply(KvCommands.get("a")))).isEqualTo(bytes("2"));
        final byte[] failed = harness.apply(KvCommands.compareAndSet("a", bytes("1"), bytes("3")));
        assertThat(KvCommands.status(failed)).isEqualTo(KvCommands.CAS_FAILED);
        assertThat(KvCommands.value(failed)).isEqualTo(bytes("2"));
        assertThat(KvCommands.status(harness.apply(KvCommands.compareAndSet("a", bytes("2"), bytes("3")))))
            .isEqualTo(KvCommands.OK);
        assertThat(KvCommands.status(harness.apply(KvCommands.compareAndSet("b", null, bytes("x")))))
            .isEqualTo(KvCommands.OK);
        assertThat(KvCommands.status(harness.apply(KvCommands.compareAndSet("b", null, bytes("y")))))
            .isEqualTo(KvCommands.CAS_FAILED);
        assertThat(KvCommands.value(harness.apply(KvCommands.delete("a")))).isEqualTo(bytes("3"));
        assertThat(KvCommands.status(harness.apply(KvCommands.delete("a")))).isEqualTo(KvCommands.NOT_FOUND);
        assertThat(store.copyOfState()).containsOnlyKeys("b");
    }

    @Test
    void shouldAnswerBadCommandsWithoutChangingState()
    {
        harness.apply(KvCommands.put("k", bytes("v")));
        assertThat(KvCommands.status(harness.apply(new byte[]{9, 0, 0}))).isEqualTo(KvCommands.BAD_COMMAND);
        assertThat(KvCommands.status(harness.apply(new byte[]{1, 50, 0, 1}))).isEqualTo(KvCommands.BAD_COMMAND);
        assertThat(KvCommands.status(harness.apply(new byte[]{1}))).isEqualTo(KvCommands.BAD_COMMAND);
        assertThat(store.copyOfState()).containsOnlyKeys("k");
    }

    @Test
    void shouldRestoreFromSnapshotToAnIdenticalSnapshot()
    {
        for (int i = 0; i < 50; i++)
        {
            harness.apply(KvCommands.put("key" + (i % 13), bytes("value" + i)));
        }
        final byte[] snapshot = store.snapshot();
        final KvStore other = new KvStore();
        other.restore(snapshot);
        assertThat(other.snapshot()).isEqualTo(snapshot);
        assertThat(other.copyOfState()).containsOnlyKeys(store.copyOfState().keySet().toArray(new String[0]));
        assertThatThrownBy(() -> other.restore(new byte[]{1, 2, 3})).isInstanceOf(IllegalArgumentException.class);
        assertThat(other.snapshot()).as("a bad snapshot leaves the state unchanged").isEqualTo(snapshot);
    }

    private static byte[] bytes(final String s)
    {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
