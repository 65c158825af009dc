package org.understudy.raft.core.confchange;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.understudy.raft.core.confchange.Changes.install;
import static org.understudy.raft.core.confchange.Changes.parse;
import static org.understudy.raft.core.confchange.Changes.tracker;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.understudy.raft.core.tracker.Progress;
import org.understudy.raft.core.tracker.ProgressTracker;

/** Entering and leaving joint configurations (thesis §4.3). */
class ConfChangerJointTest {

    static ConfChanger.Result enter(ProgressTracker t, boolean autoLeave, String changes) throws ConfChangeException {
        return new ConfChanger(t, 10).enterJoint(autoLeave, parse(changes));
    }

    static ConfChanger.Result leave(ProgressTracker t) throws ConfChangeException {
        return new ConfChanger(t, 10).leaveJoint();
    }

    @ParameterizedTest(name = "({0}) learners ({1}) enter [{2}] -> {3} -> leave -> {4}")
    @CsvSource(delimiter = '|', value = {
        // replace a voter
        "1 2 3 |     | v4 r1       | voters=(2 3 4)&&(1 2 3) autoLeave           | voters=(2 3 4)",
        // several voters at once
        "1     |     | v2 v3       | voters=(1 2 3)&&(1) autoLeave               | voters=(1 2 3)",
        "1 2 3 |     | r1 r2 v4 v5 | voters=(3 4 5)&&(1 2 3) autoLeave           | voters=(3 4 5)",
        // promote a learner while removing a voter
        "1 2 3 | 4   | v4 r1       | voters=(2 3 4)&&(1 2 3) autoLeave           | voters=(2 3 4)",
        // demote a voter: it waits in learnersNext, still an outgoing voter
        "1 2 3 |     | l3          | voters=(1 2)&&(1 2 3) next=(3) autoLeave    | voters=(1 2) learners=(3)",
        "1 2 3 | 4   | l2 l3 v4    | voters=(1 4)&&(1 2 3) next=(2 3) autoLeave  | voters=(1 4) learners=(2 3)",
        // demote, then change one's mind in the same change
        "1 2 3 |     | l3 v3       | voters=(1 2 3)&&(1 2 3) autoLeave           | voters=(1 2 3)",
        // demote, then remove: gone after leaving
        "1 2 3 |     | l3 r3       | voters=(1 2)&&(1 2 3) autoLeave             | voters=(1 2)",
        // a new learner goes straight to learners: it is in no outgoing half
        "1 2 3 |     | l5 v4       | voters=(1 2 3 4)&&(1 2 3) learners=(5) autoLeave | voters=(1 2 3 4) learners=(5)",
        // removing a learner needs no staging
        "1 2 3 | 4   | r4 v5       | voters=(1 2 3 5)&&(1 2 3) autoLeave         | voters=(1 2 3 5)",
        // an empty joint change: both halves equal
        "1 2   |     |             | voters=(1 2)&&(1 2) autoLeave               | voters=(1 2)",
    })
    void enterThenLeave(String voters, String learners, String changes, String joint, String after)
            throws ConfChangeException {
        ProgressTracker t = tracker(voters, learners == null ? "" : learners);
        ConfChanger.Result entered = enter(t, true, changes == null ? "" : changes);
        assertThat(entered.config()).hasToString(joint);
        assertThat(entered.config().isJoint()).isTrue();
        assertThat(entered.config().voters().outgoing()).isEqualTo(t.config().voters().incoming());
        Invariants.check(entered.config(), entered.progress());

        ConfChanger.Result left = leave(install(Changes.empty(), entered));
        assertThat(left.config()).hasToString(after);
        assertThat(left.config().isJoint()).isFalse();
        assertThat(left.config().autoLeave()).isFalse();
        assertThat(left.progress().keySet()).containsExactlyElementsOf(ConfChangerSimpleTest.ids(left));
        Invariants.check(left.config(), left.progress());
    }

    @Test
    void autoLeaveFlagIsKept() throws ConfChangeException {
        ProgressTracker t = tracker("1 2 3", "");
        assertThat(enter(t, true, "v4").config().autoLeave()).isTrue();
        ConfChanger.Result explicit = enter(t, false, "v4");
        assertThat(explicit.config().autoLeave()).isFalse();
        assertThat(explicit.config()).hasToString("voters=(1 2 3 4)&&(1 2 3)");
        assertThat(leave(install(Changes.empty(), explicit)).config().autoLeave()).isFalse();
    }

    @Test
    void removedOutgoingVoterKeepsProgressUntilLeave() throws ConfChangeException {
        ProgressTracker t = tracker("1 2 3", "");
        t.get(1).maybeUpdate(9);
        ConfChanger.Result entered = enter(t, true, "r1 v4");
        assertThat(entered.progress()).containsKey(1L);
        assertThat(entered.progress().get(1L).match()).as("still replicated to: it votes in C_old").isEqualTo(9);
        ConfChanger.Result left = leave(install(Changes.empty(), entered));
        assertThat(left.progress()).doesNotContainKey(1L).containsKey(4L);
    }

    @Test
    void demotedVoterBecomesLearnerOnLeave() throws ConfChangeException {
        ProgressTracker t = tracker("1 2 3", "");
        t.get(3).maybeUpdate(33);
        ConfChanger.Result entered = enter(t, true, "l3");
        Progress staged = entered.progress().get(3L);
        assertThat(staged.isLearner()).as("still an outgoing voter").isFalse();
        ProgressTracker joint = install(Changes.empty(), entered);
        assertThat(joint.isVoter(3)).isTrue();
        assertThat(joint.isLearner(3)).isFalse();

        ConfChanger.Result left = leave(joint);
        Progress learner = left.progress().get(3L);
        assertThat(learner.isLearner()).isTrue();
        assertThat(learner.match()).isEqualTo(33);
        assertThat(staged.isLearner()).as("leave copied, did not touch the joint tracker's progress").isFalse();
    }

    @Test
    void promotedLearnerLosesLearnerFlag() throws ConfChangeException {
        ProgressTracker t = tracker("1 2 3", "4");
        ConfChanger.Result entered = enter(t, true, "v4 r1");
        assertThat(entered.progress().get(4L).isLearner()).isFalse();
        assertThat(entered.config().learners()).isEmpty();
    }

    @Test
    void enterIsRefusedWhenAlreadyJoint() throws ConfChangeException {
        ProgressTracker joint = install(Changes.empty(), enter(tracker("1 2 3", ""), true, "v4"));
        String before = Changes.snapshot(joint);
        assertThatThrownBy(() -> enter(joint, true, "v5"))
                .isInstanceOf(ConfChangeException.class)
                .hasMessageContaining("already joint");
        assertThat(Changes.snapshot(joint)).isEqualTo(before);
    }

    @Test
    void enterIsRefusedWithoutVoters() {
        assertThatThrownBy(() -> enter(Changes.empty(), true, "v1 v2"))
                .isInstanceOf(ConfChangeException.class)
                .hasMessageContaining("no voters");
    }

    @Test
    void enterIsRefusedWhenEveryIncomingVoterGoes() throws ConfChangeException {
        ProgressTracker t = tracker("1 2", "3");
        assertThatThrownBy(() -> enter(t, true, "r1 r2"))
                .isInstanceOf(ConfChangeException.class)
                .hasMessageContaining("no voter would be left");
        assertThatThrownBy(() -> enter(t, true, "l1 l2"))
                .isInstanceOf(ConfChangeException.class)
                .hasMessageContaining("no voter would be left");
    }

    @Test
    void leaveIsRefusedWhenNotJoint() throws ConfChangeException {
        assertThatThrownBy(() -> leave(tracker("1 2 3", "")))
                .isInstanceOf(ConfChangeException.class)
                .hasMessageContaining("not joint");
        assertThatThrownBy(() -> leave(Changes.empty()))
                .isInstanceOf(ConfChangeException.class)
                .hasMessageContaining("not joint");
    }
}
