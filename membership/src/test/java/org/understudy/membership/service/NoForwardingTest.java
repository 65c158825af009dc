package org.understudy.membership.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.understudy.membership.policy.MembershipOptions;
import org.understudy.membership.spi.LeaderForwarder;
import org.understudy.raft.ErrorCode;
import org.understudy.raft.NodeIdFormat;
import org.understudy.raft.RaftException;

/**
 * The default {@link LeaderForwarder#none()} (what the README promises): a node that does not lead
 * answers {@code NOT_LEADER} with the leader hint, and a leader asked to remove itself hands
 * leadership over first, then answers {@code NOT_LEADER} pointing at the new leader, having changed
 * nothing else.
 */
class NoForwardingTest {

    private static final long SEED = 83;

    private static MembershipService unforwarded(ServiceCluster c, long id) {
        return MembershipService.builder(c.h.group(id)).options(MembershipOptions.builder().snapshotCount(1_000).build())
                .clock(c.h.clock()).idSeed(SEED).build();
    }

    private static RaftException failure(ServiceCluster c, CompletableFuture<?> f) {
        c.h.runUntil(f::isDone, 40, "answered");
        assertThat(f).isCompletedExceptionally();
        return f.handle((v, e) -> (RaftException) (e.getCause() instanceof RaftException r ? r : e)).join();
    }

    @Test
    void aFollowerAnswersNotLeaderWithTheLeaderHint() {
        ServiceCluster c = ServiceCluster.of(SEED, MembershipOptions.builder().snapshotCount(1_000).build(), 1, 2, 3);
        c.h.elect(1);
        RaftException e = failure(c, unforwarded(c, 2).add(AddRequest.learner("n4", List.of("tcp://10.0.0.4:7001"))));
        assertThat(e.code()).isEqualTo(ErrorCode.NOT_LEADER);
        assertThat(e.details()).containsEntry("leaderHint", "1");
        assertThat(c.h.group(1).registry().size()).isEqualTo(3);
    }

    @Test
    void aLeaderRemovingItselfHandsOverThenPointsAtTheNewLeader() {
        ServiceCluster c = ServiceCluster.of(SEED, MembershipOptions.builder().snapshotCount(1_000).build(), 1, 2, 3);
        c.h.elect(1);
        c.h.tickAll(3);
        RaftException e = failure(c, unforwarded(c, 1).remove(1));
        long leader = c.leader();
        assertThat(leader).isIn(2L, 3L);
        assertThat(e.code()).isEqualTo(ErrorCode.NOT_LEADER);
        assertThat(e.details()).containsEntry("leaderHint", Long.toString(leader));
        assertThat(c.h.group(leader).registry().contains(1)).as("nothing removed").isTrue();
    }

    @Test
    void itsMessageWritesIdsInTheGivenFormat_theHintStaysDecimal() {
        RaftException e = (RaftException) LeaderForwarder.none(NodeIdFormat.HEX).forward(255, PromoteRequest.of(0xabc))
                .handle((v, t) -> t).join();
        assertThat(e.code()).isEqualTo(ErrorCode.NOT_LEADER);
        assertThat(e.getMessage()).contains("(promote abc)", "send it to the leader, node ff");
        assertThat(e.details()).containsEntry("leaderHint", "255");
        assertThat(LeaderForwarder.none(NodeIdFormat.DECIMAL)).isSameAs(LeaderForwarder.none());
    }
}
