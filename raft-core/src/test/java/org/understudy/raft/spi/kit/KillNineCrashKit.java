package org.understudy.raft.spi.kit;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * Durability under {@code kill -9}, for any durable {@link org.understudy.raft.spi.StorageEngine}.
 *
 * <p>A child JVM ({@link CrashWriter}) appends, overwrites suffixes in higher terms, compacts,
 * sets the hard state and syncs, printing what it is about to write and what each sync made
 * durable. The test kills it with SIGKILL at a seeded moment (in an append, a sync, a compaction,
 * between them), sometimes also kills a second child while it recovers the crashed store, then
 * reopens the store in this JVM and checks ({@link CrashModel}, {@link RecoveredLog}) that
 * <ul>
 *   <li>every entry a sync covered is there with its term and its exact data, unless a write
 *       announced after that sync removed or compacted it;</li>
 *   <li>the hard state and the compaction point are the synced ones or ones set after them;</li>
 *   <li>whatever survived beyond the last sync is a prefix of what was written after it, every
 *       entry whole;</li>
 *   <li>the store is well-formed: bounds, {@code term(i)}, non-decreasing terms;</li>
 *   <li>appending continues: an overwrite of the tail in a higher term, more entries, a hard
 *       state, sync, close; a reopen finds exactly that, and so does the next round's writer.</li>
 * </ul>
 * Five rounds by default, on one directory, so later rounds recover a store that was itself
 * recovered. Each round prints one summary line. {@code -Dcrash.seed=} and {@code -Dcrash.rounds=}
 * override the seed and the rounds (see {@link CrashSettings}); a failing run keeps its directory
 * and names it in the message.
 *
 * <p>An engine module extends this class and names its engine:
 * <pre>{@code
 * class MapDbKillNineCrashTest extends KillNineCrashKit {
 *     protected String engineClassName() { return "org.understudy.raft.storage.mapdb.MapDbStorageEngine"; }
 * }
 * }</pre>
 * The child runs on the test classpath with this JVM's {@code --add-exports}/{@code --add-opens}
 * flags and {@code -Dchronicle.*}/{@code -Djna.*} properties (see {@link ChildJvm}); an engine that
 * needs more says so in {@link #extraJvmArgs()}.
 */
public abstract class KillNineCrashKit {

    private CrashRounds rounds;

    /** A {@link org.understudy.raft.spi.StorageEngine} class with a public no-arg constructor. */
    protected abstract String engineClassName();

    /** Flags for the child JVM besides those it inherits from this one; none by default. */
    protected List<String> extraJvmArgs() {
        return List.of();
    }

    /** How hard to try; {@link CrashSettings#fromSystemProperties()} by default. */
    protected CrashSettings settings() {
        return CrashSettings.fromSystemProperties();
    }

    @Test
    @Timeout(value = 10, unit = TimeUnit.MINUTES)
    public void syncedWritesSurviveKillNineAndTheLogStaysWritable(@TempDir(cleanup = CleanupMode.ON_SUCCESS) Path workDir)
            throws InterruptedException {
        rounds = new CrashRounds(engineClassName(), extraJvmArgs(), workDir, settings());
        rounds.run();
    }

    /** {@link CrashRounds#run()} kills its writer on the way out; this covers a test interrupted by its timeout. */
    @AfterEach
    void killLeftoverWriter() {
        if (rounds != null) {
            rounds.close();
        }
    }
}
