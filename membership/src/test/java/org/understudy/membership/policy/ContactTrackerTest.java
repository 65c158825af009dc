package org.understudy.membership.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.understudy.raft.core.Role;

class ContactTrackerTest {

    private final ContactTracker contacts = new ContactTracker(1_000);

    private static Statuses cluster() {
        return Statuses.leader(1).voters(1, 2, 3).learners(4);
    }

    @Test
    void remembersWhenAMemberWasLastSeenAndSinceWhenItIsSilent() {
        contacts.observe(cluster().build(), 0);
        assertThat(contacts.lastContactMillis(2, 0)).isZero();
        assertThat(contacts.silentSince(2)).isEqualTo(-1);
        contacts.observe(cluster().inactive(2).build(), 100);
        contacts.observe(cluster().inactive(2).build(), 700);
        assertThat(contacts.silentSince(2)).isEqualTo(100);
        assertThat(contacts.silentForMillis(2, 700)).isEqualTo(600);
        assertThat(contacts.lastContactMillis(2, 700)).isEqualTo(700);
        contacts.observe(cluster().build(), 800);
        assertThat(contacts.silentSince(2)).isEqualTo(-1);
        assertThat(contacts.silentForMillis(2, 800)).isZero();
    }

    @Test
    void aMemberCountsAsActiveForOneGracePeriodAfterItWasLastSeen() {
        contacts.observe(cluster().build(), 0);
        contacts.observe(cluster().inactive(2).build(), 500);
        assertThat(contacts.liveness(500).isActive(2)).isTrue();
        assertThat(contacts.liveness(1_000).isActive(2)).isTrue();
        assertThat(contacts.liveness(1_001).isActive(2)).isFalse();
        assertThat(contacts.liveness(1_001).lastContactMillis(2)).isEqualTo(1_001);
        assertThat(contacts.liveness(1_001).isActive(1)).as("the leader itself").isTrue();
        assertThat(contacts.liveness(1_001).isActive(99)).as("unknown").isFalse();
    }

    @Test
    void aMemberNeverSeenActiveHasNoLastContactAndIsSilentSinceTheFirstSample() {
        contacts.observe(cluster().inactive(4).build(), 200);
        contacts.observe(cluster().inactive(4).build(), 900);
        assertThat(contacts.lastContactMillis(4, 900)).isEqualTo(-1);
        assertThat(contacts.silentSince(4)).isEqualTo(200);
        assertThat(contacts.liveness(900).isActive(4)).isFalse();
    }

    @Test
    void historyBelongsToOneLeadership() {
        contacts.observe(cluster().inactive(2).build(), 0);
        assertThat(contacts.tracking()).isTrue();
        contacts.observe(cluster().role(Role.FOLLOWER).build(), 100);
        assertThat(contacts.tracking()).isFalse();
        assertThat(contacts.silentSince(2)).isEqualTo(-1);
        contacts.observe(cluster().inactive(2).build(), 200);
        assertThat(contacts.silentSince(2)).isEqualTo(200);
        contacts.observe(cluster().inactive(2).term(6).build(), 300);
        assertThat(contacts.silentSince(2)).as("a new term starts afresh").isEqualTo(300);
    }

    @Test
    void forgetsRemovedMembers() {
        contacts.observe(cluster().inactive(3).build(), 0);
        contacts.observe(Statuses.leader(1).voters(1, 2).learners(4).build(), 100);
        assertThat(contacts.silentSince(3)).isEqualTo(-1);
        assertThat(contacts.lastContactMillis(3, 100)).isEqualTo(-1);
    }

    @Test
    void refusesTimeGoingBackwards() {
        contacts.observe(cluster().build(), 1_000);
        assertThatThrownBy(() -> contacts.observe(cluster().build(), 999))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("monotonic");
    }
}
