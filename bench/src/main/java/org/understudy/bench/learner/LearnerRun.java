package org.understudy.bench.learner;

import static org.understudy.bench.report.Figures.count;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.understudy.examples.kv.local.FreePort;
import org.understudy.examples.kv.local.LocalCluster;
import org.understudy.examples.kv.local.LocalClusterOptions;
import org.understudy.examples.kv.local.LocalMember;
import org.understudy.examples.kv.local.MemberStatus;

/**
 * One catch-up variant from start to end: found 3 voters, fill the log, run the write load through
 * the steady window, add a learner and start its process, wait until it has caught up, promote it,
 * wait until it is a voter on every member and through the settling window; then stop everything
 * and return the figures. Progress lines go to {@code progress} every couple of seconds.
 */
final class LearnerRun {
    static final String LEARNER = "n4";
    private static final List<String> VOTERS = List.of("n1", "n2", "n3");
    private static final long PROGRESS_NANOS = Duration.ofSeconds(2).toNanos();
    private static final long CATCH_UP_POLL_MILLIS = 50;
    private static final long PROMOTE_RETRY_MILLIS = 100;
    private static final long VOTER_POLL_MILLIS = 10;

    private final LearnerSettings settings;
    private final LocalClusterOptions options;
    private final Workload workload;
    private final RaftKvHttp http = new RaftKvHttp(Duration.ofSeconds(15));
    private final PrintStream progress;

    LearnerRun(LearnerSettings settings, LocalClusterOptions options, PrintStream progress) {
        this.settings = settings;
        this.options = options;
        this.workload = new Workload(settings.keys(), settings.seed());
        this.progress = progress;
    }

    Workload workload() {
        return workload;
    }

    /** Runs {@code variant} with its members' data under {@code workDir}; every process is stopped when it returns. */
    VariantResult run(CatchUpVariant variant, Path workDir) throws InterruptedException {
        long snapshotCount = variant.snapshotCount(settings.fillEntries());
        List<String> flags = List.of("--snapshot-count", String.valueOf(snapshotCount));
        try (LocalCluster cluster = LocalCluster.found(workDir, VOTERS, flags, options)) {
            LocalMember leader = cluster.awaitLeader();
            say(variant, "3 voters up (leader " + leader.name() + ", --snapshot-count " + count(snapshotCount)
                    + "); filling " + settings.logMib() + " MiB");
            long fillStart = System.nanoTime();
            long nextWrite = fill(variant, leader);
            double fillSeconds = secondsSince(fillStart);
            try (ElectionWatcher watcher = new ElectionWatcher(cluster.probe(), cluster::running)) {
                watcher.awaitFirstRound();
                return measure(variant, snapshotCount, cluster, leader, flags, nextWrite, fillSeconds, watcher);
            }
        }
    }

    /** Writes {@code logMib} MiB as fast as the fill window allows; returns the next write's number. */
    private long fill(CatchUpVariant variant, LocalMember leader) throws InterruptedException {
        long target = settings.fillEntries();
        long start = System.nanoTime();
        long next = new LogFiller(workload, settings.fillWindow()).fill(leader.endpoint(), target,
                settings.catchUpTimeout(), Duration.ofNanos(PROGRESS_NANOS), done -> say(variant, String.format(
                        Locale.ROOT, "fill %d/%d MiB (%s writes, %s/s)", done / 1024, settings.logMib(), count(done),
                        count(done / secondsSince(start)))));
        say(variant, String.format(Locale.ROOT, "filled %d MiB in %.1f s (%s writes/s)", settings.logMib(),
                secondsSince(start), count(target / secondsSince(start))));
        return next;
    }

    private VariantResult measure(CatchUpVariant variant, long snapshotCount, LocalCluster cluster, LocalMember leader,
            List<String> flags, long nextWrite, double fillSeconds, ElectionWatcher watcher) throws InterruptedException {
        ClosedLoopWriter writer = settings.clients() > 0
                ? new ClosedLoopWriter(http, leader.endpoint(), workload, nextWrite, settings.clients(),
                settings.rate()) : null;
        try {
            long[] starts = new long[Phases.ALL.size() + 1];
            starts[0] = System.nanoTime();
            if (writer != null) {
                writer.start(Phases.BEFORE);
            }
            say(variant, "steady window: " + settings.steadySeconds() + " s"
                    + (writer == null ? " (no write load)" : " with " + settings.clients() + " writers"
                    + (settings.rate() == 0 ? "" : " at " + settings.rate() + " writes/s")));
            Thread.sleep(Duration.ofSeconds(settings.steadySeconds()).toMillis()); // a timed window, not a wait for a condition

            starts[1] = System.nanoTime();
            if (writer != null) {
                writer.phase(Phases.CATCH_UP);
            }
            Readiness readiness = new Readiness(leader.endpoint(), starts[1]);
            int peerPort = FreePort.pick();
            RaftKvHttp.Added added = http.addLearner(leader.endpoint(), LEARNER, "127.0.0.1:" + peerPort);
            readiness.id = added.id();
            long target = cluster.probe().status(leader.endpoint()).map(MemberStatus::commitIndex)
                    .orElseThrow(() -> new IllegalStateException("the leader " + leader + " did not answer its status"));
            say(variant, "added learner " + LEARNER + " (id " + added.id() + "); catching up to index " + count(target));
            LocalMember learner = cluster.join(LEARNER, peerPort, added.initialCluster(), flags);
            double startedSeconds = secondsSince(starts[1]);
            awaitCaughtUp(variant, cluster, learner, target, starts[1], readiness);
            double catchUpSeconds = secondsSince(starts[1]);
            Optional<SnapshotLog.Transfer> snapshot = SnapshotLog.lastReceived(learner.process().stderrText());
            CatchUpFigures catchUp = new CatchUpFigures(target, workload.entryBytes(), catchUpSeconds, startedSeconds,
                    snapshot);
            say(variant, String.format(Locale.ROOT, "caught up in %.2f s (started after %.2f s): %.1f MB/s of log,"
                    + " %.1f MB/s after the start%s", catchUpSeconds, startedSeconds, catchUp.logMegabytesPerSecond(),
                    catchUp.afterStartMegabytesPerSecond(), snapshot.map(t -> String.format(Locale.ROOT,
                            "; snapshot at index %d, %.1f MB in %.2f s", t.index(), t.bytes() / 1e6, t.seconds())).orElse("; no snapshot")));

            starts[2] = System.nanoTime();
            if (writer != null) {
                writer.phase(Phases.PROMOTION);
            }
            PromotionFigures promotion = promote(variant, cluster, learner, starts[1], readiness);
            Thread.sleep(Duration.ofSeconds(settings.settleSeconds()).toMillis()); // the settling window
            starts[3] = System.nanoTime();
            if (writer != null) {
                writer.close();
            }
            List<PhaseFigures> phases = new ArrayList<>();
            List<StatusSample> samples = watcher.samples();
            for (int i = 0; i < Phases.ALL.size(); i++) {
                String name = Phases.ALL.get(i);
                double seconds = (starts[i + 1] - starts[i]) / 1e9;
                ClosedLoopWriter.Stats stats = writer != null ? writer.stats(name) : ClosedLoopWriter.Stats.none();
                phases.add(PhaseFigures.of(name, seconds, stats, ElectionCounter.count(samples, starts[i], starts[i + 1])));
            }
            return new VariantResult(variant, snapshotCount, settings.fillEntries(), fillSeconds, catchUp, phases,
                    promotion);
        } finally {
            if (writer != null) {
                writer.close();
            }
        }
    }

    private void awaitCaughtUp(CatchUpVariant variant, LocalCluster cluster, LocalMember learner, long target,
            long addNanos, Readiness readiness) throws InterruptedException {
        long deadline = addNanos + settings.catchUpTimeout().toNanos();
        long lastSaid = System.nanoTime();
        long applied = 0;
        while (true) {
            Optional<MemberStatus> s = cluster.probe().status(learner.endpoint());
            if (s.isPresent()) {
                applied = s.get().appliedIndex();
                if (applied >= target) {
                    readiness.check();
                    return;
                }
            }
            if (!learner.isRunning()) {
                throw new IllegalStateException(variant.label() + ": the learner ended while catching up. "
                        + learner.process().stderrTail(30));
            }
            long now = System.nanoTime();
            if (now - deadline > 0) {
                throw new IllegalStateException(variant.label() + ": the learner applied " + applied + " of " + target
                        + " entries in " + settings.catchUpTimeout());
            }
            if (now - lastSaid >= PROGRESS_NANOS) {
                double seconds = secondsSince(addNanos);
                say(variant, String.format(Locale.ROOT, "catch-up %d%% (applied %s of %s) after %.1f s, %.1f MB/s",
                        applied * 100 / Math.max(1, target), count(applied), count(target), seconds,
                        applied * (double) workload.entryBytes() / seconds / 1e6));
                lastSaid = now;
            }
            readiness.check();
            Thread.sleep(CATCH_UP_POLL_MILLIS); // another process's progress, polled over HTTP
        }
    }

    private PromotionFigures promote(CatchUpVariant variant, LocalCluster cluster, LocalMember learner, long addNanos,
            Readiness readiness) throws InterruptedException {
        long deadline = System.nanoTime() + settings.catchUpTimeout().toNanos();
        int refused = 0;
        long sent;
        RaftKvHttp.Reply reply;
        while (true) {
            sent = System.nanoTime();
            reply = http.promote(readiness.leaderEndpoint, readiness.id);
            if (reply.status() == 200) {
                break;
            }
            if (reply.status() != 412 || !reply.code().equals("LEARNER_NOT_READY")) {
                throw new IllegalStateException(variant.label() + ": promote " + readiness.id + ": " + reply);
            }
            refused++;
            if (System.nanoTime() - deadline > 0) {
                throw new IllegalStateException(variant.label() + ": promote still refused after "
                        + settings.catchUpTimeout() + ": " + reply);
            }
            readiness.check();
            Thread.sleep(PROMOTE_RETRY_MILLIS); // the leader's verdict changes with the learner's progress
        }
        long answered = System.nanoTime();
        while (!voterEverywhere(cluster, readiness.id)) {
            if (System.nanoTime() - deadline > 0) {
                throw new IllegalStateException(variant.label() + ": " + LEARNER + " was promoted but not every member"
                        + " lists it as a voter after " + settings.catchUpTimeout());
            }
            readiness.check();
            Thread.sleep(VOTER_POLL_MILLIS); // other processes applying the configuration change
        }
        long voter = System.nanoTime();
        readiness.check();
        say(variant, String.format(Locale.ROOT, "promoted (%d refused attempts); a voter on every member %.0f ms after"
                + " the promote was sent", refused, (voter - sent) / 1e6));
        return new PromotionFigures(readiness.readySeconds(), (sent - addNanos) / 1e9, refused, (answered - sent) / 1e6,
                (voter - sent) / 1e6);
    }

    private boolean voterEverywhere(LocalCluster cluster, String id) {
        for (LocalMember m : cluster.running()) {
            Optional<List<RaftKvHttp.MemberEntry>> members = http.members(m.endpoint());
            if (members.isEmpty() || members.get().stream().noneMatch(e -> e.id().equals(id) && !e.learner())) {
                return false;
            }
        }
        return true;
    }

    /**
     * When the leader's member list first shows the learner ready in {@code ctl member add --wait}'s
     * sense: a match index and a lag of at most {@link PromotionFigures#READY_LAG}.
     */
    private final class Readiness {
        final String leaderEndpoint;
        final long addNanos;
        String id;
        long readyNanos = -1;

        Readiness(String leaderEndpoint, long addNanos) {
            this.leaderEndpoint = leaderEndpoint;
            this.addNanos = addNanos;
        }

        void check() {
            if (readyNanos >= 0 || id == null) {
                return;
            }
            long now = System.nanoTime();
            http.members(leaderEndpoint).flatMap(list -> list.stream().filter(e -> e.id().equals(id)).findFirst())
                    .filter(e -> e.matchIndex() > 0 && e.lag() >= 0 && e.lag() <= PromotionFigures.READY_LAG)
                    .ifPresent(e -> readyNanos = now);
        }

        double readySeconds() {
            return readyNanos < 0 ? Double.NaN : (readyNanos - addNanos) / 1e9;
        }
    }

    private void say(CatchUpVariant variant, String what) {
        // Wall-clock time, as in the members' logs, so that the two can be read side by side.
        progress.println("[learner " + LocalTime.now().truncatedTo(ChronoUnit.MILLIS) + "] " + variant.label() + ": " + what);
        progress.flush();
    }

    private static double secondsSince(long nanos) {
        return (System.nanoTime() - nanos) / 1e9;
    }
}
