package io.jmir.engine.modules.hasher;

import io.jmir.engine.modules.RecordingEmitter;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;

import java.util.List;

import static io.jmir.engine.modules.hasher.HasherModuleTest.HASHER;
import static io.jmir.engine.modules.hasher.HasherModuleTest.PROTOCOL;
import static io.jmir.engine.modules.hasher.HasherModuleTest.digests;
import static io.jmir.engine.modules.hasher.HasherModuleTest.hashRequest;
import static io.jmir.engine.modules.hasher.HasherModuleTest.sha256;
import static org.assertj.core.api.Assertions.assertThat;

class HasherModuleProperties
{
    @Property(tries = 200)
    void shouldMatchMessageDigestForAnyItems(@ForAll @Size(max = 20) final List<@Size(max = 2000) byte[]> items)
        throws Exception
    {
        final HasherModule module = new HasherModule();
        final RecordingEmitter out = new RecordingEmitter(HASHER);

        module.onEvent(hashRequest(PROTOCOL, items.size(), items).event(), out);

        final List<byte[]> digests = digests(out.takeOne());
        assertThat(digests).hasSize(items.size());
        for (int i = 0; i < items.size(); i++)
        {
            assertThat(digests.get(i)).isEqualTo(sha256(items.get(i)));
        }
    }
}
