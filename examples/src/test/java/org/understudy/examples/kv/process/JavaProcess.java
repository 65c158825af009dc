package org.understudy.examples.kv.process;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.understudy.examples.kv.cli.RaftKvMain;
import org.understudy.raft.spi.kit.ChildJvmArgs;

/**
 * One {@code raft-kv} JVM ({@link RaftKvMain} with some arguments) started from this JVM's test
 * classpath: the shaded jar does not exist yet when surefire runs, and the classes are the same.
 *
 * <p>Its stdout and stderr go to files in the work dir (not pipes): nothing has to drain them, and
 * a kill loses nothing that was written. {@link #kill9()} sends SIGKILL through the process handle
 * (no shutdown hook, no flush, no close runs in the child: a crash).
 *
 * <p>The child gets this JVM's {@code --add-exports}/{@code --add-opens} flags and its
 * {@code -Dchronicle.*}/{@code -Djna.*} properties, as raft-core's crash kit does (Chronicle needs
 * them in the child as much as here), a small heap and the quick compiler (two cores are shared by
 * the test JVM and up to four members). Every process started is remembered until it ends; a JVM
 * shutdown hook kills those still running, so a test JVM that dies never leaves servers behind.
 */
final class JavaProcess implements AutoCloseable {
    /** Exit status of a process ended by SIGKILL (128 + 9). */
    static final int SIGKILL_EXIT = 137;

    private static final Set<Process> running = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> running.forEach(p -> p.toHandle().destroyForcibly()),
                "raft-kv-process-reaper"));
    }


    private final Process process;
    private final String label;
    private final Path stdout;
    private final Path stderr;

    private JavaProcess(Process process, String label, Path stdout, Path stderr) {
        this.process = process;
        this.label = label;
        this.stdout = stdout;
        this.stderr = stderr;
    }

    /**
     * Starts {@code raft-kv args...}.
     *
     * @param workDir where the argument file, stdout, stderr and the child's temp dir go
     * @param label names the files (unique within {@code workDir}, e.g. {@code n1-2} for n1's second run)
     */
    static JavaProcess start(Path workDir, String label, List<String> args) {
        try {
            Files.createDirectories(workDir);
            Path tmp = Files.createDirectories(workDir.resolve("tmp-" + label));
            List<String> jvm = new ArrayList<>();
            jvm.add("-cp");
            jvm.add(testClasspath());
            jvm.add("-Xmx256m");
            jvm.add("-XX:+UseSerialGC");
            jvm.add("-XX:TieredStopAtLevel=1");
            jvm.add("-Djava.io.tmpdir=" + tmp);
            jvm.addAll(ChildJvmArgs.inherited());
            jvm.add(RaftKvMain.class.getName());
            jvm.addAll(args);
            Path argFile = workDir.resolve(label + ".args");
            Files.write(argFile, ChildJvmArgs.quotedForArgFile(jvm), StandardCharsets.UTF_8);
            Path out = workDir.resolve(label + ".out");
            Path err = workDir.resolve(label + ".err");
            Process p = new ProcessBuilder(javaExecutable(), "@" + argFile)
                    .redirectOutput(out.toFile())
                    .redirectError(err.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(nullDevice()))
                    .start();
            running.add(p);
            p.onExit().thenRun(() -> running.remove(p));
            return new JavaProcess(p, label, out, err);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start raft-kv " + args + " in " + workDir, e);
        }
    }

    /** Runs {@code raft-kv args...} to its end (at most {@code timeout}) and returns what it did. */
    static Finished run(Path workDir, String label, List<String> args, Duration timeout) {
        try (JavaProcess p = start(workDir, label, args)) {
            int exit = p.waitForExit(timeout);
            return new Finished(exit, p.stdoutText(), p.stderrText());
        }
    }

    /** A process that ended: its exit status and everything it printed. */
    record Finished(int exit, String out, String err) {}

    String label() {
        return label;
    }

    long pid() {
        return process.pid();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** SIGKILL (a crash: the child runs no shutdown hook), then waits until it is gone. */
    void kill9() {
        sigkill();
        awaitKilled();
    }

    /** Sends SIGKILL and returns at once. */
    void sigkill() {
        process.toHandle().destroyForcibly();
    }

    /** Waits for the end after {@link #sigkill()}; fails when the process had ended some other way. */
    void awaitKilled() {
        int exit = waitForExit(Duration.ofSeconds(30));
        if (exit != SIGKILL_EXIT) {
            throw new AssertionError(label + " (pid " + process.pid() + ") ended with " + exit + " before the kill. "
                    + stderrTail(30));
        }
    }

    /** Waits for the end and returns the exit status; fails when it runs longer than {@code timeout}. */
    int waitForExit(Duration timeout) {
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new AssertionError(label + " (pid " + process.pid() + ") did not end within " + timeout + ". "
                        + stderrTail(30));
            }
            return process.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while waiting for " + label, e);
        }
    }

    String stdoutText() {
        return read(stdout);
    }

    String stderrText() {
        return read(stderr);
    }

    /** The last {@code lines} lines of stderr (the server's log), for failure messages. */
    String stderrTail(int lines) {
        List<String> all = List.of(stderrText().split("\n", -1));
        List<String> tail = all.subList(Math.max(0, all.size() - lines), all.size());
        return "stderr of " + label + " (" + stderr + ") ends with:\n  " + String.join("\n  ", tail);
    }

    /** Kills the process if it still runs; no test leaves one behind. */
    @Override
    public void close() {
        if (process.isAlive()) {
            process.toHandle().destroyForcibly();
            try {
                process.waitFor(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public String toString() {
        return label + "(pid " + process.pid() + (process.isAlive() ? "" : ", ended") + ")";
    }

    private static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    private static java.io.File nullDevice() {
        return new java.io.File(System.getProperty("os.name").startsWith("Windows") ? "NUL" : "/dev/null");
    }

    private static String testClasspath() {
        String surefire = System.getProperty("surefire.test.class.path");
        return surefire != null && !surefire.isBlank() ? surefire : System.getProperty("java.class.path");
    }

    private static String javaExecutable() {
        return ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    }


}
