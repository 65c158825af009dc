package org.understudy.raft.core.confchange;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.understudy.raft.core.confchange.Changes.parse;

import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.understudy.raft.core.quorum.JointConfig;
import org.understudy.raft.core.quorum.MajorityConfig;
import org.understudy.raft.core.tracker.Inflights;
import org.understudy.raft.core.tracker.Progress;
import org.understudy.raft.core.tracker.ProgressTracker;
import org.understudy.raft.core.tracker.TrackerConfig;

/**
 * Each invariant is broken on purpose: {@link Invariants#check} must name it, and every
 * ConfChanger operation must refuse a tracker that breaks it (input checking).
 */
class InvariantsTest {

    static TreeSet<Long> ids(String spec) {
        TreeSet<Long> out = new TreeSet<>();
        if (spec != null) {
            for (String s : spec.trim().split("\\s+")) {
                if (!s.isEmpty()) {
                    out.add(Long.parseLong(s));
                }
            }
        }
        return out;
    }

    /**
     * A config from its parts, and progress for the given ids; learner flags set for the ids in
     * {@code flagged}.
     */
    static ProgressTracker broken(String in, String out, String learners, String next, boolean autoLeave,
            String withProgress, String flagged) {
        TrackerConfig cfg = new TrackerConfig(
                JointConfig.of(MajorityConfig.of(ids(in)), MajorityConfig.of(ids(out))), ids(learners), ids(next), autoLeave);
        Map<Long, Progress> progress = new TreeMap<>();
        for (Long id : ids(withProgress)) {
            progress.put(id, new Progress(1, new Inflights(4, 0), ids(flagged).contains(id)));
        }
        ProgressTracker t = Changes.empty();
        t.reset(cfg, progress);
        return t;
    }

    @ParameterizedTest(name = "in=({0}) out=({1}) learners=({2}) next=({3}) auto={4} progress=({5}) flagged=({6}): {7}")
    @CsvSource(delimiter = '|', value = {
        "1 2 | | | | false | 1     |   | voter 2 has no progress",
        "1 2 | | 3 | | false | 1 2 | 3 | learner 3 has no progress",
        "1 2 | 1 2 3 | | 3 | true | 1 2 | | voter 3 has no progress",
        "1 2 | | | | false | 1 2 9 |   | node 9 has progress but is neither voter nor learner",
        "1 2 | 1 | | 2 | false | 1 2 |  | node 2 is in learnersNext but not an outgoing voter",
        "1 2 | | 2 | | false | 1 2 | 2 | node 2 is both a learner and an incoming voter",
        "1 2 | 1 3 | 3 | | false | 1 2 3 | 3 | node 3 is both a learner and an outgoing voter",
        "1 2 | | 3 | | false | 1 2 3 |   | node 3 is in learners but its progress is not marked learner",
        "1 2 | | | | false | 1 2 | 2 | node 2 is not in learners but its progress is marked learner",
        "1 2 | 1 2 3 | | 3 | false | 1 2 3 | 3 | node 3 is not in learners but its progress is marked learner",
        "1 2 | | | | true | 1 2 |   | autoLeave must be false outside a joint configuration",
    })
    void brokenInvariantIsNamed(String in, String out, String learners, String next, boolean autoLeave,
            String withProgress, String flagged, String message) {
        ProgressTracker t = broken(in, out, learners, next, autoLeave, withProgress, flagged);
        assertThatThrownBy(() -> Invariants.check(t.config(), t.progress()))
                .isInstanceOf(ConfChangeException.class).hasMessageContaining(message);

        // Every operation checks its input first, whatever it would do.
        ConfChanger changer = new ConfChanger(t, 1);
        assertThatThrownBy(() -> changer.simple(parse("l99")))
                .isInstanceOf(ConfChangeException.class).hasMessageContaining(message);
        assertThatThrownBy(() -> changer.enterJoint(true, parse("l99")))
                .isInstanceOf(ConfChangeException.class).hasMessageContaining(message);
        assertThatThrownBy(changer::leaveJoint)
                .isInstanceOf(ConfChangeException.class).hasMessageContaining(message);
    }

    @Test
    void learnersNextOutsideJointIsNamed() {
        // learnersNext ⊆ outgoing fails first when not joint (outgoing empty); build the state
        // where only the non-joint rule is broken by checking a config with outgoing empty.
        ProgressTracker t = broken("1 2", "", "", "2", false, "1 2", "");
        assertThatThrownBy(() -> Invariants.check(t.config(), t.progress()))
                .isInstanceOf(ConfChangeException.class).hasMessageContaining("learnersNext");
    }

    @Test
    void validConfigsPass() {
        assertThatCode(() -> Invariants.check(TrackerConfig.EMPTY, Map.of())).doesNotThrowAnyException();
        ProgressTracker joint = broken("1 2", "1 2 3", "4", "3", true, "1 2 3 4", "4");
        assertThatCode(() -> Invariants.check(joint.config(), joint.progress())).doesNotThrowAnyException();
    }
}
