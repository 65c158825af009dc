package org.understudy.membership.policy;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.understudy.raft.core.CoreStatus;
import org.understudy.raft.core.Role;

class StaleLearnersTest {

    private static final long ET = 1_000;
    private static final long TICK = 100;

    private static Statuses cluster() {
        return Statuses.leader(1).voters(1, 2, 3).learners(4, 5);
    }

    private static StaleLearners.Report run(StaleLearners s, CoreStatus status, long from, long to) {
        StaleLearners.Report last = null;
        for (long t = from; t < to; t += TICK) {
            last = s.observe(status, t);
        }
        return last;
    }

    @Test
    void reportsALearnerSilentForTheThresholdWithSinceWhen() {
        StaleLearners s = new StaleLearners(MembershipOptions.defaults(), ET);
        run(s, cluster().build(), 0, 1_000);
        CoreStatus silent4 = cluster().inactive(4).build();
        assertThat(run(s, silent4, 1_000, 301_000).stale()).as("one tick short").isEmpty();
        StaleLearners.Report r = s.observe(silent4, 301_000);
        assertThat(r.stale()).containsExactly(new StaleLearners.StaleLearner(4, 1_000, 300_000, 300_100));
        assertThat(r.toRemove()).as("removal is off by default").isEmpty();
        assertThat(r.isEmpty()).isFalse();
    }

    @Test
    void removesThemOnlyWhenAskedTo() {
        StaleLearners s = new StaleLearners(MembershipOptions.builder().removeStaleLearners(true)
                .staleLearnerAfterMillis(10_000).build(), ET);
        StaleLearners.Report r = run(s, cluster().inactive(4, 5).build(), 0, 10_100);
        assertThat(r.stale()).extracting(StaleLearners.StaleLearner::id).containsExactly(4L, 5L);
        assertThat(r.toRemove()).containsExactly(4L, 5L);
    }

    @Test
    void anyContactResetsTheClock() {
        StaleLearners s = new StaleLearners(MembershipOptions.builder().staleLearnerAfterMillis(10_000).build(), ET);
        run(s, cluster().inactive(4).build(), 0, 9_900);
        s.observe(cluster().build(), 9_900);
        assertThat(run(s, cluster().inactive(4).build(), 10_000, 20_000).stale()).isEmpty();
        assertThat(s.observe(cluster().inactive(4).build(), 20_000).stale()).hasSize(1);
    }

    @Test
    void aLearnerThatNeverAnsweredIsSilentSinceTheLeadersFirstSampleWithNoLastContact() {
        StaleLearners s = new StaleLearners(MembershipOptions.builder().staleLearnerAfterMillis(5_000).build(), ET);
        StaleLearners.Report r = run(s, cluster().inactive(5).build(), 2_000, 7_100);
        assertThat(r.stale()).containsExactly(new StaleLearners.StaleLearner(5, 2_000, 5_000, -1));
    }

    @Test
    void votersAreNeverReportedAndFollowersReportNothing() {
        StaleLearners s = new StaleLearners(MembershipOptions.builder().staleLearnerAfterMillis(1_000).build(), ET);
        assertThat(run(s, cluster().inactive(2, 3).build(), 0, 10_000).stale()).isEmpty();
        StaleLearners f = new StaleLearners(MembershipOptions.builder().staleLearnerAfterMillis(1_000).build(), ET);
        assertThat(run(f, cluster().inactive(4).role(Role.FOLLOWER).build(), 0, 10_000).stale()).isEmpty();
    }
}
