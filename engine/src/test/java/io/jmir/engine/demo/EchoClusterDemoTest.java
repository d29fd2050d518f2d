package io.jmir.engine.demo;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

@Timeout(120)
class EchoClusterDemoTest
{
    @Test
    void shouldRunTheReadmeDemoAndReportAgreement() throws Exception
    {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        final boolean ok = EchoClusterDemo.run(4, 450, new PrintStream(bytes, true, StandardCharsets.UTF_8));
        final String output = bytes.toString(StandardCharsets.UTF_8);
        assertThat(ok).as(output).isTrue();
        assertThat(output).contains("OK: every node delivered every request exactly once; all nodes agree")
            .contains("1800 broadcasts delivered on 4 nodes");
    }
}
