package org.understudy.raft.spi.kit;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The crash kit must fail against an engine whose syncs lie, and say where. */
class KillNineCrashKitSelfTest {

    private static final long SEED = 20260321L;

    @Test
    void anEngineThatLosesSyncedWritesFailsTheKitWithTheSeedAndTheLostEntries(@TempDir Path workDir) {
        // At least 40 lines before the kill: several syncs, every one of them a lie.
        CrashSettings settings = CrashSettings.fromSystemProperties().withSeed(SEED).withRounds(1).withKillAfterLines(40, 40);
        CrashRounds rounds = new CrashRounds(ForgetfulJournalFileStorageEngine.class.getName(), List.of(), workDir, settings);

        assertThatThrownBy(rounds::run)
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("seed " + SEED + ", round 1/1")
                .hasMessageContaining("-Dcrash.seed=" + SEED)
                .hasMessageContaining("were synced but the log now ends at 0");
    }
}
