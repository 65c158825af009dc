package org.understudy.examples.kv.local;

import java.io.File;
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

/**
 * One {@code raft-kv} JVM ({@code java -cp <classpath> org.understudy.examples.kv.cli.RaftKvMain
 * args...}) started by this JVM.
 *
 * <p>Its stdout and stderr go to files ({@code LABEL.out}, {@code LABEL.err}) rather than pipes:
 * nothing has to drain them, a kill loses nothing already written, and they stay behind for a
 * post-mortem. The command line goes through an argument file ({@code LABEL.args}), because a test
 * classpath can be longer than a command line may be.
 *
 * <p>Every process started is remembered until it ends, and a JVM shutdown hook kills those still
 * running: a driver or test JVM that dies (Ctrl-C, an uncaught error) leaves no server behind.
 */
public final class ServerProcess implements AutoCloseable {
    /** raft-kv's main class. */
    public static final String MAIN_CLASS = "org.understudy.examples.kv.cli.RaftKvMain";
    /** Exit status of a process ended by SIGKILL (128 + 9). */
    public static final int SIGKILL_EXIT = 137;

    private static final Set<Process> RUNNING = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(
                () -> RUNNING.forEach(p -> p.toHandle().destroyForcibly()), "raft-kv-local-reaper"));
    }

    private final Process process;
    private final String label;
    private final Path stdout;
    private final Path stderr;

    private ServerProcess(Process process, String label, Path stdout, Path stderr) {
        this.process = process;
        this.label = label;
        this.stdout = stdout;
        this.stderr = stderr;
    }

    /**
     * Starts {@code raft-kv args...} and returns at once.
     *
     * @param workDir where the argument file, the output files and the child's temp dir go
     * @param label names those files; unique within {@code workDir} (e.g. {@code n1-2}: n1's second run)
     */
    public static ServerProcess start(Path workDir, String label, LocalClusterOptions options, List<String> args) {
        try {
            Files.createDirectories(workDir);
            Path tmp = Files.createDirectories(workDir.resolve("tmp-" + label));
            List<String> command = new ArrayList<>(List.of("-cp", options.classpath()));
            command.addAll(options.jvmFlags());
            command.addAll(ChildJvmFlags.of(Runtime.version().feature(), tmp, options.logLevel()));
            command.add(MAIN_CLASS);
            command.addAll(args);
            Path argFile = workDir.resolve(label + ".args");
            Files.write(argFile, quotedForArgFile(command), StandardCharsets.UTF_8);
            Path out = workDir.resolve(label + ".out");
            Path err = workDir.resolve(label + ".err");
            Process p = new ProcessBuilder(options.javaExecutable(), "@" + argFile)
                    .redirectOutput(out.toFile())
                    .redirectError(err.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(nullDevice()))
                    .start();
            RUNNING.add(p);
            p.onExit().thenRun(() -> RUNNING.remove(p));
            return new ServerProcess(p, label, out, err);
        } catch (IOException e) {
            throw new LocalClusterException(LocalClusterException.Reason.LAUNCH_FAILED,
                    "cannot start raft-kv " + args + " in " + workDir + ": " + e);
        }
    }

    public String label() {
        return label;
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** Sends SIGTERM and returns at once (to stop several servers together, then {@link #stop} each). */
    public void terminate() {
        process.destroy();
    }

    /**
     * Stops the server as a service manager would: SIGTERM (raft-kv's shutdown hook closes the node
     * and its storage), then SIGKILL if it still runs after {@code grace}. Returns the exit status
     * (that of the process if it had already ended).
     */
    public int stop(Duration grace) {
        if (process.isAlive()) {
            process.destroy(); // SIGTERM
            if (!waitFor(grace)) {
                process.destroyForcibly();
            }
        }
        return waitForExit(Duration.ofSeconds(30));
    }

    /** SIGKILL (a crash: the child runs no shutdown hook), then waits until it is gone. */
    public int kill9() {
        process.destroyForcibly();
        return waitForExit(Duration.ofSeconds(30));
    }

    /** The exit status once the process has ended; fails when it still runs after {@code timeout}. */
    public int waitForExit(Duration timeout) {
        if (!waitFor(timeout)) {
            throw new LocalClusterException(LocalClusterException.Reason.DID_NOT_STOP,
                    label + " (pid " + process.pid() + ") still runs after " + timeout);
        }
        return process.exitValue();
    }

    public Path stdoutFile() {
        return stdout;
    }

    public Path stderrFile() {
        return stderr;
    }

    public String stdoutText() {
        return read(stdout);
    }

    /** Everything the server logged so far (raft-kv logs to stderr). */
    public String stderrText() {
        return read(stderr);
    }

    /** The last {@code lines} lines of stderr, for failure messages. */
    public String stderrTail(int lines) {
        List<String> all = List.of(stderrText().split("\n", -1));
        List<String> tail = all.subList(Math.max(0, all.size() - lines), all.size());
        return "stderr of " + label + " (" + stderr + ") ends with:\n  " + String.join("\n  ", tail);
    }

    /** Stops the process if it still runs: SIGTERM, then SIGKILL after 10 s. */
    @Override
    public void close() {
        stop(Duration.ofSeconds(10));
    }

    @Override
    public String toString() {
        return label + "(pid " + process.pid() + (process.isAlive() ? "" : ", ended") + ")";
    }

    private boolean waitFor(Duration timeout) {
        try {
            return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly(); // an interrupted caller is leaving: leave nothing running
            return false;
        }
    }

    /** One argument per line, quoted, as {@code java @file} reads it (a backslash escapes inside quotes). */
    static List<String> quotedForArgFile(List<String> args) {
        List<String> out = new ArrayList<>(args.size());
        for (String a : args) {
            out.add('"' + a.replace("\\", "\\\\").replace("\"", "\\\"") + '"');
        }
        return out;
    }

    private static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    private static File nullDevice() {
        return new File(System.getProperty("os.name").startsWith("Windows") ? "NUL" : "/dev/null");
    }
}
