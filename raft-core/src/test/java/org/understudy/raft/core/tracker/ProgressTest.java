package org.understudy.raft.core.tracker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ProgressTest {

    /** A peer in PROBE or REPLICATE state with the given match and next. */
    static Progress progress(ProgressState state, long match, long next) {
        Progress pr = new Progress(next, new Inflights(4, 0), false);
        pr.maybeUpdate(match);
        if (state == ProgressState.REPLICATE) {
            pr.becomeReplicate();
            if (next > match + 1) {
                pr.sentEntries((int) (next - match - 1), 0);
            }
        }
        return pr;
    }

    @Test
    void newProgressProbesFromNext() {
        Progress pr = new Progress(10, new Inflights(4, 0), true);
        assertThat(pr.match()).isZero();
        assertThat(pr.next()).isEqualTo(10);
        assertThat(pr.state()).isEqualTo(ProgressState.PROBE);
        assertThat(pr.recentActive()).isFalse();
        assertThat(pr.isLearner()).isTrue();
        assertThat(pr.pendingSnapshot()).isZero();
        assertThat(pr.msgAppFlowPaused()).isFalse();
        assertThat(pr.isPaused()).isFalse();
        assertThatThrownBy(() -> new Progress(0, new Inflights(1, 0), false))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void becomeProbeFromReplicateRestartsAfterMatch() {
        Progress pr = new Progress(5, new Inflights(4, 0), false);
        pr.maybeUpdate(4);
        pr.becomeReplicate();
        pr.sentEntries(3, 30);
        assertThat(pr.next()).isEqualTo(8);
        pr.becomeProbe();
        assertThat(pr.state()).isEqualTo(ProgressState.PROBE);
        assertThat(pr.next()).isEqualTo(5);
        assertThat(pr.inflights().count()).isZero();
        assertThat(pr.msgAppFlowPaused()).isFalse();
    }

    @Test
    void becomeProbeFromSnapshotRestartsAfterTheSnapshot() {
        Progress pr = new Progress(5, new Inflights(4, 0), false);
        pr.maybeUpdate(1);
        pr.becomeSnapshot(10);
        pr.becomeProbe();
        assertThat(pr.next()).isEqualTo(11);
        assertThat(pr.pendingSnapshot()).isZero();
        assertThat(pr.state()).isEqualTo(ProgressState.PROBE);

        // If the match passed the snapshot meanwhile, probing starts after the match.
        Progress ahead = new Progress(5, new Inflights(4, 0), false);
        ahead.becomeSnapshot(10);
        ahead.maybeUpdate(12);
        ahead.becomeProbe();
        assertThat(ahead.next()).isEqualTo(13);
    }

    @Test
    void abortSnapshotMakesTheProbeStartAfterMatch() {
        Progress pr = new Progress(5, new Inflights(4, 0), false);
        pr.maybeUpdate(3);
        pr.becomeSnapshot(10);
        pr.abortSnapshot();
        assertThat(pr.state()).isEqualTo(ProgressState.SNAPSHOT);
        assertThat(pr.pendingSnapshot()).isZero();
        pr.becomeProbe();
        assertThat(pr.next()).isEqualTo(4);

        Progress replicating = new Progress(5, new Inflights(4, 0), false);
        replicating.becomeReplicate();
        replicating.abortSnapshot();
        assertThat(replicating.state()).isEqualTo(ProgressState.REPLICATE);
    }

    @Test
    void becomeReplicateStreamsFromMatch() {
        Progress pr = new Progress(20, new Inflights(4, 0), false);
        pr.maybeUpdate(7);
        pr.setMsgAppFlowPaused(true);
        pr.becomeReplicate();
        assertThat(pr.state()).isEqualTo(ProgressState.REPLICATE);
        assertThat(pr.next()).isEqualTo(8);
        assertThat(pr.msgAppFlowPaused()).isFalse();
    }

    @Test
    void becomeSnapshotPausesAppends() {
        Progress pr = new Progress(5, new Inflights(4, 0), false);
        pr.becomeReplicate();
        pr.sentEntries(2, 10);
        pr.becomeSnapshot(42);
        assertThat(pr.state()).isEqualTo(ProgressState.SNAPSHOT);
        assertThat(pr.pendingSnapshot()).isEqualTo(42);
        assertThat(pr.inflights().count()).isZero();
        assertThat(pr.isPaused()).isTrue();
        assertThatThrownBy(() -> pr.sentEntries(1, 1)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void sentEntriesInReplicateAdvancesAndFillsTheWindow() {
        Progress pr = new Progress(1, new Inflights(2, 0), false);
        pr.becomeReplicate();
        pr.sentEntries(3, 30);
        assertThat(pr.next()).isEqualTo(4);
        assertThat(pr.inflights().count()).isEqualTo(1);
        assertThat(pr.isPaused()).isFalse();
        pr.sentEntries(0, 0);
        assertThat(pr.next()).isEqualTo(4);
        assertThat(pr.inflights().count()).as("an empty append takes no slot").isEqualTo(1);
        pr.sentEntries(2, 20);
        assertThat(pr.next()).isEqualTo(6);
        assertThat(pr.isPaused()).as("window full").isTrue();
        // The ack frees the window and unpauses.
        assertThat(pr.maybeUpdate(3)).isTrue();
        pr.inflights().freeLE(3);
        assertThat(pr.isPaused()).isFalse();
        assertThat(pr.inflights().count()).isEqualTo(1);
    }

    @Test
    void sentEntriesInReplicatePausesOnBytes() {
        Progress pr = new Progress(1, new Inflights(100, 50), false);
        pr.becomeReplicate();
        pr.sentEntries(1, 20);
        assertThat(pr.isPaused()).isFalse();
        pr.sentEntries(1, 30);
        assertThat(pr.isPaused()).isTrue();
    }

    @Test
    void probeSendsOneAppendAtATime() {
        Progress pr = new Progress(5, new Inflights(4, 0), false);
        pr.sentEntries(0, 0);
        assertThat(pr.isPaused()).as("an empty append is no probe unless said so").isFalse();
        pr.sentEntries(3, 30);
        assertThat(pr.isPaused()).isTrue();
        assertThat(pr.next()).as("probing does not advance next").isEqualTo(5);
        assertThat(pr.inflights().count()).isZero();
        // A heartbeat response unpauses, so the leader probes again.
        pr.setMsgAppFlowPaused(false);
        assertThat(pr.isPaused()).isFalse();
        pr.sentEmptyProbe();
        assertThat(pr.isPaused()).isTrue();
    }

    @Test
    void sentEmptyProbeOnlyPausesInProbe() {
        Progress pr = new Progress(5, new Inflights(4, 0), false);
        pr.becomeReplicate();
        pr.sentEmptyProbe();
        assertThat(pr.isPaused()).isFalse();
    }

    @Test
    void maybeUpdate() {
        Progress pr = new Progress(5, new Inflights(4, 0), false);
        pr.sentEntries(1, 1);
        assertThat(pr.isPaused()).isTrue();
        assertThat(pr.maybeUpdate(3)).isTrue();
        assertThat(pr.match()).isEqualTo(3);
        assertThat(pr.next()).as("next does not move back").isEqualTo(5);
        assertThat(pr.isPaused()).isFalse();
        assertThat(pr.maybeUpdate(3)).as("duplicate").isFalse();
        assertThat(pr.maybeUpdate(2)).as("stale").isFalse();
        assertThat(pr.match()).isEqualTo(3);
        assertThat(pr.maybeUpdate(9)).isTrue();
        assertThat(pr.next()).isEqualTo(10);
        // A stale ack still pushes next past it (next = max(next, n + 1)).
        Progress stale = new Progress(2, new Inflights(4, 0), false);
        stale.maybeUpdate(4);
        stale.becomeProbe();
        stale.maybeDecrTo(4, 0);
        assertThat(stale.maybeUpdate(4)).isFalse();
        assertThat(stale.next()).isEqualTo(5);
    }

    /** Rows as in etcd's progress tests: state, match, next, rejected, hint -> updated, next after. */
    @ParameterizedTest(name = "{0} m={1} n={2} rejected={3} hint={4} -> {5} next={6}")
    @CsvSource({
        // replicate: a rejection at or below match is stale
        "REPLICATE, 5, 10, 5, 5, false, 10",
        "REPLICATE, 5, 10, 4, 4, false, 10",
        // replicate: otherwise fall back to match + 1
        "REPLICATE, 5, 10, 9, 9, true, 6",
        "REPLICATE, 5, 10, 9, 2, true, 6",
        // probe: only the rejection of next - 1 counts
        "PROBE, 0, 10, 5, 5, false, 10",
        "PROBE, 0, 10, 9, 9, true, 9",
        "PROBE, 0, 2, 1, 1, true, 1",
        "PROBE, 0, 1, 0, 0, true, 1",
        // probe: move to the hint, never below match + 1
        "PROBE, 0, 10, 9, 2, true, 3",
        "PROBE, 0, 10, 9, 0, true, 1",
        "PROBE, 5, 10, 9, 2, true, 6",
        // probe: a hint above rejected does not move next up
        "PROBE, 0, 10, 9, 20, true, 9",
    })
    void maybeDecrTo(ProgressState state, long match, long next, long rejected, long hint, boolean want, long wantNext) {
        Progress pr = progress(state, match, next);
        assertThat(pr.match()).isEqualTo(match);
        assertThat(pr.next()).isEqualTo(next);
        assertThat(pr.maybeDecrTo(rejected, hint)).isEqualTo(want);
        assertThat(pr.match()).isEqualTo(match);
        assertThat(pr.next()).isEqualTo(wantNext);
    }

    @Test
    void maybeDecrToUnpausesAProbe() {
        Progress pr = new Progress(10, new Inflights(4, 0), false);
        pr.sentEntries(1, 1);
        assertThat(pr.isPaused()).isTrue();
        assertThat(pr.maybeDecrTo(9, 4)).isTrue();
        assertThat(pr.isPaused()).isFalse();
        assertThat(pr.next()).isEqualTo(5);
    }

    @Test
    void maybeDecrToInSnapshotIsStaleUnlessItMatchesNext() {
        Progress pr = new Progress(10, new Inflights(4, 0), false);
        pr.becomeSnapshot(20);
        assertThat(pr.maybeDecrTo(5, 5)).isFalse();
        assertThat(pr.next()).isEqualTo(10);
        assertThat(pr.maybeDecrTo(9, 3)).isTrue();
        assertThat(pr.next()).isEqualTo(4);
        assertThat(pr.isPaused()).as("a snapshot in flight still pauses").isTrue();
    }

    @Test
    void isPausedPerState() {
        Progress pr = new Progress(3, new Inflights(1, 0), false);
        pr.setMsgAppFlowPaused(true);
        assertThat(pr.isPaused()).isTrue();
        pr.becomeReplicate();
        assertThat(pr.isPaused()).isFalse();
        pr.setMsgAppFlowPaused(true);
        assertThat(pr.isPaused()).isTrue();
        pr.becomeSnapshot(7);
        assertThat(pr.msgAppFlowPaused()).isFalse();
        assertThat(pr.isPaused()).isTrue();
    }

    @Test
    void flagsAreSettable() {
        Progress pr = new Progress(3, new Inflights(1, 0), false);
        pr.setLearner(true);
        pr.setRecentActive(true);
        assertThat(pr.isLearner()).isTrue();
        assertThat(pr.recentActive()).isTrue();
        pr.setLearner(false);
        pr.setRecentActive(false);
        assertThat(pr.isLearner()).isFalse();
        assertThat(pr.recentActive()).isFalse();
    }

    @Test
    void copyIsDeepAndEqualInState() {
        Progress pr = new Progress(3, new Inflights(4, 100), true);
        pr.setRecentActive(true);
        pr.maybeUpdate(2);
        pr.becomeReplicate();
        pr.sentEntries(2, 40);
        Progress copy = pr.copy();
        assertThat(copy).isNotSameAs(pr);
        assertThat(copy.inflights()).isNotSameAs(pr.inflights());
        assertThat(copy.toString()).isEqualTo(pr.toString());
        assertThat(copy.match()).isEqualTo(2);
        assertThat(copy.next()).isEqualTo(5);
        assertThat(copy.state()).isEqualTo(ProgressState.REPLICATE);
        assertThat(copy.isLearner()).isTrue();
        assertThat(copy.recentActive()).isTrue();
        assertThat(copy.inflights().count()).isEqualTo(1);
        assertThat(copy.inflights().bytes()).isEqualTo(40);

        pr.sentEntries(1, 1);
        pr.setLearner(false);
        assertThat(copy.next()).isEqualTo(5);
        assertThat(copy.inflights().count()).isEqualTo(1);
        assertThat(copy.isLearner()).isTrue();

        Progress snap = new Progress(3, new Inflights(4, 0), false);
        snap.becomeSnapshot(9);
        assertThat(snap.copy().pendingSnapshot()).isEqualTo(9);
        assertThat(snap.copy().state()).isEqualTo(ProgressState.SNAPSHOT);
    }

    @Test
    void toStringIsReadable() {
        Progress pr = new Progress(3, new Inflights(4, 0), true);
        pr.maybeUpdate(2);
        pr.becomeReplicate();
        pr.sentEntries(1, 1);
        assertThat(pr.toString()).contains("REPLICATE", "match=2", "next=4", "learner", "inflight=1", "inactive");
        pr.becomeSnapshot(8);
        assertThat(pr.toString()).contains("SNAPSHOT", "paused", "pendingSnap=8");
    }
}
