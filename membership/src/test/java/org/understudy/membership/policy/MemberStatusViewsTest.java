package org.understudy.membership.policy;

import org.understudy.membership.registry.MemberRole;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.understudy.membership.proto.Member;
import org.understudy.raft.core.CoreStatus;
import org.understudy.raft.core.Role;

class MemberStatusViewsTest {

    private static final long ET = 1_000;
    private final PromotionCheck check = new PromotionCheck(1_000, ET);
    private final Map<Long, Member> members = Statuses.members(
            Member.newBuilder().setId(1).setName("alpha").build(),
            Member.newBuilder().setId(4).setName("delta").setStandby(true).setAutoPromote(true).build());

    @Test
    void theLeaderShowsEveryMemberWithItsNumbers() {
        Statuses s = Statuses.leader(1).lastIndex(10_000).voters(1, 2, 3).learners(4);
        CatchUpEstimator estimator = new CatchUpEstimator();
        ContactTracker contacts = new ContactTracker(ET);
        CoreStatus first = s.lag(4, 6_000).build();
        estimator.observe(first, 0);
        contacts.observe(first, 0);
        CoreStatus now = s.lag(4, 5_000).inactive(3).build();
        estimator.observe(now, 1_000);
        contacts.observe(now, 1_000);

        List<MemberStatusView> rows = MemberStatusViews.build(now, members, estimator, contacts.liveness(1_500), check);

        assertThat(rows).extracting(MemberStatusView::id).containsExactly(1L, 2L, 3L, 4L);
        MemberStatusView leader = rows.get(0);
        assertThat(leader.name()).isEqualTo("alpha");
        assertThat(leader.leader()).isTrue();
        assertThat(leader.role()).isEqualTo(MemberRole.VOTER);
        assertThat(leader.lag()).isZero();
        assertThat(leader.lastContactMillis()).isZero();
        assertThat(leader.promotable()).isFalse();

        MemberStatusView three = rows.get(2);
        assertThat(three.name()).isEqualTo("node-3");
        assertThat(three.lastContactMillis()).isEqualTo(1_500);
        assertThat(three.reason()).isEqualTo("a voter (voter)");

        MemberStatusView learner = rows.get(3);
        assertThat(learner.learner()).isTrue();
        assertThat(learner.standby()).isTrue();
        assertThat(learner.autoPromote()).isTrue();
        assertThat(learner.match()).isEqualTo(5_000);
        assertThat(learner.lag()).isEqualTo(5_000);
        assertThat(learner.lagBytes()).isEqualTo(-1);
        assertThat(learner.catchUpRatePerSec()).isEqualTo(1_000.0);
        assertThat(learner.eta()).isEqualTo(CatchUpEstimate.Eta.CONVERGING);
        assertThat(learner.etaMillis()).isEqualTo(4_001);
        assertThat(learner.lastContactMillis()).isEqualTo(500);
        assertThat(learner.promotable()).isFalse();
        assertThat(learner.reason()).startsWith("learner 4 lags 5000 entries behind the leader");
    }

    @Test
    void aCaughtUpLearnerIsPromotable() {
        CoreStatus s = Statuses.leader(1).voters(1, 2, 3).learners(4).lag(4, 3).build();
        List<MemberStatusView> rows = MemberStatusViews.build(s, members, new CatchUpEstimator(), Liveness.fromFlags(s),
                check);
        MemberStatusView learner = rows.get(3);
        assertThat(learner.promotable()).isTrue();
        assertThat(learner.reason()).startsWith("learner 4 is ready");
        assertThat(learner.eta()).isEqualTo(CatchUpEstimate.Eta.UNKNOWN); // no samples fed
    }

    @Test
    void aFollowerKnowsTheMembersButNotTheirProgress() {
        CoreStatus s = Statuses.leader(2).voters(1, 2, 3).learners(4).role(Role.FOLLOWER).build();
        CoreStatus withLeader = new CoreStatus(s.id(), s.term(), 0, 1, s.role(), false, 0, 0, 0, s.confState(),
                Map.of(), 0);
        List<MemberStatusView> rows = MemberStatusViews.build(withLeader, members, new CatchUpEstimator(),
                Liveness.fromFlags(withLeader), check);
        assertThat(rows).hasSize(4);
        assertThat(rows).allSatisfy(r -> {
            assertThat(r.match()).isEqualTo(-1);
            assertThat(r.lag()).isEqualTo(-1);
            assertThat(r.promotable()).isFalse();
            assertThat(r.reason()).contains("only the leader").contains("ask node 1");
        });
        assertThat(rows.get(3).role()).isEqualTo(MemberRole.LEARNER);
    }
}
