package org.understudy.client.balancer.routing;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.understudy.client.balancer.Endpoint;
import org.understudy.client.balancer.Member;
import org.understudy.client.balancer.MemberList;

class MemberTableTest {

    private static final Endpoint E1 = Endpoint.of("h1", 1);
    private static final Endpoint E2 = Endpoint.of("h2", 1);
    private static final Endpoint E3 = Endpoint.of("h3", 1);
    private static final Endpoint E4 = Endpoint.of("h4", 1);

    private static MemberList list(long revision, String leader, boolean n3Learner) {
        return MemberList.of(revision, leader, Member.voter("1", E1), Member.voter("2", E2),
                new Member("3", "n3", java.util.List.of(E3), n3Learner), Member.learner("4", E4));
    }

    @Test
    void learnersAreKeptApartAndNeverRoutable() {
        MemberTable t = new MemberTable();
        assertThat(t.apply(list(5, "1", false), t.nextStamp()).applied()).isTrue();
        MemberView v = t.view();
        assertThat(v.voterEndpoints()).containsExactly(E1, E2, E3);
        assertThat(v.learnerEndpoints()).containsExactly(E4);
        assertThat(v.leaderEndpoints()).containsExactly(E1);
    }

    @Test
    void aLowerRevisionNeverReplacesAHigherOneHoweverLateItWasFetched() {
        MemberTable t = new MemberTable();
        long early = t.nextStamp();
        long late = t.nextStamp();
        t.apply(list(6, "1", true), early);
        MemberTable.Result r = t.apply(list(5, "1", false), late);
        assertThat(r.applied()).isFalse();
        assertThat(t.view().revision()).isEqualTo(6);
        assertThat(t.view().voterEndpoints()).doesNotContain(E3);
        assertThat(t.apply(list(7, "2", false), early).applied()).as("a higher revision wins even if fetched earlier")
                .isTrue();
    }

    @Test
    void withoutRevisionsTheFetchThatStartedLaterWins() {
        MemberTable t = new MemberTable();
        long early = t.nextStamp();
        long late = t.nextStamp();
        assertThat(t.apply(list(MemberList.UNKNOWN_REVISION, "1", true), late).applied()).isTrue();
        assertThat(t.apply(list(MemberList.UNKNOWN_REVISION, "1", false), early).applied()).isFalse();
        assertThat(t.view().learnerEndpoints()).contains(E3);
    }

    @Test
    void aLeaderHintNewerThanAFetchSurvivesIt() {
        MemberTable t = new MemberTable();
        t.apply(list(5, "1", false), t.nextStamp());
        long fetchStart = t.nextStamp();
        assertThat(t.noteLeader("2")).isTrue();
        t.apply(list(5, "1", false), fetchStart);
        assertThat(t.view().leaderId()).contains("2");
        assertThat(t.noteLeader("4")).as("a learner never leads").isFalse();
        assertThat(t.noteLeader("9")).as("unknown").isFalse();
    }

    @Test
    void aLeaderThatIsNotAVoterOfTheListIsIgnored() {
        MemberTable t = new MemberTable();
        t.apply(list(5, "4", false), t.nextStamp());
        assertThat(t.view().leaderId()).isEmpty();
    }

    @Test
    void aSuspectedLearnerIsClearedOnlyByAListFetchedAfterTheSuspicion() {
        MemberTable t = new MemberTable();
        t.apply(list(5, "1", false), t.nextStamp());
        long before = t.nextStamp();
        t.suspectLearner(E3);
        assertThat(t.view().voterEndpoints()).doesNotContain(E3);
        t.apply(list(5, "1", false), before);
        assertThat(t.view().suspectedLearners()).as("that list is older than the refusal").containsExactly(E3);
        t.apply(list(6, "1", false), t.nextStamp());
        assertThat(t.view().voterEndpoints()).as("promoted since").contains(E3);
    }

    @Test
    void anEndpointListedForAVoterAndALearnerCountsAsTheLearners() {
        MemberTable t = new MemberTable();
        t.apply(MemberList.of(1, null, Member.voter("1", E1, E2), Member.learner("2", E2)), t.nextStamp());
        assertThat(t.view().voterEndpoints()).containsExactly(E1);
    }
}
