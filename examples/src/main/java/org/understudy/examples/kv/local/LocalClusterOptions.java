package org.understudy.examples.kv.local;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * How {@link LocalCluster} launches raft-kv JVMs and how long it waits for them.
 *
 * @param javaExecutable the {@code java} to run (default: this JVM's)
 * @param classpath a classpath holding raft-kv ({@code RaftKvMain}) and its dependencies
 *     (default: this JVM's; under surefire, the tests' classpath)
 * @param jvmFlags more flags for every child, before the main class: heap, GC, compiler
 *     (default none; the Chronicle flags, temp dirs and log level are always added)
 * @param logLevel raft-kv's root log level in the children (default {@code INFO}: the log is the
 *     post-mortem, and some callers read lines from it)
 * @param startTimeout how long a server may take to print its start line
 * @param electionTimeout how long the running members may take to agree on a leader
 * @param stopGrace how long a server may take to end after SIGTERM before it gets SIGKILL
 */
public record LocalClusterOptions(String javaExecutable, String classpath, List<String> jvmFlags, String logLevel,
        Duration startTimeout, Duration electionTimeout, Duration stopGrace) {

    public LocalClusterOptions {
        Objects.requireNonNull(javaExecutable, "javaExecutable");
        Objects.requireNonNull(classpath, "classpath");
        jvmFlags = List.copyOf(jvmFlags);
        Objects.requireNonNull(logLevel, "logLevel");
        Objects.requireNonNull(startTimeout, "startTimeout");
        Objects.requireNonNull(electionTimeout, "electionTimeout");
        Objects.requireNonNull(stopGrace, "stopGrace");
    }

    /** This JVM's java and classpath, no extra flags, INFO logs, 90 s to start, 60 s to elect, 10 s to stop. */
    public static LocalClusterOptions defaults() {
        return new LocalClusterOptions(currentJava(), currentClasspath(), List.of(), "INFO", Duration.ofSeconds(90),
                Duration.ofSeconds(60), Duration.ofSeconds(10));
    }

    public LocalClusterOptions withClasspath(String v) {
        return new LocalClusterOptions(javaExecutable, v, jvmFlags, logLevel, startTimeout, electionTimeout, stopGrace);
    }

    public LocalClusterOptions withJvmFlags(List<String> v) {
        return new LocalClusterOptions(javaExecutable, classpath, v, logLevel, startTimeout, electionTimeout, stopGrace);
    }

    public LocalClusterOptions withLogLevel(String v) {
        return new LocalClusterOptions(javaExecutable, classpath, jvmFlags, v, startTimeout, electionTimeout, stopGrace);
    }

    public LocalClusterOptions withStartTimeout(Duration v) {
        return new LocalClusterOptions(javaExecutable, classpath, jvmFlags, logLevel, v, electionTimeout, stopGrace);
    }

    public LocalClusterOptions withElectionTimeout(Duration v) {
        return new LocalClusterOptions(javaExecutable, classpath, jvmFlags, logLevel, startTimeout, v, stopGrace);
    }

    public LocalClusterOptions withStopGrace(Duration v) {
        return new LocalClusterOptions(javaExecutable, classpath, jvmFlags, logLevel, startTimeout, electionTimeout, v);
    }

    /**
     * The classpath this JVM runs with. Under surefire {@code java.class.path} may be only its
     * booter jar, so surefire's {@code surefire.test.class.path} comes first when it is set.
     */
    static String currentClasspath() {
        String surefire = System.getProperty("surefire.test.class.path");
        return surefire != null && !surefire.isBlank() ? surefire : System.getProperty("java.class.path");
    }

    private static String currentJava() {
        return ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    }
}
