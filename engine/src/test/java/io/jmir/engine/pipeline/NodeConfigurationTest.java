package io.jmir.engine.pipeline;

import io.jmir.engine.ConfigurationException;
import io.jmir.engine.Emitter;
import io.jmir.engine.Event;
import io.jmir.engine.IdleMode;
import io.jmir.engine.Module;
import io.jmir.engine.ModuleContext;
import io.jmir.engine.Node;
import io.jmir.engine.NodeDefinition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

@Timeout(30)
class NodeConfigurationTest
{
    private static final Module NOOP = (event, emitter) -> { };

    private static NodeDefinition twoModules()
    {
        return new NodeDefinition(0, 1).module("protocol", NOOP).module("net", (Event event, Emitter emitter) -> { });
    }

    @Test
    void shouldNameRingSizeWhenNotPowerOfTwo()
    {
        assertThatThrownBy(() -> Node.launch(twoModules(), new Node.Context().ringSize(1000)))
            .isInstanceOf(ConfigurationException.class)
            .hasMessageStartingWith("ringSize:").hasMessageContaining("1000");
        assertThatThrownBy(() -> Node.launch(twoModules(), new Node.Context().ringSize("protocol", 6)))
            .isInstanceOf(ConfigurationException.class).hasMessageStartingWith("ringSize[protocol]:");
    }

    @Test
    void shouldNameUnknownModuleInThreadAssignmentAndOverrides()
    {
        assertThatThrownBy(() -> Node.launch(twoModules(),
            new Node.Context().thread("io", IdleMode.BLOCKING, -1, "net", "wal")))
            .isInstanceOf(ConfigurationException.class)
            .hasMessageStartingWith("threads[io].modules:").hasMessageContaining("'wal'");
        assertThatThrownBy(() -> Node.launch(twoModules(), new Node.Context().slotCapacity("nope", 4096)))
            .isInstanceOf(ConfigurationException.class).hasMessageStartingWith("slotCapacity[nope]:");
    }

    @Test
    void shouldNameCpuOutOfRange()
    {
        assertThatThrownBy(() -> Node.launch(twoModules(),
            new Node.Context().availableCpus(2).thread("io", IdleMode.BLOCKING, 5, "net")))
            .isInstanceOf(ConfigurationException.class)
            .hasMessageStartingWith("threads[io].cpu:").hasMessageContaining("2 CPUs");
    }

    @Test
    void shouldNameModuleAssignedTwiceAndBadSlotCapacity()
    {
        assertThatThrownBy(() -> Node.launch(twoModules(), new Node.Context()
            .thread("a", IdleMode.BLOCKING, -1, "net").thread("b", IdleMode.BLOCKING, -1, "net")))
            .isInstanceOf(ConfigurationException.class).hasMessageStartingWith("threads[b].modules:");
        assertThatThrownBy(() -> Node.launch(twoModules(), new Node.Context().slotCapacity(8)))
            .isInstanceOf(ConfigurationException.class).hasMessageStartingWith("slotCapacity:");
    }

    @Test
    void shouldNameUnknownRouteWhenModuleResolvesMissingModule()
    {
        final Module router = new Module()
        {
            @Override
            public void onAttach(final ModuleContext context)
            {
                context.moduleId("hasher");
            }

            @Override
            public void onEvent(final Event event, final Emitter emitter)
            {
            }
        };
        assertThatThrownBy(() -> Node.launch(new NodeDefinition(0, 1).module("protocol", router), new Node.Context()))
            .isInstanceOf(ConfigurationException.class)
            .hasMessageStartingWith("modules[hasher]:").hasMessageContaining("'protocol' routes to module 'hasher'");
    }

    @Test
    void shouldNameInvalidNodeDefinition()
    {
        assertThatThrownBy(() -> new NodeDefinition(4, 4)).isInstanceOf(ConfigurationException.class)
            .hasMessageStartingWith("nodeId:");
        assertThatThrownBy(() -> new NodeDefinition(0, 1).module("a", NOOP).module("a", NOOP))
            .isInstanceOf(ConfigurationException.class).hasMessageStartingWith("modules[a]:");
        assertThatThrownBy(() -> new NodeDefinition(0, 1).module("bad name", NOOP))
            .isInstanceOf(ConfigurationException.class);
    }
}
