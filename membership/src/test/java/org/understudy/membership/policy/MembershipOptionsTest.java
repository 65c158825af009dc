package org.understudy.membership.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.understudy.raft.NodeIdFormat;

class MembershipOptionsTest {

    @Test
    void defaultsAreTheDocumentedOnesAndNothingHappensAutomatically() {
        MembershipOptions o = MembershipOptions.defaults();
        assertThat(o.maxLearners()).isEqualTo(1);
        assertThat(o.snapshotCount()).isEqualTo(10_000);
        assertThat(o.promoteMaxLag()).isEqualTo(1_000);
        assertThat(o.autoPromotion()).isFalse();
        assertThat(o.stabilizationMillis()).isEqualTo(10_000);
        assertThat(o.promotionBackoffMinMillis()).isEqualTo(1_000);
        assertThat(o.promotionBackoffMaxMillis()).isEqualTo(60_000);
        assertThat(o.standbyFailover()).isFalse();
        assertThat(o.failoverAfterMillis()).isEqualTo(30_000);
        assertThat(o.failoverCooldownMillis()).isEqualTo(60_000);
        assertThat(o.staleLearnerAfterMillis()).isEqualTo(300_000);
        assertThat(o.removeStaleLearners()).isFalse();
        assertThat(o.learnerLinearizableReads()).isFalse();
        assertThat(o.tickMillis()).isEqualTo(100);
    }

    @Test
    void promoteMaxLagIsATenthOfTheSnapshotCountAndAtLeastOne() {
        assertThat(MembershipOptions.builder().snapshotCount(50_000).build().promoteMaxLag()).isEqualTo(5_000);
        assertThat(MembershipOptions.builder().snapshotCount(25).build().promoteMaxLag()).isEqualTo(2);
        assertThat(MembershipOptions.builder().snapshotCount(9).build().promoteMaxLag()).isEqualTo(1);
        assertThat(MembershipOptions.builder().snapshotCount(1).build().promoteMaxLag()).isEqualTo(1);
    }

    @Test
    void anExplicitPromoteMaxLagWinsOverTheSnapshotCount() {
        MembershipOptions o = MembershipOptions.builder().promoteMaxLag(7).snapshotCount(50_000).build();
        assertThat(o.promoteMaxLag()).isEqualTo(7);
        assertThat(o.snapshotCount()).isEqualTo(50_000);
    }

    @Test
    void toBuilderKeepsEveryValue() {
        MembershipOptions o = MembershipOptions.builder().maxLearners(3).promoteMaxLag(42).autoPromotion(true)
                .stabilizationMillis(5).promotionBackoff(2, 9).standbyFailover(true).failoverAfterMillis(99)
                .failoverCooldownMillis(7).staleLearnerAfterMillis(1234).removeStaleLearners(true)
                .learnerLinearizableReads(true).tickMillis(50).snapshotCount(77).idFormat(NodeIdFormat.HEX).build();
        assertThat(o.toBuilder().build().toString()).isEqualTo(o.toString()).contains("idFormat=HEX");
        assertThat(o.toBuilder().maxLearners(4).build().maxLearners()).isEqualTo(4);
    }

    @Test
    void outOfRangeValuesAreRefusedNamingTheOption() {
        assertThatThrownBy(() -> MembershipOptions.builder().maxLearners(-1).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessage("maxLearners must be at least 0, got -1");
        assertThatThrownBy(() -> MembershipOptions.builder().promoteMaxLag(0).build())
                .hasMessage("promoteMaxLag must be at least 1, got 0");
        assertThatThrownBy(() -> MembershipOptions.builder().snapshotCount(0).build())
                .hasMessageContaining("snapshotCount");
        assertThatThrownBy(() -> MembershipOptions.builder().stabilizationMillis(-1).build())
                .hasMessageContaining("stabilizationMillis");
        assertThatThrownBy(() -> MembershipOptions.builder().promotionBackoff(0, 10).build())
                .hasMessageContaining("promotionBackoff min");
        assertThatThrownBy(() -> MembershipOptions.builder().promotionBackoff(10, 5).build())
                .hasMessageContaining("promotionBackoff max (5 ms) must be at least its min (10 ms)");
        assertThatThrownBy(() -> MembershipOptions.builder().failoverAfterMillis(0).build())
                .hasMessageContaining("failoverAfterMillis");
        assertThatThrownBy(() -> MembershipOptions.builder().failoverCooldownMillis(-5).build())
                .hasMessageContaining("failoverCooldownMillis");
        assertThatThrownBy(() -> MembershipOptions.builder().staleLearnerAfterMillis(0).build())
                .hasMessageContaining("staleLearnerAfterMillis");
        assertThatThrownBy(() -> MembershipOptions.builder().tickMillis(0).build()).hasMessageContaining("tickMillis");
    }

    @Test
    void failoverAfterMustBeAtLeastThreeElectionTimeoutsWhenFailoverIsOn() {
        MembershipOptions on = MembershipOptions.builder().standbyFailover(true).failoverAfterMillis(3_000).build();
        assertThat(on.validateFor(1_000)).isSameAs(on); // exactly 3 election timeouts: fine
        assertThatThrownBy(() -> on.validateFor(1_001)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("failoverAfterMillis (3000) must be at least 3 election timeouts (3003 ms");
    }

    @Test
    void failoverAfterIsNotCheckedWhenFailoverIsOff() {
        MembershipOptions off = MembershipOptions.builder().failoverAfterMillis(3_000).build();
        assertThat(off.validateFor(10_000)).isSameAs(off);
        assertThatThrownBy(() -> off.validateFor(0)).hasMessageContaining("electionTimeoutMillis must be positive");
    }
}
