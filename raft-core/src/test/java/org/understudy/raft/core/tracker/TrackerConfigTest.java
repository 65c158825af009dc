package org.understudy.raft.core.tracker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Comparator;
import java.util.List;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.understudy.raft.core.quorum.JointConfig;
import org.understudy.raft.core.quorum.MajorityConfig;
import org.understudy.raft.proto.ConfState;

class TrackerConfigTest {

    static TreeSet<Long> set(Long... ids) {
        return new TreeSet<>(List.of(ids));
    }

    @Test
    void setsAreCopiedSortedAndUnmodifiable() {
        TreeSet<Long> learners = new TreeSet<>(Comparator.reverseOrder());
        learners.addAll(List.of(4L, 9L, 7L));
        TrackerConfig cfg = new TrackerConfig(JointConfig.EMPTY, learners, set(), false);
        learners.add(100L);
        assertThat(cfg.learners()).containsExactly(4L, 7L, 9L);
        assertThatThrownBy(() -> cfg.learners().add(1L)).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> cfg.learnersNext().add(1L)).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void nullsAreEmpty() {
        TrackerConfig cfg = new TrackerConfig(null, null, null, false);
        assertThat(cfg).isEqualTo(TrackerConfig.EMPTY);
        assertThat(cfg.voters()).isSameAs(JointConfig.EMPTY);
        assertThat(cfg.learners()).isEmpty();
        assertThat(cfg.learnersNext()).isEmpty();
    }

    @Test
    void isJointFollowsTheOutgoingHalf() {
        assertThat(TrackerConfig.EMPTY.isJoint()).isFalse();
        TrackerConfig simple = new TrackerConfig(JointConfig.of(MajorityConfig.of(1, 2), MajorityConfig.EMPTY), set(), set(), false);
        assertThat(simple.isJoint()).isFalse();
        TrackerConfig joint = new TrackerConfig(JointConfig.of(MajorityConfig.of(1, 2), MajorityConfig.of(1)), set(), set(), true);
        assertThat(joint.isJoint()).isTrue();
    }

    @Test
    void toConfStateListsEverySetSorted() {
        TrackerConfig cfg = new TrackerConfig(
                JointConfig.of(MajorityConfig.of(3, 1, 2), MajorityConfig.of(2, 1, 5)), set(9L, 4L), set(5L), true);
        ConfState cs = cfg.toConfState();
        assertThat(cs.getVotersList()).containsExactly(1L, 2L, 3L);
        assertThat(cs.getVotersOutgoingList()).containsExactly(1L, 2L, 5L);
        assertThat(cs.getLearnersList()).containsExactly(4L, 9L);
        assertThat(cs.getLearnersNextList()).containsExactly(5L);
        assertThat(cs.getAutoLeave()).isTrue();
        assertThat(TrackerConfig.EMPTY.toConfState()).isEqualTo(ConfState.getDefaultInstance());
    }

    @Test
    void toStringLeavesOutEmptyParts() {
        TrackerConfig full = new TrackerConfig(
                JointConfig.of(MajorityConfig.of(1, 2, 3), MajorityConfig.of(1, 2, 3)), set(4L), set(3L), true);
        // (3 is in next only in this toString check; validity is ConfChanger's business.)
        assertThat(full).hasToString("voters=(1 2 3)&&(1 2 3) learners=(4) next=(3) autoLeave");
        TrackerConfig simple = new TrackerConfig(JointConfig.of(MajorityConfig.of(1, 2), MajorityConfig.EMPTY), set(), set(), false);
        assertThat(simple).hasToString("voters=(1 2)");
        assertThat(TrackerConfig.EMPTY).hasToString("voters=()");
    }

    @Test
    void equalityIsByValue() {
        TrackerConfig a = new TrackerConfig(JointConfig.of(MajorityConfig.of(1), MajorityConfig.EMPTY), set(2L), set(), false);
        TrackerConfig b = new TrackerConfig(JointConfig.of(MajorityConfig.of(1), MajorityConfig.EMPTY), set(2L), set(), false);
        assertThat(a).isEqualTo(b).hasSameHashCodeAs(b);
        assertThat(a).isNotEqualTo(new TrackerConfig(a.voters(), set(3L), set(), false));
    }
}
