package org.understudy.raft.core.quorum;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.understudy.raft.core.quorum.MajorityConfigTest.acked;
import static org.understudy.raft.core.quorum.MajorityConfigTest.cfg;
import static org.understudy.raft.core.quorum.MajorityConfigTest.votes;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class JointConfigTest {

    static JointConfig joint(String incoming, String outgoing) {
        return JointConfig.of(cfg(incoming == null ? "" : incoming), cfg(outgoing == null ? "" : outgoing));
    }

    @ParameterizedTest(name = "({0})&&({1}) acked [{2}] -> {3}")
    @CsvSource(delimiter = '|', value = {
        // not joint: the incoming half alone decides
        "1 2 3 |       | 1=5 2=4 3=3       | 4",
        // the outgoing half alone (incoming empty) decides too
        "      | 1 2 3 | 1=5 2=4 3=3       | 4",
        // joint: the minimum of both halves
        "1 2 3 | 3 4 5 | 1=9 2=9 3=1 4=1 5=1 | 1",
        "1 2 3 | 3 4 5 | 1=9 2=9 3=5 4=6 5=1 | 5",
        "1 2 3 | 1 2 3 | 1=9 2=8 3=7       | 8",
        "1     | 2     | 1=10 2=4          | 4",
        "1 2   | 2 3   | 2=7               | 0",
        // a voter acked only in one half
        "1 2 3 | 4 5 6 | 1=3 2=3 3=3       | 0",
    })
    void committedIndexIsTheMinimumOfBothHalves(String in, String out, String ackSpec, long want) {
        assertThat(joint(in, out).committedIndex(acked(ackSpec))).isEqualTo(want);
    }

    @Test
    void emptyJointCommitsEverything() {
        assertThat(JointConfig.EMPTY.committedIndex(id -> 0)).isEqualTo(Long.MAX_VALUE);
    }

    @ParameterizedTest(name = "({0})&&({1}) votes [{2}] -> {3}")
    @CsvSource(delimiter = '|', value = {
        "      |       |                 | WON",
        "1 2 3 |       | 1=y 2=y         | WON",
        "1 2 3 |       | 1=y             | PENDING",
        "1 2 3 |       | 1=n 2=n         | LOST",
        // WON only when both won
        "1 2 3 | 3 4 5 | 1=y 2=y         | PENDING",
        "1 2 3 | 3 4 5 | 1=y 2=y 3=y 4=y | WON",
        "1 2 3 | 3 4 5 | 1=y 2=y 4=y 5=y | WON",
        // LOST when either lost, even if the other won
        "1 2 3 | 3 4 5 | 1=y 2=y 4=n 5=n | LOST",
        "1 2 3 | 3 4 5 | 1=n 2=n 4=y 5=y | LOST",
        "1 2 3 | 3 4 5 | 1=n 2=n         | LOST",
        // PENDING when one half is pending and none lost
        "1 2 3 | 3 4 5 | 1=y 2=y 3=n     | PENDING",
        "1     | 2     | 1=y             | PENDING",
        "1     | 2     | 1=y 2=n         | LOST",
        "1     | 2     | 1=y 2=y         | WON",
    })
    void voteResultNeedsBothHalves(String in, String out, String voteSpec, VoteResult want) {
        assertThat(joint(in, out).voteResult(votes(voteSpec == null ? "" : voteSpec))).isEqualTo(want);
    }

    @Test
    void halvesIdsAndMembership() {
        JointConfig j = joint("1 2 3", "3 4");
        assertThat(j.incoming()).isEqualTo(MajorityConfig.of(1, 2, 3));
        assertThat(j.outgoing()).isEqualTo(MajorityConfig.of(3, 4));
        assertThat(j.isJoint()).isTrue();
        assertThat(j.ids()).containsExactly(1L, 2L, 3L, 4L);
        assertThatThrownBy(() -> j.ids().add(9L)).isInstanceOf(UnsupportedOperationException.class);
        assertThat(j.contains(1)).isTrue();
        assertThat(j.contains(4)).isTrue();
        assertThat(j.contains(5)).isFalse();

        JointConfig simple = joint("1 2", "");
        assertThat(simple.isJoint()).isFalse();
        assertThat(simple.ids()).containsExactly(1L, 2L);
        // Only a non-empty outgoing half makes a config joint.
        assertThat(joint("", "1").isJoint()).isTrue();
        assertThat(JointConfig.EMPTY.isJoint()).isFalse();
        assertThat(JointConfig.EMPTY.ids()).isEmpty();
        assertThat(JointConfig.of(MajorityConfig.EMPTY, MajorityConfig.EMPTY)).isSameAs(JointConfig.EMPTY);
    }

    @Test
    void equalsHashCodeToString() {
        assertThat(joint("1 2 3", "1 2")).isEqualTo(joint("3 2 1", "2 1"))
                .hasSameHashCodeAs(joint("1 2 3", "1 2"))
                .isNotEqualTo(joint("1 2", "1 2 3"))
                .isNotEqualTo(joint("1 2 3", ""));
        assertThat(joint("1 2 3", "1 2")).hasToString("(1 2 3)&&(1 2)");
        assertThat(joint("1 2 3", "")).hasToString("(1 2 3)");
        assertThat(JointConfig.EMPTY).hasToString("()");
    }

    @Test
    void nullHalvesAreRejected() {
        assertThatThrownBy(() -> JointConfig.of(null, MajorityConfig.EMPTY)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> JointConfig.of(MajorityConfig.EMPTY, null)).isInstanceOf(NullPointerException.class);
    }
}
