package org.understudy.raft.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.understudy.raft.runtime.TestCluster.eventually;

import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Nodes that crash and restart on what their storage made durable. */
class RaftNodeRecoveryTest {
    private static final long SEED = 37;
    private TestCluster cluster;

    @AfterEach
    void tearDown() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void aRestartedFollowerRestoresItsSnapshotReplaysItsLogAndCatchesUp() throws Exception {
        cluster = new TestCluster(SEED, List.of(1L, 2L, 3L))
                .options(b -> b.snapshotCount(10).entriesKeptAfterSnapshot(5))
                .startAll();
        long leader = cluster.awaitLeader();
        long follower = cluster.followerOf(leader);
        for (int i = 0; i < 25; i++) {
            cluster.node(leader).propose(TestKv.put("k" + i, "before")).get(5, TimeUnit.SECONDS);
        }
        cluster.awaitApplied(cluster.node(leader).status().commitIndex());
        eventually().until(() -> cluster.snapshots.get(follower).latest().orElseThrow().getIndex() > 1);

        RaftNode<Long> restarted = cluster.restart(follower);
        TestKv kv = cluster.kv(follower);
        // Right after start the state is the snapshot's, then the log after it is re-applied.
        assertThat(kv.restores()).isEqualTo(1);
        for (int i = 0; i < 15; i++) {
            cluster.node(leader).propose(TestKv.put("k" + i, "after")).get(5, TimeUnit.SECONDS);
        }

        eventually().untilAsserted(() -> {
            assertThat(restarted.status().appliedIndex()).isGreaterThanOrEqualTo(cluster.node(leader).status().commitIndex());
            assertThat(kv.digest()).as("seed %d", SEED).isEqualTo(cluster.kv(leader).digest());
        });
        assertThat(kv.commands()).isEqualTo(40);
        assertThat(kv.get("k0")).isEqualTo("after");
        assertThat(kv.get("k20")).isEqualTo("before");
    }

    @Test
    void aNodeThatMissedCompactedEntriesCatchesUpByASnapshotAfterRestart() throws Exception {
        cluster = new TestCluster(SEED, List.of(1L, 2L, 3L))
                .options(b -> b.snapshotCount(10).entriesKeptAfterSnapshot(0).snapshotChunkBytes(32))
                .startAll();
        long leader = cluster.awaitLeader();
        long follower = cluster.followerOf(leader);
        cluster.node(leader).propose(TestKv.put("first", "1")).get(5, TimeUnit.SECONDS);
        cluster.awaitApplied(cluster.node(leader).status().commitIndex());

        cluster.node(follower).close();
        for (int i = 0; i < 40; i++) {
            cluster.node(leader).propose(TestKv.put("k" + i, "v" + i)).get(5, TimeUnit.SECONDS);
        }
        long firstIndexWhileDown = cluster.logs.get(leader).firstIndex();
        assertThat(firstIndexWhileDown).as("the leader compacted past what the follower has").isGreaterThan(10);

        RaftNode<Long> restarted = cluster.restart(follower);
        eventually().untilAsserted(() -> {
            assertThat(restarted.status().appliedIndex()).isGreaterThanOrEqualTo(cluster.node(leader).status().commitIndex());
            assertThat(cluster.kv(follower).digest()).as("seed %d", SEED).isEqualTo(cluster.kv(leader).digest());
        });
        assertThat(cluster.kv(follower).restores()).as("the start-up restore, then the leader's snapshot").isEqualTo(2);
    }
}
