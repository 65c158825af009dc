package org.understudy.raft.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.understudy.raft.runtime.TestCluster.eventually;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.understudy.raft.ErrorCode;
import org.understudy.raft.RaftException;
import org.understudy.raft.proto.MessageType;

/** Backpressure, storage failure and shutdown. */
class RaftNodeFailureTest {
    private static final long SEED = 41;
    private TestCluster cluster;

    @AfterEach
    void tearDown() {
        if (cluster != null) {
            cluster.close();
        }
    }

    private static ErrorCode codeOf(CompletableFuture<?> f) {
        assertThat(f).isCompletedExceptionally();
        Throwable t = f.handle((v, e) -> e).join();
        if (t instanceof CompletionException) {
            t = t.getCause();
        }
        assertThat(t).isInstanceOf(RaftException.class);
        return ((RaftException) t).code();
    }

    private static String messageOf(CompletableFuture<?> f) {
        Throwable t = f.handle((v, e) -> e).join();
        return (t instanceof CompletionException ? t.getCause() : t).getMessage();
    }

    @Test
    void aFullInboxRefusesProposalsAtOnceInsteadOfQueueingThem() throws Exception {
        int capacity = 8;
        cluster = new TestCluster(SEED, List.of(1L, 2L, 3L)).options(b -> b.inboxCapacity(capacity)).startAll();
        long leader = cluster.awaitLeader();
        RaftNode<Long> node = cluster.node(leader);
        GatedTransport gate = cluster.transports.get(leader);
        gate.hold();
        CompletableFuture<Long> first = node.propose(TestKv.put("first", "x"));
        eventually().until(gate::loopHeld);

        List<CompletableFuture<Long>> more = new ArrayList<>();
        for (int i = 0; i < capacity + 20; i++) {
            more.add(node.propose(TestKv.put("k" + i, "v")));
        }
        List<CompletableFuture<Long>> refused = more.stream().filter(CompletableFuture::isDone).toList();
        // Exactly the overflow is refused: 20, or 21 if the loop was held on another send (a
        // heartbeat) before it took the first proposal, which then holds one of the slots.
        assertThat(refused).as("refused on the caller's thread, with the inbox full").hasSizeBetween(20, 21);
        for (CompletableFuture<Long> f : refused) {
            assertThat(codeOf(f)).isEqualTo(ErrorCode.UNAVAILABLE);
            assertThat(messageOf(f)).contains("overloaded");
        }

        gate.release();
        first.get(5, TimeUnit.SECONDS);
        for (CompletableFuture<Long> f : more) {
            if (!refused.contains(f)) {
                assertThat(f.get(5, TimeUnit.SECONDS)).isPositive();
            }
        }
    }

    @Test
    void aLeaderCutOffFromItsQuorumRefusesProposalsBeyondTheUncommittedLimit() throws Exception {
        cluster = new TestCluster(SEED, List.of(1L, 2L, 3L))
                // Without CheckQuorum the cut-off leader stays leader and keeps accepting proposals.
                .config(b -> b.checkQuorum(false).maxUncommittedEntriesSize(1024))
                .startAll();
        long leader = cluster.awaitLeader();
        RaftNode<Long> node = cluster.node(leader);
        node.propose(TestKv.put("warm", "up")).get(5, TimeUnit.SECONDS);
        cluster.network.isolate(leader);

        String padding = "x".repeat(100);
        List<CompletableFuture<Long>> results = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            results.add(node.propose(TestKv.put("k" + i, padding)));
        }
        eventually().untilAsserted(() -> assertThat(results.stream().filter(CompletableFuture::isCompletedExceptionally).count())
                .as("refused; node %s", node.status()).isGreaterThanOrEqualTo(85));
        long accepted = results.stream().filter(f -> !f.isDone()).count();
        assertThat(accepted).as("at most ~1 KiB of ~110-byte entries stays pending (seed %d)", SEED).isBetween(1L, 15L);
        results.stream().filter(CompletableFuture::isCompletedExceptionally)
                .forEach(f -> assertThat(codeOf(f)).isEqualTo(ErrorCode.UNAVAILABLE));

        // The majority elects a new leader meanwhile. Healed, the old leader learns of the new term
        // and applies the new leader's entries: its
        // own uncommitted entries can never commit, and their proposers hear so rather than
        // waiting forever (even for indexes the new leader has not written yet).
        long newLeader = cluster.awaitLeaderAmong(leader);
        cluster.network.heal();
        eventually().until(() -> results.stream().allMatch(CompletableFuture::isDone));
        results.forEach(f -> assertThat(codeOf(f)).isEqualTo(ErrorCode.UNAVAILABLE));
        assertThat(cluster.awaitLeader()).isEqualTo(newLeader);
        assertThat(cluster.node(newLeader).propose(TestKv.put("after", "heal")).get(5, TimeUnit.SECONDS)).isPositive();
    }

    @Test
    void aFailedSyncStopsTheNodeFailsItsRequestsAndSilencesIt() throws Exception {
        cluster = new TestCluster(SEED, List.of(1L, 2L, 3L)).startAll();
        long leader = cluster.awaitLeader();
        RaftNode<Long> node = cluster.node(leader);
        node.propose(TestKv.put("warm", "up")).get(5, TimeUnit.SECONDS);

        cluster.logs.get(leader).failSyncs(true);
        CompletableFuture<Long> lost = node.propose(TestKv.put("never", "acknowledged"));

        eventually().until(lost::isDone);
        assertThat(codeOf(lost)).isEqualTo(ErrorCode.UNAVAILABLE);
        NodeStatus status = node.status();
        assertThat(status.health()).isEqualTo(NodeHealth.FAILED);
        assertThat(status.failureReason()).contains("storage failed");
        assertThat(codeOf(node.propose(TestKv.put("later", "x")))).isEqualTo(ErrorCode.UNAVAILABLE);

        // Nothing leaves the failed node any more; the others elect a new leader without it.
        GatedTransport transport = cluster.transports.get(leader);
        long appends = transport.sent(MessageType.MSG_APPEND) + transport.sent(MessageType.MSG_HEARTBEAT);
        long newLeader = cluster.awaitLeaderAmong(leader);
        assertThat(newLeader).isNotEqualTo(leader);
        assertThat(transport.sent(MessageType.MSG_APPEND) + transport.sent(MessageType.MSG_HEARTBEAT)).isEqualTo(appends);
        assertThat(cluster.kv(leader).get("never")).isNull();
    }

    @Test
    void closeFailsPendingRequestsAndStopsEveryThread() throws Exception {
        cluster = new TestCluster(SEED, List.of(1L, 2L, 3L)).startAll();
        long leader = cluster.awaitLeader();
        RaftNode<Long> node = cluster.node(leader);
        node.propose(TestKv.put("warm", "up")).get(5, TimeUnit.SECONDS);
        cluster.network.isolate(leader);
        CompletableFuture<Long> proposal = node.propose(TestKv.put("pending", "x"));
        CompletableFuture<Long> read = node.readIndex();
        // (the events thread starts with its first task, so it may not exist yet)
        assertThat(threadsOf(leader)).contains("raft-" + leader + "-loop", "raft-" + leader + "-persist",
                "raft-" + leader + "-apply", "raft-" + leader + "-ticker", "raft-" + leader + "-snapshot");

        node.close();

        assertThat(codeOf(proposal)).isEqualTo(ErrorCode.UNAVAILABLE);
        assertThat(messageOf(proposal)).contains("shutting down");
        assertThat(codeOf(read)).isEqualTo(ErrorCode.UNAVAILABLE);
        assertThat(node.status().health()).isEqualTo(NodeHealth.CLOSED);
        assertThat(threadsOf(leader)).isEmpty();
        assertThat(codeOf(node.propose(TestKv.put("after", "close")))).isEqualTo(ErrorCode.UNAVAILABLE);
        node.close(); // idempotent
    }

    private static List<String> threadsOf(long id) {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(Thread::isAlive)
                .map(Thread::getName)
                .filter(n -> n.startsWith("raft-" + id + "-"))
                .toList();
    }
}
