package org.understudy.raft.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.understudy.raft.runtime.TestCluster.eventually;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.understudy.raft.ErrorCode;
import org.understudy.raft.RaftException;

/** Three nodes over an in-memory network: election, replication, group commit, read index. */
class RaftNodeReplicationTest {
    private static final long SEED = 11;
    private TestCluster cluster;

    @AfterEach
    void tearDown() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void aCommandLargerThanMaxEntryBytesIsRefusedUpFrontAndTheNodeKeepsServing() throws Exception {
        cluster = new TestCluster(SEED, List.of(1L, 2L, 3L)).options(b -> b.maxEntryBytes(1024)).startAll();
        long leader = cluster.awaitLeader();
        Throwable tooBig = catchThrowable(() -> cluster.node(leader)
                .propose(TestKv.put("big", "x".repeat(1100))).get(5, TimeUnit.SECONDS));
        assertThat(tooBig).isInstanceOf(ExecutionException.class);
        assertThat(((RaftException) tooBig.getCause()).code()).isEqualTo(ErrorCode.BAD_REQUEST);
        assertThat(tooBig.getCause()).hasMessageContaining("maxEntryBytes (1024)");
        assertThat(cluster.node(leader).propose(TestKv.put("small", "ok")).get(5, TimeUnit.SECONDS)).isEqualTo(1L);
    }

    @Test
    void threeNodesElectALeaderAndAllApplyTheSameCommandsInTheSameOrder() throws Exception {
        cluster = new TestCluster(SEED, List.of(1L, 2L, 3L)).startAll();
        long leader = cluster.awaitLeader();

        List<CompletableFuture<Long>> results = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            results.add(cluster.node(leader).propose(TestKv.put("k" + (i % 7), "v" + i)));
        }
        CompletableFuture.allOf(results.toArray(new CompletableFuture[0])).get(10, TimeUnit.SECONDS);
        // The result is the number of commands applied so far: proposals apply in proposal order.
        for (int i = 0; i < results.size(); i++) {
            assertThat(results.get(i).join()).as("seed %d, proposal %d", SEED, i).isEqualTo(i + 1L);
        }
        long commit = cluster.node(leader).status().commitIndex();
        cluster.awaitApplied(commit);
        for (long id : List.of(1L, 2L, 3L)) {
            assertThat(cluster.kv(id).commands()).as("seed %d, node %d", SEED, id).isEqualTo(50);
            assertThat(cluster.kv(id).digest()).as("seed %d, node %d", SEED, id).isEqualTo(cluster.kv(leader).digest());
            assertThat(cluster.kv(id).get("k6")).isEqualTo("v48");
        }
        NodeStatus status = cluster.node(leader).status();
        assertThat(status.isLeader()).isTrue();
        assertThat(status.health()).isEqualTo(NodeHealth.RUNNING);
        assertThat(status.failureReason()).isEmpty();
        assertThat(status.progress()).containsOnlyKeys(1L, 2L, 3L);
        eventually().untilAsserted(() -> assertThat(cluster.node(leader).status().progress().values())
                .allSatisfy(p -> {
                    assertThat(p.learner()).isFalse();
                    assertThat(p.lag()).isZero();
                }));
    }

    @Test
    void aFollowerRefusesProposalsWithTheLeaderAsHint() {
        cluster = new TestCluster(SEED, List.of(1L, 2L, 3L)).startAll();
        long leader = cluster.awaitLeader();
        long follower = cluster.followerOf(leader);

        Throwable failure = catchThrowable(() -> cluster.node(follower).propose(TestKv.put("a", "b")).get(5, TimeUnit.SECONDS));

        assertThat(failure).isInstanceOf(ExecutionException.class).cause().isInstanceOf(RaftException.class);
        RaftException e = (RaftException) failure.getCause();
        assertThat(e.code()).isEqualTo(ErrorCode.NOT_LEADER);
        assertThat(e.leaderHint()).as("seed %d", SEED).isEqualTo(leader);
    }

    @Test
    void concurrentProposalsShareSyncs() throws Exception {
        cluster = new TestCluster(SEED, List.of(1L, 2L, 3L)).startAll();
        long leader = cluster.awaitLeader();
        RaftNode<Long> node = cluster.node(leader);
        node.propose(TestKv.put("warm", "up")).get(5, TimeUnit.SECONDS);
        long syncsBefore = cluster.logs.get(leader).syncCount();

        // Hold the event loop inside a send so that the proposals pile up in the inbox, as they
        // would under load; the loop then steps them as one batch.
        GatedTransport gate = cluster.transports.get(leader);
        gate.hold();
        List<CompletableFuture<Long>> results = new ArrayList<>();
        results.add(node.propose(TestKv.put("first", "x")));
        eventually().until(gate::loopHeld);
        int proposals = 200;
        for (int i = 1; i < proposals; i++) {
            results.add(node.propose(TestKv.put("k" + i, "v" + i)));
        }
        gate.release();
        CompletableFuture.allOf(results.toArray(new CompletableFuture[0])).get(10, TimeUnit.SECONDS);

        long syncs = cluster.logs.get(leader).syncCount() - syncsBefore;
        assertThat(syncs).as("syncs for %d proposals (seed %d)", proposals, SEED).isPositive().isLessThanOrEqualTo(proposals / 10);
        cluster.awaitApplied(node.status().commitIndex());
        assertThat(cluster.kv(cluster.followerOf(leader)).commands()).isEqualTo(proposals + 1);
    }

    @Test
    void readIndexOnTheLeaderAndOnAFollowerSeesEveryAcknowledgedWrite() throws Exception {
        cluster = new TestCluster(SEED, List.of(1L, 2L, 3L)).startAll();
        long leader = cluster.awaitLeader();
        long follower = cluster.followerOf(leader);

        for (int round = 0; round < 5; round++) {
            long written = cluster.node(leader).propose(TestKv.put("x", "v" + round)).get(5, TimeUnit.SECONDS);
            assertThat(written).isEqualTo(round + 1L);

            long leaderRead = cluster.node(leader).readIndex().get(5, TimeUnit.SECONDS);
            assertThat(leaderRead).isLessThanOrEqualTo(cluster.node(leader).status().appliedIndex());
            assertThat(cluster.kv(leader).get("x")).isEqualTo("v" + round);

            // The follower's read index comes from the leader; once it completes, the follower's own
            // state machine already holds the write (linearizable read on a follower, thesis §6.4).
            long followerRead = cluster.node(follower).readIndex().get(5, TimeUnit.SECONDS);
            assertThat(followerRead).as("seed %d", SEED).isGreaterThanOrEqualTo(leaderRead);
            assertThat(cluster.kv(follower).get("x")).as("seed %d, round %d", SEED, round).isEqualTo("v" + round);
        }
    }
}
