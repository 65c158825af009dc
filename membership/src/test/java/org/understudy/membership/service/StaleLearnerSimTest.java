package org.understudy.membership.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.understudy.membership.policy.MemberStatusView;
import org.understudy.membership.policy.MembershipOptions;
import org.understudy.raft.core.EntryId;

/**
 * Stale learners (issue 5: "a learner not heard from for a configurable time is reported, and
 * optionally removed, so a dead learner cannot block new adds for ever"; seed figure 8: a member
 * added with a wrong URL is removed again with no loss of availability). The learner here is added
 * with a URL nothing listens on and its node is never started. Stale after 3 s.
 */
class StaleLearnerSimTest {

    private static final long SEED = 31;
    private static final long STALE_AFTER_MILLIS = 3_000;
    private static final String DEAD_URL = "tcp://10.9.9.9:7001";

    private static MembershipOptions.Builder options() {
        return MembershipOptions.builder().snapshotCount(1_000).promoteMaxLag(50)
                .staleLearnerAfterMillis(STALE_AFTER_MILLIS);
    }

    private static MemberStatusView row(ServiceCluster c, long id) {
        return c.leaderService().status().stream().filter(v -> v.id() == id).findFirst().orElseThrow();
    }

    /** One round with a write that must commit within 3 rounds (availability never lost). */
    private static void servingRound(ServiceCluster c, int r) {
        EntryId w = c.write("w" + r);
        c.h.runUntil(() -> c.h.cluster().isCommitted(w), 3, "write " + r + " commits");
        c.round();
    }

    private static double staleGauge(ServiceCluster c) {
        var g = c.meters(c.leader()).find("understudy.membership.stale_learners").gauge();
        return g == null ? Double.NaN : g.value();
    }

    @Test
    void aLearnerThatNeverAnsweredIsReportedOnce_butKeptWhenRemovalIsOff() {
        ServiceCluster c = ServiceCluster.of(SEED, options().build(), 1, 2, 3);
        c.h.elect(1);
        long dead = c.await(c.leaderService().add(AddRequest.learner("typo", List.of(DEAD_URL))), 20).id();
        long addedAt = c.h.nowMillis();
        for (int r = 0; r < 120; r++) {
            servingRound(c, r);
        }
        List<ServiceCluster.TimedEvent> reports = c.timed.stream()
                .filter(t -> t.event() instanceof MembershipEvent.StaleLearner).toList();
        assertThat(reports).as("reported once per silence").singleElement().satisfies(t -> {
            MembershipEvent.StaleLearner s = (MembershipEvent.StaleLearner) t.event();
            assertThat(s.memberId()).isEqualTo(dead);
            assertThat(s.willRemove()).isFalse();
            assertThat(s.silentForMillis()).isGreaterThanOrEqualTo(STALE_AFTER_MILLIS);
            assertThat(t.millis() - addedAt).isGreaterThanOrEqualTo(STALE_AFTER_MILLIS);
        });
        assertThat(staleGauge(c)).isEqualTo(1.0);
        MemberStatusView row = row(c, dead);
        assertThat(row.learner()).isTrue();
        assertThat(row.stale()).isTrue();
        assertThat(row(c, c.leader()).stale()).isFalse();
        assertThat(row.promotable()).isFalse();
        // -1: it never answered (the core starts a new peer's progress "recently active", which the
        // contact tracker does not count until the peer is confirmed).
        assertThat(row.lastContactMillis()).as("never heard from").isEqualTo(-1L);
        assertThat(row.reason()).contains("has not been heard from");
        assertThat(c.leaderService().registry().contains(dead)).as("removal is off").isTrue();

        // It holds the only learner slot: the next add is refused until it is removed.
        var refused = c.leaderService().add(AddRequest.learner("next", List.of("tcp://10.0.0.5:7001")));
        c.h.settle();
        assertThat(refused).isCompletedExceptionally();
        assertThat(refused.handle((v, e) -> ((org.understudy.raft.RaftException) e).code()).join())
                .isEqualTo(org.understudy.raft.ErrorCode.TOO_MANY_LEARNERS);
    }

    @Test
    void aFormerLeaderStopsReportingStaleLearnersAndLearnerLag_theNewLeaderReportsThem() {
        ServiceCluster c = ServiceCluster.of(SEED, options().build(), 1, 2, 3);
        c.h.elect(1);
        long dead = c.await(c.leaderService().add(AddRequest.learner("typo", List.of(DEAD_URL))), 20).id();
        for (int r = 0; r < 60; r++) {
            servingRound(c, r);
        }
        assertThat(staleGauge(c)).isEqualTo(1.0);
        assertThat(c.meters(1).find("understudy.membership.learner.lag").tag("member", Long.toString(dead)).gauge())
                .as("learner lag reported by the leader").isNotNull();

        c.h.cluster().isolate(1);
        c.h.runUntil(() -> c.leader() != 0 && c.leader() != 1 && !c.isLeader(1), 40, "node 1 replaced as leader");
        long leader = c.leader();
        for (int r = 0; r < 60; r++) {
            servingRound(c, r);
        }
        assertThat(c.meters(1).find("understudy.membership.stale_learners").gauge().value())
                .as("node 1 no longer leads: it reports nothing").isZero();
        assertThat(c.meters(1).find("understudy.membership.learner.lag").gauges())
                .as("node 1 no longer leads: no learner lag rows").isEmpty();
        assertThat(c.meters(leader).find("understudy.membership.stale_learners").gauge().value())
                .as("the new leader reports it").isEqualTo(1.0);
        assertThat(c.events(MembershipEvent.StaleLearner.class)).extracting(MembershipEvent.StaleLearner::memberId)
                .containsExactly(dead, dead); // once per leader
    }

    @Test
    void withRemoveStaleLearnersOn_itIsRemoved_writesCommitThroughout_andTheSlotIsFreeAgain() {
        ServiceCluster c = ServiceCluster.of(SEED, options().removeStaleLearners(true).build(), 1, 2, 3);
        c.h.elect(1);
        long dead = c.await(c.leaderService().add(AddRequest.learner("typo", List.of(DEAD_URL))), 20).id();
        long addedAt = c.h.nowMillis();
        int r = 0;
        while (c.leaderService().registry().contains(dead)) {
            servingRound(c, r++);
            assertThat(r).as("removed within 10 s").isLessThan(100);
        }
        long removedAt = c.h.nowMillis();
        assertThat(removedAt - addedAt).as("not before it was stale").isGreaterThanOrEqualTo(STALE_AFTER_MILLIS);
        assertThat(c.events(MembershipEvent.StaleLearner.class)).singleElement()
                .satisfies(s -> assertThat(s.willRemove()).isTrue());
        assertThat(c.events(MembershipEvent.Removed.class)).singleElement().satisfies(e -> {
            assertThat(e.memberId()).isEqualTo(dead);
            assertThat(e.reason()).contains("stale learner");
        });
        for (int i = 0; i < 20; i++) {
            servingRound(c, r++);
        }
        for (var g : c.h.running()) {
            assertThat(g.registry().contains(dead)).as("node %d", g.id()).isFalse();
            assertThat(g.registry().voters()).hasSize(3);
        }
        assertThat(staleGauge(c)).isZero();

        // The slot is free again: a correct learner can be added.
        AddResult next = c.await(c.leaderService().add(AddRequest.learner("fixed", List.of("tcp://10.0.0.4:7001"))), 20);
        assertThat(next.registry().learners()).extracting(m -> m.getName()).containsExactly("fixed");
    }
}
