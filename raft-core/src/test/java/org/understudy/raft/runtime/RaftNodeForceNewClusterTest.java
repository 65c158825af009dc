package org.understudy.raft.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.understudy.raft.runtime.TestCluster.eventually;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.understudy.raft.ErrorCode;
import org.understudy.raft.RaftException;
import org.understudy.raft.core.ConfChanges;
import org.understudy.raft.core.Role;
import org.understudy.raft.memory.MemoryLogStorage;
import org.understudy.raft.memory.MemorySnapshotStore;
import org.understudy.raft.proto.ConfState;
import org.understudy.raft.proto.HardState;

/** {@link RaftNodeOptions#forceNewCluster()}: a survivor of a lost quorum restarts as the only voter. */
class RaftNodeForceNewClusterTest {
    private static final long SEED = 41;
    private TestCluster cluster;

    @AfterEach
    void tearDown() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void theSurvivorOfALostQuorumLeadsAloneKeepsWhatItCommittedAndTakesNewMembers() throws Exception {
        // CheckQuorum off: the leader keeps leading after losing its quorum, so that the test can
        // leave an entry in its log that never commits.
        cluster = new TestCluster(SEED, List.of(1L, 2L, 3L))
                .config(b -> b.checkQuorum(false))
                .options(b -> b.snapshotCount(10).entriesKeptAfterSnapshot(5))
                .startAll();
        long survivor = cluster.awaitLeader();
        RaftNode<Long> lead = cluster.node(survivor);
        for (int i = 0; i < 25; i++) {
            lead.propose(TestKv.put("k" + i, "v" + i)).get(5, TimeUnit.SECONDS);
        }
        cluster.awaitApplied(lead.status().commitIndex());
        eventually().until(() -> cluster.snapshots.get(survivor).latest().orElseThrow().getIndex() > 1);
        Map<String, String> committed = cluster.kv(survivor).copy();
        long digest = cluster.kv(survivor).digest();

        for (long id : List.of(1L, 2L, 3L)) {
            if (id != survivor) {
                cluster.node(id).close(); // gone for good
            }
        }
        long commitBefore = lead.status().commitIndex();
        CompletableFuture<Long> lost = lead.propose(TestKv.put("lost", "never committed"));
        eventually().until(() -> cluster.logs.get(survivor).crashCopy().lastIndex() > commitBefore);
        assertThat(lost).isNotDone();

        RaftNode<Long> forced = cluster.restartForcingNewCluster(survivor);
        eventually().untilAsserted(() -> {
            assertThat(forced.status().role()).isEqualTo(Role.LEADER);
            assertThat(forced.status().confState()).isEqualTo(ConfState.newBuilder().addVoters(survivor).build());
        });
        assertThat(cluster.kv(survivor).copy()).as("seed %d", SEED).isEqualTo(committed);
        assertThat(cluster.kv(survivor).digest()).isEqualTo(digest);
        assertThat(cluster.kv(survivor).get("lost")).as("the uncommitted entry was discarded").isNull();
        forced.propose(TestKv.put("after", "force")).get(5, TimeUnit.SECONDS);

        RaftNode<Long> fresh = cluster.startJoiner(4L);
        forced.changeMembership(ConfChanges.addLearner(4L)).get(5, TimeUnit.SECONDS);
        eventually().untilAsserted(() -> {
            assertThat(fresh.status().appliedIndex()).isGreaterThanOrEqualTo(forced.status().commitIndex());
            assertThat(cluster.kv(4L).digest()).isEqualTo(cluster.kv(survivor).digest());
        });
        ConfState promoted = forced.changeMembership(ConfChanges.promote(4L)).get(5, TimeUnit.SECONDS);
        assertThat(promoted.getVotersList()).containsExactlyInAnyOrder(survivor, 4L);
        assertThat(promoted.getLearnersList()).isEmpty();
        forced.propose(TestKv.put("with", "two voters")).get(5, TimeUnit.SECONDS);
        eventually().untilAsserted(() -> assertThat(cluster.kv(4L).get("with")).isEqualTo("two voters"));
        assertThat(cluster.kv(4L).get("k24")).isEqualTo("v24");
        assertThat(cluster.kv(4L).get("after")).isEqualTo("force");
    }

    @Test
    void aLearnerIsRefusedAndItsStorageLeftAlone() throws Exception {
        cluster = new TestCluster(SEED, List.of(1L, 2L, 3L)).startAll();
        long leader = cluster.awaitLeader();
        RaftNode<Long> learner = cluster.startJoiner(4L);
        cluster.node(leader).changeMembership(ConfChanges.addLearner(4L)).get(5, TimeUnit.SECONDS);
        cluster.node(leader).propose(TestKv.put("k", "v")).get(5, TimeUnit.SECONDS);
        eventually().until(() -> learner.status().appliedIndex() >= cluster.node(leader).status().commitIndex());
        learner.close();
        MemoryLogStorage durable = cluster.logs.get(4L).crashCopy();
        HardState hardState = durable.hardState();
        long lastIndex = durable.lastIndex();

        RaftException refused = catchThrowableOfType(RaftException.class, () -> cluster.restartForcingNewCluster(4L));

        assertThat(refused.code()).isEqualTo(ErrorCode.UNSUPPORTED_ON_LEARNER);
        assertThat(refused.getMessage()).contains("learner", "can't force a new cluster");
        assertThat(cluster.node(4L).status().health()).isEqualTo(NodeHealth.NEW);
        assertThat(cluster.logs.get(4L).hardState()).isEqualTo(hardState);
        assertThat(cluster.logs.get(4L).lastIndex()).isEqualTo(lastIndex);
    }

    @Test
    void emptyStorageHasNothingToRecover() {
        cluster = new TestCluster(SEED, List.of(1L));
        RaftNodeOptions options = cluster.options(1L, StartMode.found(List.of(1L))).toBuilder()
                .forceNewCluster(true).build();
        MemoryLogStorage log = new MemoryLogStorage();
        try (RaftNode<Long> node = RaftNode.create(options, log, new MemorySnapshotStore(),
                cluster.network.transport(1L), new TestKv())) {
            RaftException refused = catchThrowableOfType(RaftException.class, node::start);
            assertThat(refused.code()).isEqualTo(ErrorCode.BAD_REQUEST);
            assertThat(refused.getMessage()).contains("storage is empty", "nothing to recover");
            assertThat(log.lastIndex()).as("no cluster was founded either").isZero();
        }
    }
}
