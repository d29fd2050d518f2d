package io.jmir.engine.sim;

import io.jmir.engine.ConfigurationException;

import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Runs a simulation scenario over many seeds and turns a failure into a message that says how to reproduce
 * it. A scenario is {@code (seed) -> void}: it builds a {@link Simulation} with that seed, drives it and
 * asserts; any exception or assertion error fails the run with an {@link AssertionError} whose message holds
 * the seed and a one-line command re-running only that test with only that seed, e.g.
 * <pre>
 *   simulation failed with seed 17 (seed 17 of 1..50): expected all nodes to agree ...
 *   reproduce: mvn -B -pl engine -am test -Dtest=EchoSimulationTest#shouldAgree -Djmir.sim.seed=17 ...
 * </pre>
 * The message is also printed to {@code System.err} so that it shows next to the scenario's own output.
 * <p>
 * Seeds, by system property (Maven passes {@code -D} user properties to the tests it forks):
 * <ul>
 *   <li>{@value #SEED_PROPERTY}: run only this seed (the reproduce command sets it);</li>
 *   <li>{@value #SEEDS_PROPERTY}: how many seeds (default given by the caller), from
 *   {@value #FIRST_SEED_PROPERTY} (default {@value #DEFAULT_FIRST_SEED}) upwards, so that CI runs the same
 *   seeds every time and a larger count explores further.</li>
 * </ul>
 * The test class and method of the reproduce command are taken from the caller ({@link #forCaller(int)}: the
 * nearest calling method annotated as a test — JUnit's {@code @Test}, {@code @ParameterizedTest}, ... or
 * jqwik's {@code @Property}/{@code @Example} — else the nearest caller that is neither a lambda nor
 * framework code) or given ({@link #forTest(Class, String, int)});
 * the Maven module ({@code -pl}) is derived from where the test class was loaded from
 * ({@code <module>/target/test-classes}) or given with {@link #mavenModule(String)}.
 * <p>
 * <b>Threading:</b> a runner is used by one thread; scenarios run one after another on the calling thread.
 */
public final class SimulationRunner
{
    /** System property: run only this seed. */
    public static final String SEED_PROPERTY = "jmir.sim.seed";
    /** System property: how many seeds to run. */
    public static final String SEEDS_PROPERTY = "jmir.sim.seeds";
    /** System property: the first of the seeds to run. */
    public static final String FIRST_SEED_PROPERTY = "jmir.sim.firstSeed";
    /** First seed when {@value #FIRST_SEED_PROPERTY} is not set. */
    public static final long DEFAULT_FIRST_SEED = 1;

    /**
     * A simulation run for one seed. Throws (typically an assertion error) when the run is wrong.
     */
    @FunctionalInterface
    public interface Scenario
    {
        /**
         * @param seed to build the simulation with.
         * @throws Exception when the run fails.
         */
        void run(long seed) throws Exception;
    }

    private static final Set<String> TEST_ANNOTATIONS = Set.of(
        "Test", "ParameterizedTest", "RepeatedTest", "TestFactory", "TestTemplate", "Property", "Example");
    private static final List<String> FRAMEWORK_PACKAGES = List.of(
        "java.", "javax.", "jdk.", "sun.", "org.junit.", "org.assertj.", "org.opentest4j.", "net.jqwik.",
        "org.apache.maven.");

    private final String testClass;
    private final String testMethod;
    private String mavenModule;
    private long firstSeed;
    private int seedCount;
    private boolean single;

    private SimulationRunner(
        final String testClass, final String testMethod, final String mavenModule, final int defaultSeedCount)
    {
        if (defaultSeedCount < 1)
        {
            throw new ConfigurationException("defaultSeedCount", "must be at least 1, was " + defaultSeedCount);
        }
        this.testClass = testClass;
        this.testMethod = testMethod;
        this.mavenModule = mavenModule;
        this.firstSeed = longProperty(FIRST_SEED_PROPERTY, DEFAULT_FIRST_SEED);
        this.seedCount = (int)Math.min(Integer.MAX_VALUE, longProperty(SEEDS_PROPERTY, defaultSeedCount));
        if (seedCount < 1)
        {
            throw new ConfigurationException(SEEDS_PROPERTY, "must be at least 1, was " + seedCount);
        }
        final String only = System.getProperty(SEED_PROPERTY);
        if (only != null && !only.isBlank())
        {
            this.firstSeed = longProperty(SEED_PROPERTY, 0);
            this.seedCount = 1;
            this.single = true;
        }
    }

    /**
     * Run a scenario for every seed; the reproduce command names the calling test.
     *
     * @param defaultSeedCount seeds to run when {@value #SEEDS_PROPERTY} is not set.
     * @param scenario         to run.
     * @return number of seeds run.
     * @throws AssertionError with the seed and the reproduce command at the first failing seed.
     */
    public static int run(final int defaultSeedCount, final Scenario scenario)
    {
        return forCaller(defaultSeedCount).run(scenario);
    }

    /**
     * A runner whose reproduce command names the calling test class and method.
     *
     * @param defaultSeedCount seeds to run when {@value #SEEDS_PROPERTY} is not set.
     * @return the runner, seeds taken from the system properties.
     */
    public static SimulationRunner forCaller(final int defaultSeedCount)
    {
        final List<StackWalker.StackFrame> frames = StackWalker.getInstance(
            StackWalker.Option.RETAIN_CLASS_REFERENCE).walk((stream) -> stream
            .filter((f) -> f.getDeclaringClass() != SimulationRunner.class)
            .collect(Collectors.toList()));
        final StackWalker.StackFrame frame = frames.stream()
            .filter(SimulationRunner::isTestMethod)
            .findFirst()
            .or(() -> frames.stream().filter(SimulationRunner::isUserFrame).findFirst())
            .orElseThrow(() -> new IllegalStateException("no caller outside SimulationRunner"));
        return forTest(frame.getDeclaringClass(), frame.getMethodName(), defaultSeedCount);
    }

    /**
     * A runner whose reproduce command names a given test.
     *
     * @param testClass        class holding the test.
     * @param testMethod       test method name.
     * @param defaultSeedCount seeds to run when {@value #SEEDS_PROPERTY} is not set.
     * @return the runner, seeds taken from the system properties.
     */
    public static SimulationRunner forTest(
        final Class<?> testClass, final String testMethod, final int defaultSeedCount)
    {
        final String name = testClass.getName();
        final int dot = name.lastIndexOf('.');
        return new SimulationRunner(
            dot < 0 ? name : name.substring(dot + 1), testMethod, mavenModuleOf(testClass).orElse(null),
            defaultSeedCount);
    }

    /**
     * Run these seeds whatever the system properties say.
     *
     * @param firstSeed first seed.
     * @param count     number of seeds, at least 1.
     * @return this.
     */
    public SimulationRunner seeds(final long firstSeed, final int count)
    {
        if (count < 1)
        {
            throw new IllegalArgumentException("count must be at least 1: " + count);
        }
        this.firstSeed = firstSeed;
        this.seedCount = count;
        this.single = false;
        return this;
    }

    /**
     * Run only this seed whatever the system properties say.
     *
     * @param seed to run.
     * @return this.
     */
    public SimulationRunner onlySeed(final long seed)
    {
        this.firstSeed = seed;
        this.seedCount = 1;
        this.single = true;
        return this;
    }

    /**
     * @param module Maven module path for {@code -pl} (e.g. {@code protocols}); null or empty for none.
     * @return this.
     */
    public SimulationRunner mavenModule(final String module)
    {
        this.mavenModule = module == null || module.isBlank() ? null : module;
        return this;
    }

    /**
     * @return the seeds this runner runs, in order.
     */
    public long[] seeds()
    {
        final long[] seeds = new long[seedCount];
        for (int i = 0; i < seedCount; i++)
        {
            seeds[i] = firstSeed + i;
        }
        return seeds;
    }

    /**
     * @param seed a failing seed.
     * @return the one-line command re-running only this test with only this seed.
     */
    public String reproduceCommand(final long seed)
    {
        final String test = testClass + "#" + testMethod;
        return "mvn -B " + (mavenModule != null ? "-pl " + mavenModule + " -am " : "") + "test " +
            (test.indexOf('$') >= 0 ? "'-Dtest=" + test + "'" : "-Dtest=" + test) +
            " -D" + SEED_PROPERTY + "=" + seed + " -Dsurefire.failIfNoSpecifiedTests=false";
    }

    /**
     * Run the scenario for every seed, stopping at the first failure.
     *
     * @param scenario to run.
     * @return number of seeds run.
     * @throws AssertionError with the seed and the reproduce command when a seed fails.
     */
    public int run(final Scenario scenario)
    {
        final long[] seeds = seeds();
        for (int i = 0; i < seeds.length; i++)
        {
            final long seed = seeds[i];
            try
            {
                scenario.run(seed);
            }
            catch (final Throwable ex)
            {
                final String message = "simulation failed with seed " + seed +
                    (single ? "" : " (seed " + (i + 1) + " of " + seeds.length + ", seeds " + firstSeed + ".." +
                    (firstSeed + seeds.length - 1) + ")") + ": " + ex + System.lineSeparator() +
                    "reproduce: " + reproduceCommand(seed);
                System.err.println(message);
                throw new AssertionError(message, ex);
            }
        }
        return seeds.length;
    }

    private static long longProperty(final String key, final long defaultValue)
    {
        final String value = System.getProperty(key);
        if (value == null || value.isBlank())
        {
            return defaultValue;
        }
        try
        {
            return Long.parseLong(value.trim());
        }
        catch (final NumberFormatException ex)
        {
            throw new ConfigurationException(key, "not an integer: '" + value + "'");
        }
    }

    private static boolean isTestMethod(final StackWalker.StackFrame frame)
    {
        try
        {
            for (final Method method : frame.getDeclaringClass().getDeclaredMethods())
            {
                if (method.getName().equals(frame.getMethodName()))
                {
                    for (final Annotation annotation : method.getAnnotations())
                    {
                        if (TEST_ANNOTATIONS.contains(annotation.annotationType().getSimpleName()))
                        {
                            return true;
                        }
                    }
                }
            }
        }
        catch (final RuntimeException | LinkageError ex)
        {
            return false;
        }
        return false;
    }

    private static boolean isUserFrame(final StackWalker.StackFrame frame)
    {
        final String className = frame.getClassName();
        if (frame.getMethodName().startsWith("lambda$"))
        {
            return false;
        }
        for (final String prefix : FRAMEWORK_PACKAGES)
        {
            if (className.startsWith(prefix))
            {
                return false;
            }
        }
        return true;
    }

    private static Optional<String> mavenModuleOf(final Class<?> type)
    {
        try
        {
            final Path location = Paths.get(type.getProtectionDomain().getCodeSource().getLocation().toURI());
            final Path target = location.getParent();
            if (target == null || !"target".equals(String.valueOf(target.getFileName())) ||
                target.getParent() == null)
            {
                return Optional.empty();
            }
            final Path moduleDir = target.getParent();
            Path root = moduleDir;
            while (root.getParent() != null && Files.exists(root.getParent().resolve("pom.xml")))
            {
                root = root.getParent();
            }
            final String relative = root.relativize(moduleDir).toString().replace('\\', '/');
            return relative.isEmpty() ? Optional.empty() : Optional.of(relative);
        }
        catch (final Exception ex)
        {
            return Optional.empty();
        }
    }
}
