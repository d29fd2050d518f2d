package io.jmir.protocols.architecture;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

/**
 * The protocol modules stay pure (DESIGN.md sections 2 and 4): no transport, journal, Aeron or Chronicle, no
 * pipeline runtime, and no source of non-determinism — clocks, threads, randomness, files or sockets.
 */
class ProtocolRulesTest
{
    private static final JavaClasses PROTOCOLS = new ClassFileImporter()
        .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
        .importPackages("io.jmir.protocols");

    @Test
    void shouldNotDependOnRuntimesTransportOrJournal()
    {
        noClasses().that().resideInAPackage("io.jmir.protocols..")
            .should().dependOnClassesThat().resideInAnyPackage("io.aeron..", "net.openhft..", "io.jmir.transport..",
                "io.jmir.journal..", "io.jmir.cli..", "io.jmir.engine.pipeline..", "io.jmir.engine.sim..",
                "com.lmax.disruptor..")
            .check(PROTOCOLS);
    }

    @Test
    void shouldStayDeterministic()
    {
        noClasses().that().resideInAPackage("io.jmir.protocols..")
            .should().callMethod(System.class, "nanoTime")
            .orShould().callMethod(System.class, "currentTimeMillis")
            .orShould().dependOnClassesThat().resideInAnyPackage("java.io..", "java.nio.file..", "java.net..",
                "java.util.concurrent..", "java.time..")
            .orShould().dependOnClassesThat().belongToAnyOf(Thread.class, java.util.Random.class,
                java.util.SplittableRandom.class)
            .check(PROTOCOLS);
    }
}
