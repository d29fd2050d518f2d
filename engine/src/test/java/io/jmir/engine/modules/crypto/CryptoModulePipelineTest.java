package io.jmir.engine.modules.crypto;

import io.jmir.codecs.EngineEvents;
import io.jmir.codecs.engine.BooleanType;
import io.jmir.codecs.engine.MessageHeaderEncoder;
import io.jmir.codecs.engine.PrincipalKind;
import io.jmir.codecs.engine.Scheme;
import io.jmir.codecs.engine.VerifyRequestEncoder;
import io.jmir.codecs.engine.VerifyResultDecoder;
import io.jmir.engine.Emitter;
import io.jmir.engine.Event;
import io.jmir.engine.EventBuilder;
import io.jmir.engine.IdleMode;
import io.jmir.engine.Module;
import io.jmir.engine.ModuleContext;
import io.jmir.engine.Node;
import io.jmir.engine.NodeDefinition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The crypto module with worker threads inside the pipeline runtime: results come back from the module's own
 * stage (polled while work is in flight), in request order.
 */
@Timeout(60)
class CryptoModulePipelineTest
{
    private static final int REQUESTS = 60;
    private static final int ITEMS = 3;

    /** Sends REQUESTS VerifyRequests on Init; item j of request i is forged when (i + j) % 4 == 0. */
    private static final class Requester implements Module
    {
        final List<Long> correlationIds = new ArrayList<>();
        final List<Boolean> allValid = new ArrayList<>();
        final List<List<Boolean>> valid = new ArrayList<>();
        final CountDownLatch done = new CountDownLatch(REQUESTS);
        private final KeyRegistry registry;
        private final VerifyRequestEncoder request = new VerifyRequestEncoder();
        private final MessageHeaderEncoder header = new MessageHeaderEncoder();
        private final VerifyResultDecoder result = new VerifyResultDecoder();
        private int cryptoId;

        Requester(final KeyRegistry registry)
        {
            this.registry = registry;
        }

        @Override
        public void onAttach(final ModuleContext context)
        {
            cryptoId = context.moduleId("crypto");
        }

        @Override
        public void onEvent(final Event event, final Emitter emitter)
        {
            if (event.templateId() == EngineEvents.INIT)
            {
                for (int i = 0; i < REQUESTS; i++)
                {
                    send(emitter, i);
                }
            }
            else if (event.templateId() == EngineEvents.VERIFY_RESULT)
            {
                event.decode(result);
                synchronized (this)
                {
                    correlationIds.add(result.correlationId());
                    allValid.add(result.allValid() == BooleanType.TRUE);
                    final List<Boolean> items = new ArrayList<>();
                    for (final VerifyResultDecoder.ResultsDecoder item : result.results())
                    {
                        items.add(item.valid() == BooleanType.TRUE);
                    }
                    valid.add(items);
                }
                done.countDown();
            }
        }

        private void send(final Emitter emitter, final int i)
        {
            final EventBuilder b = emitter.event(cryptoId);
            final VerifyRequestEncoder.ItemsEncoder items = request
                .wrapAndApplyHeader(b.buffer(), b.payloadOffset(), header)
                .correlationId(i)
                .itemsCount(ITEMS);
            for (int j = 0; j < ITEMS; j++)
            {
                final byte[] message = ("message " + i + "/" + j).getBytes(StandardCharsets.US_ASCII);
                final byte[] signature = CryptoTestSupport.ed25519(registry, PrincipalKind.CLIENT, j, message);
                if ((i + j) % 4 == 0)
                {
                    signature[10] ^= 1;
                }
                items.next().scheme(Scheme.ED25519).principalKind(PrincipalKind.CLIENT).principalId(j)
                    .putMessage(message, 0, message.length).putSignature(signature, 0, signature.length);
            }
            b.payload(request).commit();
        }
    }

    @Test
    void shouldAnswerInRequestOrderFromWorkerThreads() throws Exception
    {
        final KeyRegistry registry = KeyRegistry.deterministic(5L, 1, ITEMS);
        final CryptoModule crypto = new CryptoModule(registry).workers(2).maxInFlight(8);
        final Requester requester = new Requester(registry);
        final NodeDefinition definition = new NodeDefinition(0, 1)
            .module("crypto", crypto)
            .module("requester", requester);

        try (Node node = Node.launch(definition, new Node.Context().sharedThread(IdleMode.BLOCKING)))
        {
            assertThat(requester.done.await(30, TimeUnit.SECONDS)).isTrue();
            assertThat(node.failure()).isNull();
        }

        assertThat(crypto.workersStopped()).isTrue();
        synchronized (requester)
        {
            for (int i = 0; i < REQUESTS; i++)
            {
                assertThat(requester.correlationIds.get(i)).isEqualTo(i);
                final List<Boolean> expected = new ArrayList<>();
                for (int j = 0; j < ITEMS; j++)
                {
                    expected.add((i + j) % 4 != 0);
                }
                assertThat(requester.valid.get(i)).as("request %d", i).isEqualTo(expected);
                assertThat(requester.allValid.get(i)).isEqualTo(!expected.contains(false));
            }
        }
    }
}
