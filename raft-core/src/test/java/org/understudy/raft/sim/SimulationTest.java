package org.understudy.raft.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.FileNotFoundException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * Runs the deterministic simulator over many seeds (DESIGN.md §8).
 *
 * <p>System properties: {@code sim.seeds} (how many seeds, default 500), {@code sim.firstSeed}
 * (default 1), {@code sim.steps} (steps per run, default {@value Simulation#DEFAULT_STEPS}),
 * {@code sim.seed} (replay exactly one seed), {@code sim.trace=true} (with {@code sim.seed}: write
 * every event of the run to {@code target/sim-trace-SEED.txt}). Seeds run in parallel, but each run
 * is single-threaded and depends only on its seed, so a failure replays exactly.
 */
class SimulationTest {

    @Test
    void randomizedClustersStaySafeAndSettle() throws Exception {
        int steps = Integer.getInteger("sim.steps", Simulation.DEFAULT_STEPS);
        Long one = Long.getLong("sim.seed");
        if (one != null) {
            replay(one, steps);
            return;
        }
        int seeds = Integer.getInteger("sim.seeds", 500);
        long first = Long.getLong("sim.firstSeed", 1L);
        long started = System.nanoTime();
        List<Long> order = new ArrayList<>();
        List<Future<SimResult>> runs = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, Runtime.getRuntime().availableProcessors()));
        try {
            for (long seed = first; seed < first + seeds; seed++) {
                long s = seed;
                order.add(s);
                runs.add(pool.submit(() -> new Simulation(s, steps).run()));
            }
            Map<SimProfile, SimResult> totals = new EnumMap<>(SimProfile.class);
            Map<SimProfile, Integer> counts = new EnumMap<>(SimProfile.class);
            List<String> failures = new ArrayList<>();
            SimResult slowest = null;
            for (int i = 0; i < runs.size(); i++) {
                try {
                    SimResult r = runs.get(i).get();
                    if (slowest == null || r.settleSteps() > slowest.settleSteps()) {
                        slowest = r;
                    }
                    totals.merge(r.profile(), r, SimResult::plus);
                    counts.merge(r.profile(), 1, Integer::sum);
                } catch (ExecutionException e) {
                    failures.add(e.getCause() instanceof AssertionError a ? a.getMessage()
                            : "seed " + order.get(i) + ": " + e.getCause());
                }
            }
            double secs = (System.nanoTime() - started) / 1e9;
            totals.forEach((profile, t) -> System.out.println(summary(profile, counts.get(profile), t)));
            System.out.printf("simulation: %d seeds x %d steps in %.1f s, %d failed; slowest to settle: seed %d"
                    + " (%d steps)%n", seeds, steps, secs, failures.size(), slowest == null ? 0 : slowest.seed(),
                    slowest == null ? 0 : slowest.settleSteps());
            if (!failures.isEmpty()) {
                throw new AssertionError(failures.size() + " of " + seeds + " seeds failed; first failure:\n"
                        + failures.get(0) + (failures.size() > 1 ? "\nothers:\n" + String.join("\n",
                                failures.subList(1, Math.min(failures.size(), 6)).stream()
                                        .map(f -> "  " + f.lines().filter(l -> l.contains("replay:")).findFirst()
                                                .orElse(f.lines().findFirst().orElse("")).trim()
                                                + " -- " + f.lines().findFirst().orElse(""))
                                        .toList()) : ""));
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aSeedReplaysExactly_aloneOrInAParallelBatch() throws Exception {
        long[] seeds = {424242, 384, 476, 578};
        List<SimResult> alone = new ArrayList<>();
        for (long seed : seeds) {
            alone.add(new Simulation(seed, 1500).run());
        }
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<Future<SimResult>> batch = new ArrayList<>();
            for (int round = 0; round < 2; round++) {
                for (long seed : seeds) {
                    batch.add(pool.submit(() -> new Simulation(seed, 1500).run()));
                }
            }
            for (int i = 0; i < batch.size(); i++) {
                assertThat(batch.get(i).get()).isEqualTo(alone.get(i % seeds.length));
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(alone.get(0).commandsCommitted()).as("the run did something").isPositive();
    }

    private static void replay(long seed, int steps) throws FileNotFoundException {
        PrintStream trace = null;
        if (Boolean.getBoolean("sim.trace")) {
            Path file = Path.of("target", "sim-trace-" + seed + ".txt").toAbsolutePath();
            try {
                Files.createDirectories(file.getParent());
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            trace = new PrintStream(file.toFile());
            System.out.println("simulation trace: " + file);
        }
        try {
            Simulation sim = new Simulation(seed, steps, trace);
            System.out.println("simulation seed " + seed + ": " + sim.options());
            SimResult r = sim.run();
            System.out.println(summary(r.profile(), 1, r));
        } finally {
            if (trace != null) {
                trace.close();
            }
        }
    }

    private static String summary(SimProfile profile, int seeds, SimResult t) {
        return String.format("simulation %-10s seeds=%d steps=%d committed=%d confChanges=%d crashes=%d"
                        + " snapshotsInstalled=%d snapshotsTaken=%d elections=%d reads=%d refusals=%d messages=%d"
                        + " maxSettleSteps=%d",
                profile, seeds, t.steps(), t.commandsCommitted(), t.confChangesCommitted(), t.crashes(),
                t.snapshotsInstalled(), t.snapshotsTaken(), t.elections(), t.readsServed(), t.raftErrors(),
                t.messagesSent(), t.settleSteps());
    }
}
