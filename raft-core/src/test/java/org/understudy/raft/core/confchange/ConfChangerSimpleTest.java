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
import org.understudy.raft.core.tracker.ProgressState;
import org.understudy.raft.core.tracker.ProgressTracker;

/** Simple (one voter at a time) changes: each rule of adding, promoting, demoting and removing. */
class ConfChangerSimpleTest {

    static ConfChanger.Result simple(ProgressTracker t, String changes) throws ConfChangeException {
        return new ConfChanger(t, 10).simple(parse(changes));
    }

    @ParameterizedTest(name = "({0}) learners ({1}) + [{2}] -> {3}")
    @CsvSource(delimiter = '|', value = {
        // bootstrap from nothing
        "        |     | v1        | voters=(1)",
        "        |     | v1 l2 l3  | voters=(1) learners=(2 3)",
        // add a voter, a learner
        "1       |     | v2        | voters=(1 2)",
        "1 2     |     | l3        | voters=(1 2) learners=(3)",
        "1       |     | l2 l3 l4  | voters=(1) learners=(2 3 4)",
        // promote a learner
        "1 2     | 3   | v3        | voters=(1 2 3)",
        // demote a voter (not joint: straight to learners)
        "1 2 3   |     | l3        | voters=(1 2) learners=(3)",
        // remove a voter, a learner, an unknown node
        "1 2 3   |     | r3        | voters=(1 2)",
        "1 2     | 3   | r3        | voters=(1 2)",
        "1 2     | 3   | r9        | voters=(1 2) learners=(3)",
        // re-adding is idempotent
        "1 2     | 3   | v1 l3     | voters=(1 2) learners=(3)",
        // node 0 is ignored
        "1 2     |     | v0 l0 r0  | voters=(1 2)",
        // one voter in, and learner changes around it
        "1 2     | 3   | r3 v4 l5  | voters=(1 2 4) learners=(5)",
        // add then remove the same node: no voter changed
        "1 2     |     | v3 r3     | voters=(1 2)",
        // swap a learner's role back and forth
        "1 2     | 3   | v3 l3     | voters=(1 2) learners=(3)",
    })
    void simpleChanges(String voters, String learners, String changes, String want) throws ConfChangeException {
        ProgressTracker t = tracker(voters == null ? "" : voters, learners == null ? "" : learners);
        ConfChanger.Result r = simple(t, changes);
        assertThat(r.config()).hasToString(want);
        assertThat(r.progress().keySet()).containsExactlyElementsOf(ids(r));
        Invariants.check(r.config(), r.progress());
    }

    static java.util.SortedSet<Long> ids(ConfChanger.Result r) {
        java.util.TreeSet<Long> all = new java.util.TreeSet<>(r.config().voters().ids());
        all.addAll(r.config().learners());
        all.addAll(r.config().learnersNext());
        return all;
    }

    @Test
    void newMembersProbeFromTheLastIndexAndCountAsActive() throws ConfChangeException {
        ProgressTracker t = install(Changes.empty(), new ConfChanger(Changes.empty(), 0).simple(parse("v1")));
        Progress first = t.get(1);
        assertThat(first.next()).as("lastIndex 0 still probes from 1").isEqualTo(1);
        assertThat(first.match()).isZero();
        assertThat(first.recentActive()).isTrue();
        assertThat(first.state()).isEqualTo(ProgressState.PROBE);
        assertThat(first.isLearner()).isFalse();
        assertThat(first.inflights().maxCount()).isEqualTo(Changes.MAX_INFLIGHT);

        ConfChanger.Result r = new ConfChanger(t, 57).simple(parse("v2 l3"));
        assertThat(r.progress().get(2L).next()).isEqualTo(57);
        assertThat(r.progress().get(2L).recentActive()).isTrue();
        assertThat(r.progress().get(3L).next()).isEqualTo(57);
        assertThat(r.progress().get(3L).isLearner()).isTrue();
        assertThat(r.progress().get(3L).recentActive()).isTrue();
    }

    @Test
    void promotionKeepsTheLearnersProgress() throws ConfChangeException {
        ProgressTracker t = tracker("1 2", "3");
        t.get(3).maybeUpdate(40);
        t.get(3).becomeReplicate();
        ConfChanger.Result r = simple(t, "v3");
        Progress promoted = r.progress().get(3L);
        assertThat(promoted.isLearner()).isFalse();
        assertThat(promoted.match()).isEqualTo(40);
        assertThat(promoted.state()).isEqualTo(ProgressState.REPLICATE);
        assertThat(promoted).as("a copy, not the tracker's object").isNotSameAs(t.get(3));
        assertThat(t.get(3).isLearner()).as("input untouched").isTrue();
    }

    @Test
    void demotionKeepsTheVotersProgress() throws ConfChangeException {
        ProgressTracker t = tracker("1 2 3", "");
        t.get(3).maybeUpdate(40);
        ConfChanger.Result r = simple(t, "l3");
        assertThat(r.progress().get(3L).isLearner()).isTrue();
        assertThat(r.progress().get(3L).match()).isEqualTo(40);
        assertThat(t.get(3).isLearner()).isFalse();
    }

    @Test
    void removalDropsTheProgress() throws ConfChangeException {
        ProgressTracker t = tracker("1 2 3", "4");
        ConfChanger.Result r = simple(t, "r3 r4");
        assertThat(r.progress()).containsOnlyKeys(1L, 2L);
    }

    @Test
    void inputTrackerIsNeverChanged() throws ConfChangeException {
        ProgressTracker t = tracker("1 2 3", "4");
        t.get(2).maybeUpdate(5);
        String before = Changes.snapshot(t);
        ConfChanger.Result r = simple(t, "r1 l5 r4");
        assertThat(Changes.snapshot(t)).isEqualTo(before);
        for (Long id : r.progress().keySet()) {
            assertThat(r.progress().get(id)).isNotSameAs(t.get(id));
        }
        assertThatThrownBy(() -> r.progress().put(9L, null)).isInstanceOf(UnsupportedOperationException.class);
    }

    @ParameterizedTest(name = "({0}) learners ({1}) + [{2}] fails: {3}")
    @CsvSource(delimiter = '|', value = {
        "1       |     | v2 v3     | use joint consensus",
        "1 2 3   |     | r1 r2     | use joint consensus",
        "1 2 3   |     | r1 v4     | use joint consensus",
        "1 2 3   | 4   | v4 l3     | use joint consensus",
        "1 2 3   |     | l1 l2     | use joint consensus",
        // the last voter can't go, nor can an empty config grow by learners alone
        "1       |     | r1        | no voter would be left",
        "1       | 2   | l1        | no voter would be left",
        "        |     | l1        | no voter would be left",
        "        |     | v1 v2     | use joint consensus",
    })
    void refusedSimpleChanges(String voters, String learners, String changes, String message) throws ConfChangeException {
        ProgressTracker t = tracker(voters == null ? "" : voters, learners == null ? "" : learners);
        String before = Changes.snapshot(t);
        assertThatThrownBy(() -> simple(t, changes)).isInstanceOf(ConfChangeException.class).hasMessageContaining(message);
        assertThat(Changes.snapshot(t)).isEqualTo(before);
    }

    @Test
    void simpleIsRefusedInAJointConfig() throws ConfChangeException {
        ProgressTracker t = install(tracker("1 2 3", ""), new ConfChanger(tracker("1 2 3", ""), 1).enterJoint(true, parse("v4")));
        assertThatThrownBy(() -> simple(t, "l5"))
                .isInstanceOf(ConfChangeException.class)
                .hasMessageContaining("joint");
    }
}
