package org.understudy.raft.core.tracker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.understudy.raft.core.tracker.TrackerConfigTest.set;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.understudy.raft.core.quorum.JointConfig;
import org.understudy.raft.core.quorum.MajorityConfig;
import org.understudy.raft.core.quorum.VoteResult;

class ProgressTrackerTest {

    /** A tracker with the given voters, outgoing voters and learners, every Progress at next 1. */
    static ProgressTracker tracker(long[] incoming, long[] outgoing, long[] learners, long[] learnersNext) {
        Map<Long, Progress> progress = new HashMap<>();
        for (long[] ids : List.of(incoming, outgoing, learnersNext)) {
            for (long id : ids) {
                progress.put(id, new Progress(1, new Inflights(4, 0), false));
            }
        }
        for (long id : learners) {
            progress.put(id, new Progress(1, new Inflights(4, 0), true));
        }
        ProgressTracker t = new ProgressTracker(4, 0);
        t.reset(new TrackerConfig(JointConfig.of(MajorityConfig.of(incoming), MajorityConfig.of(outgoing)),
                sortedSet(learners), sortedSet(learnersNext), outgoing.length > 0), progress);
        return t;
    }

    static TreeSet<Long> sortedSet(long[] ids) {
        TreeSet<Long> set = new TreeSet<>();
        for (long id : ids) {
            set.add(id);
        }
        return set;
    }

    static long[] ids(long... ids) {
        return ids;
    }

    @Test
    void newTrackerIsEmpty() {
        ProgressTracker t = new ProgressTracker(8, 1024);
        assertThat(t.maxInflight()).isEqualTo(8);
        assertThat(t.maxInflightBytes()).isEqualTo(1024);
        assertThat(t.config()).isEqualTo(TrackerConfig.EMPTY);
        assertThat(t.progress()).isEmpty();
        assertThat(t.get(1)).isNull();
        assertThat(t.voterIds()).isEmpty();
        assertThat(t.isSingleton()).isFalse();
        assertThat(t.committed()).as("no voters: nothing holds the commit back").isEqualTo(Long.MAX_VALUE);
        assertThatThrownBy(() -> new ProgressTracker(0, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ProgressTracker(1, -1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void committedCountsVotersOnly() {
        ProgressTracker t = tracker(ids(1, 2, 3), ids(), ids(4, 5), ids());
        t.get(1).maybeUpdate(10);
        t.get(4).maybeUpdate(10);
        t.get(5).maybeUpdate(10);
        assertThat(t.committed()).as("learners caught up, but they don't count").isZero();
        t.get(2).maybeUpdate(7);
        assertThat(t.committed()).isEqualTo(7);
        t.get(3).maybeUpdate(12);
        assertThat(t.committed()).isEqualTo(10);
    }

    @Test
    void committedInJointNeedsBothHalves() {
        ProgressTracker t = tracker(ids(1, 2, 3), ids(3, 4, 5), ids(), ids());
        for (long id = 1; id <= 3; id++) {
            t.get(id).maybeUpdate(9);
        }
        assertThat(t.committed()).isZero();
        t.get(4).maybeUpdate(5);
        assertThat(t.committed()).isEqualTo(5);
    }

    @Test
    void committedTreatsMissingProgressAsZero() {
        ProgressTracker t = new ProgressTracker(4, 0);
        Map<Long, Progress> progress = new HashMap<>();
        Progress one = new Progress(1, new Inflights(4, 0), false);
        one.maybeUpdate(5);
        progress.put(1L, one);
        t.reset(new TrackerConfig(JointConfig.of(MajorityConfig.of(1), MajorityConfig.EMPTY), set(), set(), false), progress);
        assertThat(t.committed()).isEqualTo(5);
        t.reset(new TrackerConfig(JointConfig.of(MajorityConfig.of(1, 2), MajorityConfig.EMPTY), set(), set(), false), progress);
        assertThat(t.committed()).isZero();
    }

    @Test
    void isSingleton() {
        assertThat(tracker(ids(1), ids(), ids(), ids()).isSingleton()).isTrue();
        assertThat(tracker(ids(1), ids(), ids(2), ids()).isSingleton()).as("learners don't matter").isTrue();
        assertThat(tracker(ids(1, 2), ids(), ids(), ids()).isSingleton()).isFalse();
        assertThat(tracker(ids(1), ids(1), ids(), ids()).isSingleton()).as("joint").isFalse();
    }

    @Test
    void quorumActiveIgnoresLearners() {
        ProgressTracker t = tracker(ids(1, 2, 3), ids(), ids(4, 5), ids());
        t.get(1).setRecentActive(true);
        t.get(4).setRecentActive(true);
        t.get(5).setRecentActive(true);
        assertThat(t.quorumActive()).isFalse();
        t.get(3).setRecentActive(true);
        assertThat(t.quorumActive()).isTrue();
    }

    @Test
    void quorumActiveInJointNeedsBothHalves() {
        ProgressTracker t = tracker(ids(1, 2, 3), ids(4, 5, 6), ids(), ids());
        t.get(1).setRecentActive(true);
        t.get(2).setRecentActive(true);
        assertThat(t.quorumActive()).isFalse();
        t.get(4).setRecentActive(true);
        assertThat(t.quorumActive()).isFalse();
        t.get(6).setRecentActive(true);
        assertThat(t.quorumActive()).isTrue();
    }

    @Test
    void membershipQueries() {
        // 3 is being demoted: still an outgoing voter, in learnersNext.
        ProgressTracker t = tracker(ids(1, 2), ids(1, 2, 3), ids(4), ids(3));
        assertThat(t.voterIds()).containsExactly(1L, 2L, 3L);
        assertThat(t.isVoter(3)).isTrue();
        assertThat(t.isLearner(3)).as("learnersNext still vote").isFalse();
        assertThat(t.isVoter(4)).isFalse();
        assertThat(t.isLearner(4)).isTrue();
        assertThat(t.isVoter(9)).isFalse();
        assertThat(t.isLearner(9)).isFalse();
    }

    @Test
    void firstVoteWins() {
        ProgressTracker t = tracker(ids(1, 2, 3), ids(), ids(), ids());
        t.recordVote(1, true);
        t.recordVote(1, false);
        t.recordVote(2, false);
        t.recordVote(2, true);
        assertThat(t.votes()).containsEntry(1L, true).containsEntry(2L, false);
        assertThat(t.tallyVotes()).isEqualTo(new ProgressTracker.VoteTally(1, 1, VoteResult.PENDING));
        t.recordVote(3, true);
        assertThat(t.tallyVotes()).isEqualTo(new ProgressTracker.VoteTally(2, 1, VoteResult.WON));
        t.resetVotes();
        assertThat(t.votes()).isEmpty();
        assertThat(t.tallyVotes()).isEqualTo(new ProgressTracker.VoteTally(0, 0, VoteResult.PENDING));
        t.recordVote(1, false);
        t.recordVote(2, false);
        assertThat(t.tallyVotes()).isEqualTo(new ProgressTracker.VoteTally(0, 2, VoteResult.LOST));
    }

    @Test
    void tallyCountsOnlyVoters() {
        ProgressTracker t = tracker(ids(1, 2, 3), ids(), ids(4), ids());
        t.recordVote(4, true);
        t.recordVote(9, true);
        t.recordVote(1, true);
        assertThat(t.tallyVotes()).isEqualTo(new ProgressTracker.VoteTally(1, 0, VoteResult.PENDING));
        t.recordVote(4, false);
        t.recordVote(2, true);
        assertThat(t.tallyVotes()).isEqualTo(new ProgressTracker.VoteTally(2, 0, VoteResult.WON));
    }

    @Test
    void tallyInJointCountsBothHalvesOnce() {
        ProgressTracker t = tracker(ids(1, 2), ids(2, 3), ids(), ids());
        t.recordVote(1, true);
        t.recordVote(2, true);
        assertThat(t.tallyVotes()).isEqualTo(new ProgressTracker.VoteTally(2, 0, VoteResult.PENDING));
        t.recordVote(3, false);
        assertThat(t.tallyVotes()).isEqualTo(new ProgressTracker.VoteTally(2, 1, VoteResult.LOST));
    }

    @Test
    void forEachVisitsInIdOrder() {
        ProgressTracker t = tracker(ids(30, 10, 20), ids(), ids(25, 5), ids());
        List<Long> seen = new ArrayList<>();
        t.forEach((id, pr) -> {
            assertThat(pr).isSameAs(t.get(id));
            seen.add(id);
        });
        assertThat(seen).containsExactly(5L, 10L, 20L, 25L, 30L);
        assertThat(t.progress().keySet()).containsExactly(5L, 10L, 20L, 25L, 30L);
    }

    @Test
    void resetCopiesTheMapAndKeepsVotes() {
        ProgressTracker t = new ProgressTracker(4, 0);
        Map<Long, Progress> progress = new HashMap<>();
        Progress one = new Progress(1, new Inflights(4, 0), false);
        progress.put(1L, one);
        TrackerConfig cfg = new TrackerConfig(JointConfig.of(MajorityConfig.of(1), MajorityConfig.EMPTY), set(), set(), false);
        t.recordVote(1, true);
        t.reset(cfg, progress);
        progress.put(2L, new Progress(1, new Inflights(4, 0), false));
        assertThat(t.progress()).containsOnlyKeys(1L);
        assertThat(t.get(1)).isSameAs(one);
        assertThat(t.config()).isSameAs(cfg);
        assertThat(t.tallyVotes().result()).isEqualTo(VoteResult.WON);
    }

    @Test
    void progressIsLiveForReplacingAMembersProgress() {
        ProgressTracker t = tracker(ids(1, 2), ids(), ids(), ids());
        Progress fresh = new Progress(50, new Inflights(4, 0), false);
        t.progress().put(2L, fresh);
        assertThat(t.get(2)).isSameAs(fresh);
    }

    @Test
    void toStringListsConfigAndPeers() {
        ProgressTracker t = tracker(ids(1, 2), ids(), ids(3), ids());
        assertThat(t.toString()).contains("voters=(1 2) learners=(3)", "1: PROBE", "3: PROBE match=0 next=1 learner");
    }
}
