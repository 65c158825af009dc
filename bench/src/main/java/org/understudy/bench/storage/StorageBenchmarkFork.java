package org.understudy.bench.storage;

import org.openjdk.jmh.annotations.Fork;

/**
 * The fork settings every storage benchmark inherits (JMH applies a superclass's annotations to
 * its subclasses): one forked JVM with the flags Chronicle Queue needs on Java 17+
 * (STACK.md). The shaded jar's manifest {@code Add-Exports}/{@code Add-Opens} only reach the JVM
 * started with {@code java -jar}, never JMH's forks, hence the flags here.
 *
 * <p>On Java 24+ Chronicle also wants {@code --enable-native-access=ALL-UNNAMED
 * --sun-misc-unsafe-memory-access=allow}, which Java 17 refuses, so they cannot be written here;
 * {@code bench/run.sh} passes the full set with {@code -jvmArgsAppend} (which replaces this list).
 */
@Fork(value = 1, jvmArgsAppend = {
    "--add-exports=java.base/jdk.internal.ref=ALL-UNNAMED",
    "--add-exports=java.base/sun.nio.ch=ALL-UNNAMED",
    "--add-exports=jdk.unsupported/sun.misc=ALL-UNNAMED",
    "--add-exports=jdk.compiler/com.sun.tools.javac.file=ALL-UNNAMED",
    "--add-opens=jdk.compiler/com.sun.tools.javac=ALL-UNNAMED",
    "--add-opens=java.base/java.lang=ALL-UNNAMED",
    "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
    "--add-opens=java.base/java.io=ALL-UNNAMED",
    "--add-opens=java.base/java.util=ALL-UNNAMED",
    "-Dchronicle.analytics.disable=true"
})
public abstract class StorageBenchmarkFork {
}
