package org.understudy.bench.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Runs each core benchmark's setup and a few thousand operations outside JMH (past the 10,000
 * stored entries at which the logs are compacted), checking that the rounds really replicate,
 * commit and compact, so that a benchmark that silently measured nothing fails the default build.
 */
class CoreBenchmarksSmokeTest {
    private static final int ROUNDS = 3_000;
    private static final int ENTRIES = 4;

    @Test
    void leaderRoundsCommitEveryEntry() {
        LeaderCoreBenchmark bench = new LeaderCoreBenchmark();
        bench.entries = ENTRIES;
        bench.elect();
        long start = bench.leader().core.lastIndex();
        for (int i = 0; i < ROUNDS; i++) {
            // each round: 4 appends to each follower, then 2 appends carrying the commit, and 4 entries committed
            assertThat(bench.round()).isEqualTo(2 * ENTRIES + 2 + ENTRIES);
        }
        bench.checkEverythingCommitted();
        CoreNode leader = bench.leader();
        assertThat(leader.core.commitIndex()).isEqualTo(start + ROUNDS * ENTRIES);
        assertThat(leader.log.lastIndex()).isEqualTo(start + ROUNDS * ENTRIES);
        assertThat(leader.log.firstIndex()).as("compacted").isGreaterThan(1);
        assertThat(leader.log.lastIndex() - leader.log.firstIndex() + 1).isLessThanOrEqualTo(CoreNode.MAX_STORED_ENTRIES);
    }

    @Test
    void followerRoundsStoreAcknowledgeAndCommit() {
        FollowerCoreBenchmark bench = new FollowerCoreBenchmark();
        bench.entries = ENTRIES;
        bench.elect();
        long start = bench.follower().core.lastIndex();
        for (int i = 0; i < ROUNDS; i++) {
            int handled = bench.round(); // one acknowledgement, plus the previous round's entries committed
            assertThat(handled).isEqualTo(i == 0 ? 1 : 1 + ENTRIES);
        }
        bench.checkKeptUp();
        CoreNode follower = bench.follower();
        assertThat(follower.log.lastIndex()).isEqualTo(start + ROUNDS * ENTRIES);
        assertThat(follower.core.commitIndex()).isEqualTo(start + (ROUNDS - 1) * ENTRIES);
        assertThat(follower.log.firstIndex()).as("compacted").isGreaterThan(1);
    }

    @ParameterizedTest
    @CsvSource({"3, 3", "5, 5", "joint-3-3, 4"})
    void quorumMathFollowsTheAcknowledgements(String config, int voterCount) {
        QuorumBenchmark bench = new QuorumBenchmark();
        bench.config = config;
        bench.build();
        for (int turn = 1; turn <= 10; turn++) {
            long committed = 0;
            for (int v = 0; v < voterCount; v++) { // every voter acknowledges one more entry
                committed = bench.committedIndex();
            }
            assertThat(committed).as("pure function after turn %d", turn).isEqualTo(1_000 + turn);
        }
        for (int turn = 1; turn <= 10; turn++) {
            long committed = 0;
            for (int v = 0; v < voterCount; v++) {
                committed = bench.trackerCommitted();
            }
            assertThat(committed).as("progress tracker after turn %d", turn).isEqualTo(1_000 + turn);
        }
    }

    @Test
    void anUnknownQuorumConfigIsNamed() {
        QuorumBenchmark bench = new QuorumBenchmark();
        bench.config = "7";
        assertThatThrownBy(bench::build).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unknown config '7'");
    }

    @ParameterizedTest
    @ValueSource(ints = {1, ENTRIES})
    void logAppendsGrowCommitAndCompact(int entries) {
        LogAppendBenchmark bench = new LogAppendBenchmark();
        bench.entries = entries;
        bench.build();
        long coreStart = bench.single().core.lastIndex();
        for (int i = 0; i < ROUNDS; i++) {
            bench.storageAppend();
            assertThat(bench.coreAppend()).as("committed in the same operation").isEqualTo(entries);
        }
        bench.checkCommitted();
        assertThat(bench.storage().lastIndex()).isEqualTo((long) ROUNDS * entries);
        assertThat(bench.single().core.lastIndex()).isEqualTo(coreStart + (long) ROUNDS * entries);
        if (ROUNDS * entries > CoreNode.MAX_STORED_ENTRIES) {
            assertThat(bench.storage().firstIndex()).isGreaterThan(1);
            assertThat(bench.single().log.firstIndex()).isGreaterThan(1);
        }
    }
}
