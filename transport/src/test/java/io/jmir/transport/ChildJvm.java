package io.jmir.transport;

import java.io.File;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds command lines for child JVMs running with this JVM's class path and the JVM flags every JVM running
 * Aeron needs (STACK.md).
 */
final class ChildJvm
{
    static final List<String> FLAGS = List.of(
        "--add-opens=java.base/java.lang=ALL-UNNAMED",
        "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
        "--add-exports=java.base/sun.nio.ch=ALL-UNNAMED",
        "--add-exports=java.base/jdk.internal.ref=ALL-UNNAMED",
        "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED",
        "--add-exports=jdk.compiler/com.sun.tools.javac.file=ALL-UNNAMED",
        "-Dchronicle.announcer.disable=true",
        "-Dchronicle.analytics.disable=true");

    private ChildJvm()
    {
    }

    static List<String> command(final List<String> jvmArgs, final String mainClass, final List<String> args)
    {
        final List<String> command = new ArrayList<>();
        command.add(System.getProperty("java.home") + File.separator + "bin" + File.separator + "java");
        command.addAll(FLAGS);
        command.add("-Xmx128m");
        command.add("-XX:+UseSerialGC");
        command.add("-XX:TieredStopAtLevel=1");
        command.addAll(jvmArgs);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(mainClass);
        command.addAll(args);
        return command;
    }
}
