package io.jmir.engine.architecture;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

/**
 * The dependency rule of DESIGN.md section 4 at class level (the enforcer rule in the poms checks it at
 * artifact level): the engine and codecs never touch transport, journal, CLI, Aeron or Chronicle, and the
 * engine's public API does not reach into runtime internals.
 */
class DependencyRuleTest
{
    private static final JavaClasses ENGINE = new ClassFileImporter()
        .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
        .importPackages("io.jmir.engine", "io.jmir.codecs");

    @Test
    void shouldNotDependOnTransportJournalAeronOrChronicle()
    {
        final ArchRule rule = noClasses().that().resideInAnyPackage("io.jmir.engine..", "io.jmir.codecs..")
            .should().dependOnClassesThat()
            .resideInAnyPackage("io.aeron..", "net.openhft.chronicle..", "io.jmir.transport..", "io.jmir.journal..",
                "io.jmir.cli..", "io.jmir.protocols..", "io.jmir.examples..");
        rule.check(ENGINE);
    }

    @Test
    void shouldKeepCodecsIndependentOfEngine()
    {
        noClasses().that().resideInAPackage("io.jmir.codecs..")
            .should().dependOnClassesThat().resideInAPackage("io.jmir.engine..")
            .check(ENGINE);
    }

    @Test
    void shouldKeepSimulationIndependentOfPipelineRuntime()
    {
        noClasses().that().resideInAPackage("io.jmir.engine.sim..")
            .should().dependOnClassesThat().resideInAnyPackage("io.jmir.engine.pipeline..", "com.lmax.disruptor..")
            .allowEmptyShould(true)
            .check(ENGINE);
    }
}
