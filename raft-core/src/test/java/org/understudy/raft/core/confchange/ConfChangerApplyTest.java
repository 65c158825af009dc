package org.understudy.raft.core.confchange;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.understudy.raft.core.confchange.Changes.confChange;
import static org.understudy.raft.core.confchange.Changes.install;
import static org.understudy.raft.core.confchange.Changes.tracker;
import static org.understudy.raft.proto.ConfChangeTransition.CONF_CHANGE_TRANSITION_AUTO;
import static org.understudy.raft.proto.ConfChangeTransition.CONF_CHANGE_TRANSITION_JOINT_EXPLICIT;
import static org.understudy.raft.proto.ConfChangeTransition.CONF_CHANGE_TRANSITION_JOINT_IMPLICIT;

import com.google.protobuf.ByteString;
import org.junit.jupiter.api.Test;
import org.understudy.raft.core.tracker.ProgressTracker;
import org.understudy.raft.proto.ConfChange;

/** How a ConfChange from the log is dispatched to simple, enter-joint or leave-joint. */
class ConfChangerApplyTest {

    @Test
    void helpers() {
        assertThat(ConfChanger.leavesJoint(ConfChange.getDefaultInstance())).isTrue();
        assertThat(ConfChanger.leavesJoint(confChange(CONF_CHANGE_TRANSITION_JOINT_EXPLICIT, ""))).isTrue();
        assertThat(ConfChanger.leavesJoint(ConfChange.newBuilder().setContext(ByteString.copyFromUtf8("x")).build())).isTrue();
        assertThat(ConfChanger.leavesJoint(confChange(CONF_CHANGE_TRANSITION_AUTO, "v1"))).isFalse();

        assertThat(ConfChanger.isSimple(confChange(CONF_CHANGE_TRANSITION_AUTO, "v1"))).isTrue();
        assertThat(ConfChanger.isSimple(confChange(CONF_CHANGE_TRANSITION_AUTO, "l1"))).isTrue();
        assertThat(ConfChanger.isSimple(confChange(CONF_CHANGE_TRANSITION_AUTO, "v1 l2"))).isFalse();
        assertThat(ConfChanger.isSimple(confChange(CONF_CHANGE_TRANSITION_AUTO, ""))).isFalse();
        assertThat(ConfChanger.isSimple(confChange(CONF_CHANGE_TRANSITION_JOINT_IMPLICIT, "v1"))).isFalse();
        assertThat(ConfChanger.isSimple(confChange(CONF_CHANGE_TRANSITION_JOINT_EXPLICIT, "v1"))).isFalse();
    }

    @Test
    void autoSingleChangeIsSimple() throws ConfChangeException {
        ProgressTracker t = tracker("1 2 3", "");
        ConfChanger.Result r = ConfChanger.apply(t, 5, confChange(CONF_CHANGE_TRANSITION_AUTO, "v4"));
        assertThat(r.config()).hasToString("voters=(1 2 3 4)");
        assertThat(r.progress().get(4L).next()).isEqualTo(5);
    }

    @Test
    void autoSeveralChangesEnterAutoLeavingJoint() throws ConfChangeException {
        ProgressTracker t = tracker("1 2 3", "");
        ConfChanger.Result r = ConfChanger.apply(t, 5, confChange(CONF_CHANGE_TRANSITION_AUTO, "v4 r1"));
        assertThat(r.config()).hasToString("voters=(2 3 4)&&(1 2 3) autoLeave");
        // Even learner-only batches go joint: whether a learner change demotes depends on the config.
        ConfChanger.Result learners = ConfChanger.apply(t, 5, confChange(CONF_CHANGE_TRANSITION_AUTO, "l4 l5"));
        assertThat(learners.config()).hasToString("voters=(1 2 3)&&(1 2 3) learners=(4 5) autoLeave");
    }

    @Test
    void implicitTransitionIsJointAndAutoLeaves() throws ConfChangeException {
        ConfChanger.Result r = ConfChanger.apply(tracker("1 2 3", ""), 5, confChange(CONF_CHANGE_TRANSITION_JOINT_IMPLICIT, "v4"));
        assertThat(r.config()).hasToString("voters=(1 2 3 4)&&(1 2 3) autoLeave");
    }

    @Test
    void explicitTransitionIsJointWithoutAutoLeave() throws ConfChangeException {
        ConfChanger.Result r = ConfChanger.apply(tracker("1 2 3", ""), 5, confChange(CONF_CHANGE_TRANSITION_JOINT_EXPLICIT, "v4"));
        assertThat(r.config()).hasToString("voters=(1 2 3 4)&&(1 2 3)");
    }

    @Test
    void emptyChangeLeavesJoint() throws ConfChangeException {
        ProgressTracker joint = install(Changes.empty(),
                ConfChanger.apply(tracker("1 2 3", ""), 5, confChange(CONF_CHANGE_TRANSITION_JOINT_EXPLICIT, "v4 l3")));
        assertThat(joint.config()).hasToString("voters=(1 2 4)&&(1 2 3) next=(3)");
        ConfChanger.Result r = ConfChanger.apply(joint, 5, ConfChange.getDefaultInstance());
        assertThat(r.config()).hasToString("voters=(1 2 4) learners=(3)");
    }

    @Test
    void refusals() throws ConfChangeException {
        ProgressTracker simple = tracker("1 2 3", "");
        assertThatThrownBy(() -> ConfChanger.apply(simple, 5, ConfChange.getDefaultInstance()))
                .isInstanceOf(ConfChangeException.class).hasMessageContaining("not joint");
        ProgressTracker joint = install(Changes.empty(),
                ConfChanger.apply(simple, 5, confChange(CONF_CHANGE_TRANSITION_AUTO, "v4 v5")));
        assertThatThrownBy(() -> ConfChanger.apply(joint, 5, confChange(CONF_CHANGE_TRANSITION_AUTO, "v6")))
                .isInstanceOf(ConfChangeException.class).hasMessageContaining("joint");
        assertThatThrownBy(() -> ConfChanger.apply(joint, 5, confChange(CONF_CHANGE_TRANSITION_AUTO, "v6 v7")))
                .isInstanceOf(ConfChangeException.class).hasMessageContaining("already joint");
    }

    @Test
    void unknownChangeTypeIsRefused() throws ConfChangeException {
        ConfChange cc = ConfChange.newBuilder()
                .addChanges(org.understudy.raft.proto.ConfChangeSingle.newBuilder().setTypeValue(7).setNodeId(4))
                .build();
        assertThatThrownBy(() -> ConfChanger.apply(tracker("1 2 3", ""), 5, cc))
                .isInstanceOf(ConfChangeException.class).hasMessageContaining("unknown conf change type 7");
    }
}
