package org.understudy.raft.spi.kit;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A second JVM running a main class on this JVM's classpath, whose stdout is read line by line and
 * which can be killed with SIGKILL.
 *
 * <h2>Classpath</h2>
 * Surefire (3.x) runs tests with {@code java.class.path} and {@code surefire.test.class.path} set to
 * the real test classpath (module classes, test classes, every test-scope jar), even when it boots
 * the fork from a manifest-only jar; this takes {@code surefire.test.class.path} when present, else
 * {@code java.class.path}. Should that ever be just a manifest-only jar, passing it on is still
 * right: the JVM follows a jar's manifest {@code Class-Path}. The classpath goes into an argument
 * file ({@code java @file}) so its length never meets the operating system's limit on one argument.
 *
 * <h2>JVM flags</h2>
 * The child gets this JVM's {@code --add-exports}/{@code --add-opens}/{@code --enable-native-access}/
 * {@code --sun-misc-unsafe-memory-access} flags and its {@code -Dchronicle.*}/{@code -Djna.*}
 * properties (an engine that needs them in tests needs them in the child too), then the caller's
 * extra flags, which come later and so win.
 *
 * <h2>Kill</h2>
 * {@link ProcessHandle#destroyForcibly()} sends SIGKILL on Unix; the child gets no chance to run
 * shutdown hooks, finalizers or close files, which is the point. {@link #waitForExit()} then reports
 * 137 (128 + 9), which the kit checks, so a child that died some other way is not mistaken for one
 * we killed.
 *
 * <p>The kill goes through the process handle, not {@link Process#destroyForcibly()}: on Linux the
 * latter also closes our end of the child's stdout, so the lines the child had printed but we had
 * not read yet were lost, and the model missed writes the child had announced and made (the
 * reopened store then held "writes nobody announced"). Through the handle the pipe stays open and
 * {@link #nextLine} returns every line up to the child's end.
 */
final class ChildJvm implements AutoCloseable {

    /** Exit status of a process ended by SIGKILL, as {@link Process#exitValue()} reports it on Unix. */
    static final int SIGKILL_EXIT = 128 + 9;

    private static final String EOF = new String("<end of stdout>"); // compared by identity
    private static final int STDERR_TAIL_LINES = 40;

    private final Process process;
    private final Path stderrFile;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();

    private ChildJvm(Process process, Path stderrFile) {
        this.process = process;
        this.stderrFile = stderrFile;
        Thread reader = new Thread(this::pumpStdout, "child-jvm-stdout-" + process.pid());
        reader.setDaemon(true);
        reader.start();
    }

    /**
     * Starts {@code mainClass} with {@code args} in a new JVM.
     *
     * @param workDir where the argument file, the child's stderr and its temporary files go
     * @param name distinguishes the files of several children in one {@code workDir}
     */
    static ChildJvm start(Path workDir, String name, List<String> extraJvmArgs, String mainClass, List<String> args) {
        try {
            Path tmp = Files.createDirectories(workDir.resolve("child-tmp"));
            List<String> jvmArgs = new ArrayList<>();
            jvmArgs.add("-cp");
            jvmArgs.add(testClasspath());
            // A small heap and the quick compiler: the child does little computing, and the
            // machine has two cores shared with the parent.
            jvmArgs.add("-Xmx256m");
            jvmArgs.add("-XX:+UseSerialGC");
            jvmArgs.add("-XX:TieredStopAtLevel=1");
            // Keeps native libraries unpacked by the engine (and left behind by the kill) out of /tmp.
            jvmArgs.add("-Djava.io.tmpdir=" + tmp);
            jvmArgs.addAll(ChildJvmArgs.inherited());
            jvmArgs.addAll(extraJvmArgs);
            jvmArgs.add(mainClass);
            jvmArgs.addAll(args);
            Path argFile = workDir.resolve(name + ".args");
            Files.write(argFile, ChildJvmArgs.quotedForArgFile(jvmArgs), StandardCharsets.UTF_8);
            Path stderr = workDir.resolve(name + ".stderr");
            Process process = new ProcessBuilder(javaExecutable(), "@" + argFile)
                    .redirectError(stderr.toFile())
                    .start();
            return new ChildJvm(process, stderr);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start a child JVM for " + mainClass + " in " + workDir, e);
        }
    }

    /** The next line of the child's stdout, or empty at its end (the child exited or was killed). */
    Optional<String> nextLine(Duration timeout) throws InterruptedException {
        String line = lines.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (line == null) {
            throw new AssertionError("the child JVM (pid " + process.pid() + ") printed nothing for " + timeout
                    + "; it hangs or is far too slow. " + stderrTail());
        }
        return line == EOF ? Optional.empty() : Optional.of(line);
    }

    /**
     * Kills the child and returns what it printed that was not read yet (at most {@code max}
     * lines), for a failure message: a JVM that cannot start explains why on stdout.
     */
    List<String> killAndDrain(int max) throws InterruptedException {
        kill();
        List<String> rest = new ArrayList<>();
        String line;
        while (rest.size() < max && (line = lines.poll(30, TimeUnit.SECONDS)) != null && line != EOF) {
            rest.add(line);
        }
        return rest;
    }

    long pid() {
        return process.pid();
    }

    /** Sends SIGKILL (a no-op if the child already ended); its stdout stays readable to the end. */
    void kill() {
        process.toHandle().destroyForcibly();
    }

    /** Waits for the child to end and returns its exit status. */
    int waitForExit(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("the child JVM (pid " + process.pid() + ") did not end within " + timeout);
        }
        return process.exitValue();
    }

    /** The last lines the child wrote to stderr, for failure messages. */
    String stderrTail() {
        try {
            List<String> all = Files.readAllLines(stderrFile, StandardCharsets.UTF_8);
            List<String> tail = all.subList(Math.max(0, all.size() - STDERR_TAIL_LINES), all.size());
            return tail.isEmpty() ? "The child's stderr (" + stderrFile + ") is empty."
                    : "The child's stderr (" + stderrFile + ") ends with:\n  " + String.join("\n  ", tail);
        } catch (IOException | UncheckedIOException e) {
            return "The child's stderr (" + stderrFile + ") cannot be read: " + e;
        }
    }

    /** Kills the child if it still runs and waits for it, so no test leaves a process behind. */
    @Override
    public void close() {
        process.destroyForcibly();
        try {
            process.waitFor(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void pumpStdout() {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.US_ASCII))) {
            String line;
            while ((line = in.readLine()) != null) {
                lines.add(line);
            }
        } catch (IOException endedAbruptly) {
            // the pipe broke with the kill: the same as its end
        } finally {
            lines.add(EOF);
        }
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
