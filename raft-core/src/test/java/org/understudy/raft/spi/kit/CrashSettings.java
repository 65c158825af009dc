package org.understudy.raft.spi.kit;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * How hard {@link KillNineCrashKit} tries.
 *
 * @param seed every random choice of the test (the payloads, the writer's choices, the kill
 *     moment) derives from it; the moment the kill lands also depends on timing, so a rerun with the
 *     same seed makes the same choices but may kill at a slightly different point
 * @param rounds kill-and-reopen rounds, all on the same directory, so recovery after recovery is tested
 * @param maxSyncsPerChild a writer stops writing after this many syncs and waits for its kill
 * @param killAfterLinesMin the fewest lines the parent reads before the kill (1 = right after {@code READY})
 * @param killAfterLinesMax the most lines; a writer prints about four per sync
 * @param lineTimeout the longest the parent waits for the writer's next line before calling it hung
 */
public record CrashSettings(long seed, int rounds, int maxSyncsPerChild, int killAfterLinesMin, int killAfterLinesMax,
        Duration lineTimeout) {

    public static final String SEED_PROPERTY = "crash.seed";
    public static final String ROUNDS_PROPERTY = "crash.rounds";

    public CrashSettings {
        if (rounds < 1 || maxSyncsPerChild < 1 || killAfterLinesMin < 1 || killAfterLinesMax < killAfterLinesMin) {
            throw new IllegalArgumentException("bad crash settings: rounds " + rounds + ", maxSyncsPerChild "
                    + maxSyncsPerChild + ", killAfterLines " + killAfterLinesMin + ".." + killAfterLinesMax);
        }
    }

    /**
     * The defaults (5 rounds; a kill after 1..200 lines, about 50 syncs at most; a writer stops
     * after 80 syncs), with {@code -Dcrash.seed=} and {@code -Dcrash.rounds=} applied. Without
     * {@code crash.seed} each run takes a new seed, printed at the start and in every failure.
     */
    public static CrashSettings fromSystemProperties() {
        String seed = System.getProperty(SEED_PROPERTY);
        String rounds = System.getProperty(ROUNDS_PROPERTY);
        return new CrashSettings(
                seed == null || seed.isBlank() ? ThreadLocalRandom.current().nextLong() : Long.parseLong(seed.strip()),
                rounds == null || rounds.isBlank() ? 5 : Integer.parseInt(rounds.strip()),
                80, 1, 200, Duration.ofSeconds(60));
    }

    public CrashSettings withSeed(long newSeed) {
        return new CrashSettings(newSeed, rounds, maxSyncsPerChild, killAfterLinesMin, killAfterLinesMax, lineTimeout);
    }

    public CrashSettings withRounds(int newRounds) {
        return new CrashSettings(seed, newRounds, maxSyncsPerChild, killAfterLinesMin, killAfterLinesMax, lineTimeout);
    }

    public CrashSettings withKillAfterLines(int min, int max) {
        return new CrashSettings(seed, rounds, maxSyncsPerChild, min, max, lineTimeout);
    }

    public CrashSettings withMaxSyncsPerChild(int max) {
        return new CrashSettings(seed, rounds, max, killAfterLinesMin, killAfterLinesMax, lineTimeout);
    }
}
