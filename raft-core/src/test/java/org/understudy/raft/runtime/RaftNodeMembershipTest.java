package org.understudy.raft.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.understudy.raft.runtime.TestCluster.eventually;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.understudy.raft.ErrorCode;
import org.understudy.raft.RaftException;
import org.understudy.raft.proto.ConfChange;
import org.understudy.raft.proto.ConfChangeSingle;
import org.understudy.raft.proto.ConfChangeType;
import org.understudy.raft.proto.ConfState;
import org.understudy.raft.proto.MessageType;

/** Learners joining through a chunked snapshot, promotion, leadership transfer. */
class RaftNodeMembershipTest {
    private static final long SEED = 23;
    private TestCluster cluster;

    @AfterEach
    void tearDown() {
        if (cluster != null) {
            cluster.close();
        }
    }

    static ConfChange change(ConfChangeType type, long node) {
        return ConfChange.newBuilder()
                .addChanges(ConfChangeSingle.newBuilder().setType(type).setNodeId(node))
                .build();
    }

    @Test
    void aLearnerJoinsThroughAChunkedSnapshotCatchesUpAndIsPromoted() throws Exception {
        cluster = new TestCluster(SEED, List.of(1L, 2L, 3L))
                .options(b -> b.snapshotCount(20).entriesKeptAfterSnapshot(0).snapshotChunkBytes(64)
                        .snapshotInflightChunks(2))
                .startAll();
        long leader = cluster.awaitLeader();
        RaftNode<Long> lead = cluster.node(leader);
        for (int i = 0; i < 60; i++) {
            lead.propose(TestKv.put("key-" + i, "value-" + i + "-with-some-padding")).get(5, TimeUnit.SECONDS);
        }
        // The leader snapshotted and compacted its log, so a new member can only start from a snapshot.
        eventually().until(() -> cluster.logs.get(leader).firstIndex() > 20);

        RaftNode<Long> learner = cluster.startJoiner(4L);
        List<ConfState> seenByLearner = new CopyOnWriteArrayList<>();
        learner.addConfigurationListener(seenByLearner::add);
        ConfState added = lead.changeMembership(change(ConfChangeType.CONF_CHANGE_ADD_LEARNER, 4)).get(5, TimeUnit.SECONDS);
        assertThat(added.getLearnersList()).containsExactly(4L);
        assertThat(added.getVotersList()).containsExactlyInAnyOrder(1L, 2L, 3L);

        eventually().untilAsserted(() -> {
            assertThat(learner.status().appliedIndex()).isGreaterThanOrEqualTo(lead.status().commitIndex());
            assertThat(cluster.kv(4L).digest()).isEqualTo(cluster.kv(leader).digest());
        });
        assertThat(cluster.kv(4L).restores()).as("restored from the leader's snapshot").isEqualTo(1);
        assertThat(cluster.kv(4L).get("key-59")).isEqualTo("value-59-with-some-padding");
        assertThat(cluster.transports.get(leader).sent(MessageType.MSG_SNAPSHOT_CHUNK))
                .as("the snapshot (> 1 KiB) travelled in 64-byte chunks").isGreaterThan(10);
        assertThat(learner.status().isLearner()).isTrue();
        assertThat(cluster.transports.get(leader).learnerRoles)
                .as("the leader's transport knows 4 is a learner, so it can rate-limit catch-up to it")
                .containsEntry(4L, true).containsEntry(2L, false);
        eventually().untilAsserted(() -> {
            assertThat(lead.status().progress().get(4L).learner()).isTrue();
            assertThat(lead.status().progress().get(4L).lag()).isZero();
        });

        // A learner neither writes nor leads.
        Throwable write = catchThrowable(() -> learner.propose(TestKv.put("no", "pe")).get(5, TimeUnit.SECONDS));
        assertThat(((RaftException) write.getCause()).code()).isEqualTo(ErrorCode.UNSUPPORTED_ON_LEARNER);
        Throwable lead4 = catchThrowable(() -> lead.transferLeadership(4L).get(5, TimeUnit.SECONDS));
        assertThat(lead4).isInstanceOf(ExecutionException.class);
        assertThat(((RaftException) lead4.getCause()).code()).isEqualTo(ErrorCode.UNSUPPORTED_ON_LEARNER);

        ConfState promoted = lead.changeMembership(change(ConfChangeType.CONF_CHANGE_ADD_VOTER, 4)).get(5, TimeUnit.SECONDS);
        assertThat(promoted.getVotersList()).containsExactlyInAnyOrder(1L, 2L, 3L, 4L);
        assertThat(promoted.getLearnersList()).isEmpty();
        eventually().untilAsserted(() -> {
            assertThat(learner.status().isLearner()).isFalse();
            assertThat(seenByLearner).isNotEmpty();
            assertThat(seenByLearner.get(seenByLearner.size() - 1).getVotersList()).contains(4L);
            assertThat(cluster.transports.get(leader).learnerRoles).containsEntry(4L, false);
        });
        // The promoted node now counts: writes still commit and reach it.
        lead.propose(TestKv.put("after", "promotion")).get(5, TimeUnit.SECONDS);
        eventually().untilAsserted(() -> assertThat(cluster.kv(4L).get("after")).isEqualTo("promotion"));
    }

    @Test
    void leadershipMovesToTheVoterItIsTransferredTo() throws Exception {
        cluster = new TestCluster(SEED, List.of(1L, 2L, 3L)).startAll();
        long leader = cluster.awaitLeader();
        long target = cluster.followerOf(leader);
        long bystander = List.of(1L, 2L, 3L).stream().filter(id -> id != leader && id != target).findFirst().orElseThrow();
        List<Long> heard = new CopyOnWriteArrayList<>();
        cluster.node(bystander).addLeaderListener(heard::add);
        cluster.node(leader).propose(TestKv.put("a", "1")).get(5, TimeUnit.SECONDS);

        cluster.node(leader).transferLeadership(target).get(5, TimeUnit.SECONDS);

        assertThat(cluster.awaitLeader()).as("seed %d", SEED).isEqualTo(target);
        eventually().untilAsserted(() -> assertThat(heard).contains(target));
        assertThat(cluster.node(target).propose(TestKv.put("a", "2")).get(5, TimeUnit.SECONDS)).isEqualTo(2L);
    }

    @Test
    void transferRequestsOnAFollowerOrToAnUnknownNodeAreRefused() {
        cluster = new TestCluster(SEED, List.of(1L, 2L, 3L)).startAll();
        long leader = cluster.awaitLeader();
        long follower = cluster.followerOf(leader);

        Throwable onFollower = catchThrowable(() -> cluster.node(follower).transferLeadership(leader).get(5, TimeUnit.SECONDS));
        assertThat(((RaftException) onFollower.getCause()).code()).isEqualTo(ErrorCode.NOT_LEADER);
        Throwable unknown = catchThrowable(() -> cluster.node(leader).transferLeadership(99).get(5, TimeUnit.SECONDS));
        assertThat(((RaftException) unknown.getCause()).code()).isEqualTo(ErrorCode.BAD_REQUEST);
    }
}
