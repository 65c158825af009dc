package org.understudy.raft.spi.kit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.understudy.raft.proto.HardState;
import org.understudy.raft.spi.LogStorage;
import org.understudy.raft.spi.StorageEngine;
import org.understudy.raft.spi.StorageOptions;

/**
 * The kill -9 crash test of one engine in one directory: the work of {@link KillNineCrashKit}, kept
 * apart from JUnit so that the kit's own tests can run it against a broken engine.
 *
 * <p>Each round: start a {@link CrashWriter} in a child JVM; read its lines into a {@link
 * CrashModel}; after a seeded number of lines send SIGKILL; read the rest of its lines (everything
 * it printed was true when printed); in a seeded third of the rounds, start a second writer on the
 * crashed store and kill it too, while its engine recovers; reopen the store in this JVM, read it
 * ({@link RecoveredLog}) and check it against the model; then append more (overwriting a suffix in a higher term), set
 * the hard state, sync, close, reopen and check that exactly that is there. The next round's writer
 * starts from there, so every round after the first also tests recovery of a store that was
 * itself recovered.
 */
public final class CrashRounds implements AutoCloseable {

    private static final Duration EXIT_TIMEOUT = Duration.ofSeconds(30);
    private static final int MAX_OWN_BATCH = 100;
    private static final int MAX_OWN_OVERWRITE_DEPTH = 50;

    private final String engineClassName;
    private final StorageEngine engine;
    private final List<String> extraJvmArgs;
    private final Path workDir;
    private final Path dataDir;
    private final CrashSettings settings;
    private final CrashModel model = new CrashModel();
    private ChildJvm child;

    /**
     * @param engineClassName a {@link StorageEngine} with a public no-arg constructor, loadable here and in the child
     * @param extraJvmArgs flags for the child JVM besides those it inherits (see {@link ChildJvm})
     * @param workDir an empty directory for the store, the child's files and its stderr
     */
    public CrashRounds(String engineClassName, List<String> extraJvmArgs, Path workDir, CrashSettings settings) {
        this.engineClassName = engineClassName;
        this.engine = CrashWriter.newEngine(engineClassName);
        this.extraJvmArgs = List.copyOf(extraJvmArgs);
        this.workDir = workDir;
        this.dataDir = workDir.resolve("node");
        this.settings = settings;
    }

    /** Runs every round; throws {@link AssertionError} naming the seed and the round on the first failure. */
    public void run() throws InterruptedException {
        System.out.printf("kill -9 crash test of %s: seed %d, %d rounds, in %s (rerun with -D%s=%d); child JVM flags "
                        + "inherited %s, extra %s%n", engineClassName, settings.seed(), settings.rounds(), workDir,
                CrashSettings.SEED_PROPERTY, settings.seed(), ChildJvmArgs.inherited(), extraJvmArgs);
        try {
            for (int round = 1; round <= settings.rounds(); round++) {
                String where = "seed " + settings.seed() + ", round " + round + "/" + settings.rounds() + ", " + engineClassName
                        + " in " + dataDir + " (rerun with -D" + CrashSettings.SEED_PROPERTY + "=" + settings.seed() + ")";
                try {
                    runRound(round, where);
                } catch (RuntimeException e) {
                    throw new AssertionError(where + ": " + e, e);
                }
            }
        } finally {
            close();
        }
    }

    private void runRound(int round, String where) throws InterruptedException {
        long started = System.nanoTime();
        Random random = new Random(CrashEntries.mix(settings.seed() + round));
        int killAfter = settings.killAfterLinesMin()
                + random.nextInt(settings.killAfterLinesMax() - settings.killAfterLinesMin() + 1);
        KillReport kill = writeAndKill(round, random.nextLong(), killAfter, where);
        String recoveryKill = random.nextInt(3) == 0 ? killDuringRecovery(round, where) : "";
        long killed = System.nanoTime();

        String found;
        LogSummary continued;
        try (LogStorage log = open()) {
            RecoveredLog recovered = RecoveredLog.read(log, settings.seed(), random, where + ", reopened after the kill");
            found = recovered + "; " + model.checkRecovered(recovered, where + ", reopened after the kill")
                    + " [" + millisSince(killed) + " ms]";
            model.rebase(recovered);
            continueWriting(log, random, where);
            continued = LogSummary.of(log);
        }
        try (LogStorage log = open()) {
            RecoveredLog again = RecoveredLog.read(log, settings.seed(), random, where + ", reopened after a clean close");
            model.checkRecovered(again, where + ", reopened after a clean close");
            model.rebase(again);
        }
        System.out.printf("crash round %d/%d (seed %d, %d ms): %s [%d ms]%n  reopened: %s%n  continued: wrote up to %s, "
                        + "reopened cleanly%n", round, settings.rounds(), settings.seed(), millisSince(started), kill + recoveryKill,
                (killed - started) / 1_000_000, found, continued);
    }

    private static long millisSince(long nanoTime) {
        return (System.nanoTime() - nanoTime) / 1_000_000;
    }

    /** Runs one writer until the kill and feeds its lines to the model. */
    private KillReport writeAndKill(int round, long choiceSeed, int killAfter, String where) throws InterruptedException {
        child = ChildJvm.start(workDir, "round-" + round, extraJvmArgs, CrashWriter.class.getName(), List.of(
                "engine=" + engineClassName, "dir=" + dataDir, "payloadSeed=" + settings.seed(),
                "choiceSeed=" + choiceSeed, "maxSyncs=" + settings.maxSyncsPerChild()));
        int lines = 0;
        int linesAtKill = -1;
        CrashLine.Kind killedAfter = null;
        int syncs = 0;
        CrashLine lastSync = null;
        Optional<String> text;
        while ((text = child.nextLine(settings.lineTimeout())).isPresent()) {
            CrashLine line = CrashLine.parse(text.get());
            if (line == null) {
                if (linesAtKill >= 0) {
                    continue; // cut short by the kill: it promises nothing
                }
                List<String> rest = child.killAndDrain(20);
                throw new AssertionError(where + ": the writer printed \"" + text.get() + "\", which is not a protocol "
                        + "line" + (rest.isEmpty() ? "" : ", then:\n  " + String.join("\n  ", rest)) + "\n"
                        + child.stderrTail());
            }
            if (line.kind() == CrashLine.Kind.OPENING) {
                continue; // not counted: the kill comes after READY at the earliest, this writer is to write
            }
            lines++;
            switch (line.kind()) {
                case READY -> model.ready(line, where);
                case SYNCED -> {
                    model.synced(line, where);
                    syncs++;
                    lastSync = line;
                }
                case SYNCING, DONE -> { }
                default -> model.announce(line);
            }
            if (linesAtKill < 0 && (lines >= killAfter || line.kind() == CrashLine.Kind.DONE)) {
                child.kill();
                linesAtKill = lines;
                killedAfter = line.kind();
            }
        }
        int exit = child.waitForExit(EXIT_TIMEOUT);
        if (linesAtKill < 0) {
            throw new AssertionError(where + ": the writer ended by itself with exit status " + exit + " after " + lines
                    + " lines, before the kill. " + child.stderrTail());
        }
        if (File.separatorChar == '/') {
            assertThat(exit).as("%s: the writer's exit status; 137 means it died of our SIGKILL. %s", where,
                    child.stderrTail()).isEqualTo(ChildJvm.SIGKILL_EXIT);
        }
        KillReport report = new KillReport(child.pid(), linesAtKill, killedAfter, lines, syncs, lastSync, model.pendingWrites());
        child.close();
        child = null;
        return report;
    }

    /**
     * Starts a writer that only opens the store, which the kill just left, and kills it while its
     * engine recovers. Whatever recovery had done by then must leave a store that the next open
     * still finds correct.
     */
    private String killDuringRecovery(int round, String where) throws InterruptedException {
        child = ChildJvm.start(workDir, "round-" + round + "-recovery", extraJvmArgs, CrashWriter.class.getName(), List.of(
                "engine=" + engineClassName, "dir=" + dataDir, "payloadSeed=" + settings.seed(), "choiceSeed=0",
                "maxSyncs=0"));
        Optional<String> text = child.nextLine(settings.lineTimeout());
        CrashLine first = text.map(CrashLine::parse).orElse(null);
        if (first == null || first.kind() != CrashLine.Kind.OPENING) {
            List<String> rest = child.killAndDrain(20);
            throw new AssertionError(where + ": the recovering writer began with \"" + text.orElse("<end of output>")
                    + "\" instead of OPENING" + (rest.isEmpty() ? "" : ", then:\n  " + String.join("\n  ", rest))
                    + "\n" + child.stderrTail());
        }
        List<String> rest = child.killAndDrain(10);
        int exit = child.waitForExit(EXIT_TIMEOUT);
        if (File.separatorChar == '/') {
            assertThat(exit).as("%s: the recovering writer's exit status; 137 means it died of our SIGKILL. %s", where,
                    child.stderrTail()).isEqualTo(ChildJvm.SIGKILL_EXIT);
        }
        child.close();
        child = null;
        boolean opened = rest.stream().map(CrashLine::parse).anyMatch(l -> l != null && l.kind() == CrashLine.Kind.READY);
        return "; then killed a second writer " + (opened ? "just after it had opened the store" : "while it opened the store");
    }

    /**
     * Appends after recovery as a new leader's follower would: overwrites part of the uncommitted
     * tail (which may hold entries that survived the kill without a sync) in a higher term,
     * appends more, sets the hard state, syncs.
     */
    private void continueWriting(LogStorage log, Random random, String where) {
        LogSummary start = model.summary();
        long term = model.maxTerm() + 1;
        long floor = Math.max(start.commit(), start.compactedIndex());
        long last = start.lastIndex();
        List<CrashLine> writes = new ArrayList<>();
        if (last > floor) {
            long from = last - random.nextLong(Math.min(last - floor, MAX_OWN_OVERWRITE_DEPTH));
            long to = from + random.nextInt(MAX_OWN_BATCH);
            writes.add(CrashLine.of(CrashLine.Kind.APPEND, from, to, term));
            last = to;
        }
        long to = last + 1 + random.nextInt(MAX_OWN_BATCH);
        writes.add(CrashLine.of(CrashLine.Kind.APPEND, last + 1, to, term));
        long commit = start.commit() + random.nextLong(to - start.commit() + 1);
        writes.add(CrashLine.of(CrashLine.Kind.HARDSTATE, term, 1, commit));
        for (CrashLine w : writes) {
            if (w.kind() == CrashLine.Kind.APPEND) {
                log.append(CrashEntries.entries(settings.seed(), w.arg(0), w.arg(1), w.arg(2)));
            } else {
                log.setHardState(HardState.newBuilder().setTerm(w.arg(0)).setVote(w.arg(1)).setCommit(w.arg(2)).build());
            }
        }
        log.sync();
        model.syncedOwnWrites(writes);
        assertThat(LogSummary.of(log)).as("%s: the recovered store after appending %s", where, writes)
                .isEqualTo(model.summary());
    }

    private LogStorage open() {
        return engine.openLog(StorageOptions.of(dataDir, CrashWriter.CLUSTER_ID, CrashWriter.NODE_ID));
    }

    /** Kills a writer that still runs; safe to call more than once. */
    @Override
    public void close() {
        if (child != null) {
            child.close();
            child = null;
        }
    }

    /** What happened to one writer, for the round's summary line. */
    private record KillReport(long pid, int linesAtKill, CrashLine.Kind killedAfter, int lines, int syncs, CrashLine lastSync, int unsyncedWrites) {
        @Override
        public String toString() {
            return "killed writer pid " + pid + " after line " + linesAtKill + " (" + killedAfter + "; " + lines + " lines, " + syncs
                    + " syncs); last sync: " + (lastSync == null ? "none" : lastSync.summary()) + "; writes announced after it: "
                    + unsyncedWrites;
        }
    }
}
