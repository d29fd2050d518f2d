package io.jmir.engine.sim;

import io.jmir.codecs.engine.MessageHeaderEncoder;
import io.jmir.codecs.engine.SendMessageEncoder;
import io.jmir.engine.NodeCounters;
import io.jmir.engine.SubmitResult;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.ByteOrder;

import static org.assertj.core.api.Assertions.assertThat;

@Timeout(60)
class SimulationSubmitTest
{
    private static final long MS = 1_000_000L;

    @Test
    void shouldRejectAndCountMalformedSubmissionsAndKeepRunning()
    {
        final EchoCluster cluster = new EchoCluster(2, false, false, 0);
        try (Simulation sim = new Simulation(new Simulation.Context().seed(41).nodeCount(2).slotCapacity(1024),
            cluster))
        {
            final UnsafeBuffer valid = SimEvents.clientRequest(1, 1);
            final int length = valid.capacity();

            assertThat(sim.submit(0, "protocol", valid, 0, 7)).isEqualTo(SubmitResult.REJECTED);
            assertThat(sim.submit(0, "protocol", valid, 0, length + 1)).isEqualTo(SubmitResult.REJECTED);
            assertThat(sim.submit(0, "protocol", valid, -1, length)).isEqualTo(SubmitResult.REJECTED);
            assertThat(sim.submit(0, "nope", valid, 0, length)).isEqualTo(SubmitResult.REJECTED);
            assertThat(sim.submit(0, null, valid, 0, length)).isEqualTo(SubmitResult.REJECTED);
            assertThat(sim.submit(0, "protocol", null, 0, length)).isEqualTo(SubmitResult.REJECTED);

            final UnsafeBuffer unknownSchema = copy(valid);
            unknownSchema.putShort(4, (short)77, ByteOrder.LITTLE_ENDIAN);
            assertThat(sim.submit(0, "protocol", unknownSchema, 0, length)).isEqualTo(SubmitResult.REJECTED);

            final UnsafeBuffer unknownTemplate = copy(valid);
            unknownTemplate.putShort(2, (short)999, ByteOrder.LITTLE_ENDIAN);
            assertThat(sim.submit(0, "protocol", unknownTemplate, 0, length)).isEqualTo(SubmitResult.REJECTED);

            final UnsafeBuffer badBlockLength = copy(valid);
            badBlockLength.putShort(0, (short)4000, ByteOrder.LITTLE_ENDIAN);
            assertThat(sim.submit(0, "protocol", badBlockLength, 0, length)).isEqualTo(SubmitResult.REJECTED);

            final UnsafeBuffer tooLarge = new UnsafeBuffer(new byte[2048]);
            tooLarge.putBytes(0, valid, 0, length);
            assertThat(sim.submit(0, "protocol", tooLarge, 0, 2048)).isEqualTo(SubmitResult.REJECTED);

            assertThat(sim.counters(0).get(NodeCounters.Counter.SUBMIT_REJECTED)).isEqualTo(10);

            assertThat(sim.submit(0, "protocol", valid, 0, length)).isEqualTo(SubmitResult.ACCEPTED);
            assertThat(sim.runUntil(() -> cluster.protocols[0].completed() == 1, 100 * MS)).isTrue();
            assertThat(sim.failures()).isEmpty();

            sim.crash(1);
            assertThat(sim.submit(1, "protocol", valid, 0, length)).isEqualTo(SubmitResult.REJECTED);
            assertThat(sim.counters(1).get(NodeCounters.Counter.SUBMIT_REJECTED)).isEqualTo(1);
        }
    }

    @Test
    void shouldCountASendMessageWhoseBodyDoesNotDecodeWithoutFailingTheNetModule()
    {
        final EchoCluster cluster = new EchoCluster(2, false, false, 0);
        try (Simulation sim = new Simulation(new Simulation.Context().seed(42).nodeCount(2), cluster))
        {
            final UnsafeBuffer buffer = new UnsafeBuffer(new byte[64]);
            final SendMessageEncoder encoder = new SendMessageEncoder()
                .wrapAndApplyHeader(buffer, 0, new MessageHeaderEncoder()).destinationModule(1);
            encoder.destinationsCount(1).next().nodeId(1);
            encoder.putMessage(new byte[] {1, 2, 3}, 0, 3);
            final int length = MessageHeaderEncoder.ENCODED_LENGTH + encoder.encodedLength();
            // claim 5000 destinations in a 33-byte message
            buffer.putShort(MessageHeaderEncoder.ENCODED_LENGTH + SendMessageEncoder.BLOCK_LENGTH + 2, (short)5000,
                ByteOrder.LITTLE_ENDIAN);

            assertThat(sim.submit(0, "net", buffer, 0, length)).isEqualTo(SubmitResult.ACCEPTED);
            sim.runUntil(sim::isIdle, 100 * MS);

            assertThat(sim.network().dropped(SimNetwork.DropReason.MALFORMED)).isEqualTo(1);
            assertThat(sim.network().sent()).isZero();
            assertThat(sim.failures()).isEmpty();
            assertThat(sim.isRunning(0)).isTrue();
        }
    }

    @Test
    void shouldCountMessagesToUnknownNodesAndModules()
    {
        final EchoCluster cluster = new EchoCluster(2, false, false, 0);
        try (Simulation sim = new Simulation(new Simulation.Context().seed(43).nodeCount(2), cluster))
        {
            submitSend(sim, 9, 1);
            submitSend(sim, 1, 40);
            sim.runUntil(sim::isIdle, 100 * MS);

            assertThat(sim.network().dropped(SimNetwork.DropReason.UNKNOWN_NODE)).isEqualTo(1);
            assertThat(sim.network().dropped(SimNetwork.DropReason.UNKNOWN_MODULE)).isEqualTo(1);
            assertThat(sim.failures()).isEmpty();
        }
    }

    private static void submitSend(final Simulation sim, final int toNode, final int toModule)
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[64]);
        final SendMessageEncoder encoder = new SendMessageEncoder()
            .wrapAndApplyHeader(buffer, 0, new MessageHeaderEncoder()).destinationModule(toModule);
        encoder.destinationsCount(1).next().nodeId(toNode);
        encoder.putMessage(new byte[] {1, 2, 3}, 0, 3);
        assertThat(sim.submit(0, "net", buffer, 0, MessageHeaderEncoder.ENCODED_LENGTH + encoder.encodedLength()))
            .isEqualTo(SubmitResult.ACCEPTED);
    }

    private static UnsafeBuffer copy(final UnsafeBuffer source)
    {
        final UnsafeBuffer copy = new UnsafeBuffer(new byte[source.capacity()]);
        copy.putBytes(0, source, 0, source.capacity());
        return copy;
    }
}
