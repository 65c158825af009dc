package org.understudy.examples.kv.local;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The flags every raft-kv child JVM gets whatever the caller adds: what Chronicle Queue needs on
 * Java 17+ (raft-storage-chronicle's README, "JVM flags": the shaded jar's manifest carries the
 * exports and opens, but only for {@code java -jar}, and children here run with {@code -cp}), a
 * temp dir and a JNA dir of their own, and raft-kv's log level, so that a classpath whose first
 * {@code logback.xml} is not raft-kv's (the bench jar's, say) still logs what raft-kv logs.
 */
final class ChildJvmFlags {
    private static final List<String> CHRONICLE = List.of(
            "--add-exports=java.base/jdk.internal.ref=ALL-UNNAMED",
            "--add-exports=java.base/sun.nio.ch=ALL-UNNAMED",
            "--add-exports=jdk.unsupported/sun.misc=ALL-UNNAMED",
            "--add-exports=jdk.compiler/com.sun.tools.javac.file=ALL-UNNAMED",
            "--add-opens=jdk.compiler/com.sun.tools.javac=ALL-UNNAMED",
            "--add-opens=java.base/java.lang=ALL-UNNAMED",
            "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
            "--add-opens=java.base/java.io=ALL-UNNAMED",
            "--add-opens=java.base/java.util=ALL-UNNAMED",
            "-Dchronicle.analytics.disable=true");
    /** Java 24+ warns without them (and a later release will refuse); Java 17 refuses the second. */
    private static final List<String> CHRONICLE_JAVA_24 = List.of(
            "--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow");

    private ChildJvmFlags() {}

    /**
     * @param javaFeature the child's Java release (the same {@code java} as this JVM's unless configured otherwise)
     * @param tmpDir the child's {@code java.io.tmpdir} and the parent of its JNA dir
     * @param logLevel raft-kv's root log level ({@code raftkv.log.level})
     */
    static List<String> of(int javaFeature, Path tmpDir, String logLevel) {
        List<String> flags = new ArrayList<>(CHRONICLE);
        if (javaFeature >= 24) {
            flags.addAll(CHRONICLE_JAVA_24);
        }
        flags.add("-Djava.io.tmpdir=" + tmpDir);
        flags.add("-Djna.tmpdir=" + tmpDir.resolve("jna"));
        flags.add("-Draftkv.log.level=" + logLevel);
        return flags;
    }
}
