package io.jmir.cli;

import io.jmir.cli.cat.RecordPrinter;
import io.jmir.cli.decode.SbeDecoder;
import io.jmir.cli.replay.ReplayResult;
import io.jmir.cli.replay.Replayer;
import io.jmir.engine.Module;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.lang.reflect.Constructor;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Supplier;

/**
 * {@code jmir replay}: feed one module's recorded input events (from one node's event log) into fresh instances
 * of the module and check that it emits exactly the recorded outputs; print the first divergence, both versions
 * decoded. Exit code 0 when it matches, 1 on divergence, 2 on errors. See {@link Replayer} for the matching
 * rules.
 * <p>
 * <b>Threading:</b> runs on the calling thread.
 */
@Command(name = "replay", mixinStandardHelpOptions = true,
    description = "Replay a module from an event log and compare its outputs with the recorded ones.")
public final class ReplayCommand implements Callable<Integer>
{
    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "EVENTS_DIR", description = "The node's event log (data/node-N/events).")
    private Path eventLog;

    @Option(names = "--module", required = true, paramLabel = "NAME", description = "Module to replay.")
    private String moduleName;

    @Option(names = "--module-class", required = true, paramLabel = "CLASS",
        description = "Module class (on the classpath) with a public no-argument constructor, or a constructor " +
        "taking the --arg values as Strings (or a String[]).")
    private String moduleClass;

    @Option(names = "--arg", paramLabel = "VALUE", description = "Constructor arguments for --module-class.")
    private List<String> args = new ArrayList<>();

    @Option(names = "--schema", paramLabel = "XML", description = "Extra SBE schema files to decode with.")
    private List<Path> schemas = new ArrayList<>();

    @Override
    public Integer call() throws ReflectiveOperationException
    {
        final PrintWriter out = spec.commandLine().getOut();
        final Supplier<Module> factory = factory(Class.forName(moduleClass), args.toArray(new String[0]));
        factory.get();
        final RecordPrinter printer = new RecordPrinter(new SbeDecoder(schemas), false);
        final ReplayResult result = new Replayer(eventLog, moduleName, factory, printer).run();
        out.printf("replayed module '%s' of %s: %d session(s), %d input events, %d recorded outputs, " +
            "%d matched, %d unconfirmed (past the end of the log)%n", moduleName, eventLog, result.sessions(),
            result.inputs(), result.recordedOutputs(), result.matched(), result.unconfirmed());
        if (result.matches())
        {
            out.println("OK: the module reproduced every recorded output");
            out.flush();
            return 0;
        }
        out.println("DIVERGENCE: " + result.divergence());
        out.flush();
        return 1;
    }

    static Supplier<Module> factory(final Class<?> type, final String[] values) throws ReflectiveOperationException
    {
        if (!Module.class.isAssignableFrom(type))
        {
            throw new IllegalArgumentException(type.getName() + " does not implement " + Module.class.getName());
        }
        Constructor<?> chosen = null;
        Object[] arguments = null;
        for (final Constructor<?> constructor : type.getConstructors())
        {
            final Class<?>[] parameters = constructor.getParameterTypes();
            if (parameters.length == values.length &&
                java.util.Arrays.stream(parameters).allMatch((p) -> p == String.class))
            {
                chosen = constructor;
                arguments = values.clone();
            }
        }
        for (final Constructor<?> constructor : type.getConstructors())
        {
            final Class<?>[] parameters = constructor.getParameterTypes();
            if (chosen == null && parameters.length == 1 && parameters[0] == String[].class)
            {
                chosen = constructor;
                arguments = new Object[]{ values.clone() };
            }
        }
        if (chosen == null)
        {
            throw new IllegalArgumentException(type.getName() + " has no public constructor taking " + values.length +
                " String argument(s) or a String[]");
        }
        final Constructor<?> constructor = chosen;
        final Object[] constructorArguments = arguments;
        return () ->
        {
            try
            {
                return (Module)constructor.newInstance(constructorArguments.clone());
            }
            catch (final ReflectiveOperationException ex)
            {
                throw new IllegalStateException("cannot create " + type.getName() + ": " + ex, ex);
            }
        };
    }
}
