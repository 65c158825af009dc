package org.understudy.bench.learner;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.understudy.examples.kv.local.LocalClusterOptions;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The learner benchmarks (issue 8) at process level: 3 voters in 3 raft-kv JVMs on loopback
 * (durable Chronicle log), 1 KiB values. For each catch-up variant (log replay, snapshot) it
 * fills the log, runs a closed-loop write load through a steady window, adds a learner and starts
 * its JVM, measures the catch-up (time and MB/s), promotes it, and reports write throughput, p99
 * and elections in each phase, and the promotion's latency. See {@code bench/README.md}.
 *
 * <pre>java -cp bench/target/benchmarks.jar org.understudy.bench.learner.LearnerBenchmarks [--log-mib N] [--out FILE]</pre>
 *
 * <p>Progress lines and, at the end, the JSON line go to stdout; the Markdown report to {@code --out}
 * (and the JSON line to {@code --json}) when given. Bad options exit 2 with the usage; a run that
 * fails exits 1 and keeps its work dir (the members' logs) for a post-mortem.
 */
@Command(name = "LearnerBenchmarks", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Learner catch-up, disruption and promotion, with raft-kv processes on loopback.")
public final class LearnerBenchmarks implements Callable<Integer> {

    @Option(names = "--log-mib", defaultValue = "1024", paramLabel = "N",
            description = "MiB of 1 KiB values written before the learner is added (default: ${DEFAULT-VALUE}).")
    int logMib;

    @Option(names = "--variants", defaultValue = "replay,snapshot", split = ",", paramLabel = "V[,V]",
            description = "Catch-up variants to run: replay, snapshot (default: ${DEFAULT-VALUE}).")
    List<String> variants;

    @Option(names = "--keys", defaultValue = "65536", paramLabel = "N",
            description = "Distinct keys the writes cycle through; bounds the state and so the snapshot (default: ${DEFAULT-VALUE}).")
    int keys;

    @Option(names = "--fill-window", defaultValue = "64", paramLabel = "N",
            description = "Writes in flight while the log is filled, over the binary protocol (default: ${DEFAULT-VALUE}).")
    int fillWindow;

    @Option(names = "--clients", defaultValue = "4", paramLabel = "N",
            description = "Closed-loop HTTP clients writing through the phases; 0 for no load (default: ${DEFAULT-VALUE}).")
    int clients;

    @Option(names = "--rate", defaultValue = "100", paramLabel = "W",
            description = "Writes per second of those clients together at most; 0 for unpaced (default: ${DEFAULT-VALUE}).")
    int rate;

    @Option(names = "--steady-seconds", defaultValue = "20", paramLabel = "S",
            description = "The steady window before the learner is added (default: ${DEFAULT-VALUE}).")
    int steadySeconds;

    @Option(names = "--settle-seconds", defaultValue = "10", paramLabel = "S",
            description = "How long the promotion phase lasts after the new member is a voter everywhere (default: ${DEFAULT-VALUE}).")
    int settleSeconds;

    @Option(names = "--seed", defaultValue = "42", paramLabel = "N", description = "Seed of the values (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--server-heap", defaultValue = "1g", paramLabel = "SIZE",
            description = "-Xmx of every raft-kv JVM (default: ${DEFAULT-VALUE}).")
    String serverHeap;

    @Option(names = "--timeout-minutes", defaultValue = "30", paramLabel = "M",
            description = "The fill, the catch-up and the promotion may each take this long (default: ${DEFAULT-VALUE}).")
    int timeoutMinutes;

    @Option(names = "--work-dir", paramLabel = "DIR",
            description = "Where the members' data dirs go (a fresh folder below it, deleted after a run that succeeds);"
                    + " must be on the disk to measure. Default: system property bench.dir, else java.io.tmpdir.")
    Path workDir;

    @Option(names = "--keep-work-dir", description = "Keep the members' data dirs and logs after a run that succeeds too.")
    boolean keepWorkDir;

    @Option(names = "--out", paramLabel = "FILE", description = "Write the Markdown report here.")
    Path out;

    @Option(names = "--json", paramLabel = "FILE", description = "Write the JSON line here.")
    Path json;

    public static void main(String[] args) {
        System.exit(new CommandLine(new LearnerBenchmarks()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        List<CatchUpVariant> chosen = new ArrayList<>();
        try {
            for (String v : variants) {
                chosen.add(CatchUpVariant.parse(v.trim()));
            }
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(new CommandLine(this), e.getMessage());
        }
        LearnerSettings settings;
        try {
            settings = new LearnerSettings(logMib, keys, fillWindow, clients, rate, steadySeconds, settleSeconds, seed,
                    serverHeap, List.of(), Duration.ofMinutes(timeoutMinutes));
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(new CommandLine(this), e.getMessage());
        }
        Path base = workDir != null ? workDir
                : Path.of(System.getProperty("bench.dir", System.getProperty("java.io.tmpdir")));
        Files.createDirectories(base);
        Path dir = Files.createTempDirectory(base, "learner-");
        Report report;
        try {
            report = run(settings, chosen, dir, System.out);
        } catch (Exception | Error e) {
            System.out.println("[learner] FAILED; the members' data and logs are kept in " + dir);
            throw e;
        }
        if (keepWorkDir) {
            System.out.println("[learner] the members' data and logs are kept in " + dir);
        } else {
            deleteTree(dir);
        }
        if (out != null) {
            Files.writeString(out, report.markdown(), StandardCharsets.UTF_8);
            System.out.println("[learner] report written to " + out);
        } else {
            System.out.println();
            System.out.print(report.markdown());
        }
        if (json != null) {
            Files.writeString(json, report.jsonLine() + "\n", StandardCharsets.UTF_8);
        }
        System.out.println(report.jsonLine());
        return 0;
    }

    /** The Markdown report and the JSON line of a run. */
    record Report(String markdown, String jsonLine, List<VariantResult> results) {}

    /**
     * Runs {@code variants} one after the other, each on a fresh cluster below {@code dir}, with
     * raft-kv JVMs started from this JVM's classpath.
     */
    static Report run(LearnerSettings settings, List<CatchUpVariant> variants, Path dir, PrintStream progress)
            throws InterruptedException {
        List<String> jvmFlags = new ArrayList<>(List.of("-Xmx" + settings.serverHeap()));
        jvmFlags.addAll(settings.serverJvmFlags());
        LocalClusterOptions options = LocalClusterOptions.defaults().withJvmFlags(jvmFlags);
        LearnerRun run = new LearnerRun(settings, options, progress);
        List<VariantResult> results = new ArrayList<>();
        for (CatchUpVariant v : variants) {
            results.add(run.run(v, dir.resolve(v.label())));
        }
        RunInfo info = new RunInfo(MachineLine.describe(), settings.logMib(), settings.keys(),
                run.workload().entryBytes(), settings.fillWindow(), settings.clients(), settings.rate(), settings.steadySeconds(),
                settings.settleSeconds(), settings.seed(), settings.serverHeap(), MachineLine.fileSystem(dir));
        return new Report(LearnerReport.markdown(info, results), LearnerReport.jsonLine(info, results), results);
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
