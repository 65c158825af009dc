package org.understudy.raft.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.understudy.raft.memory.MemoryLogStorage;
import org.understudy.raft.proto.ConfState;
import org.understudy.raft.proto.Entry;
import org.understudy.raft.proto.EntryType;
import org.understudy.raft.proto.HardState;
import org.understudy.raft.proto.SnapshotMetadata;
import org.understudy.raft.spi.LogCompactedException;

/** Table tests of the core's log view: stable storage plus the unstable tail. */
class RaftLogTest {

    private static Entry e(long index, long term) {
        return Entry.newBuilder().setIndex(index).setTerm(term).setType(EntryType.ENTRY_NORMAL)
                .setData(ByteString.copyFromUtf8("e" + index + "t" + term)).build();
    }

    /** Entries with the given terms, starting at index {@code from}. */
    private static List<Entry> ents(long from, long... terms) {
        List<Entry> out = new ArrayList<>();
        for (int i = 0; i < terms.length; i++) {
            out.add(e(from + i, terms[i]));
        }
        return out;
    }

    private static MemoryLogStorage storage(List<Entry> stable) {
        MemoryLogStorage s = new MemoryLogStorage();
        if (!stable.isEmpty()) {
            s.append(stable);
        }
        s.sync();
        return s;
    }

    private static RaftLog log(MemoryLogStorage s) {
        return new RaftLog(s, s.firstIndex() - 1, 0, Long.MAX_VALUE);
    }

    @Test
    void emptyLogHasIndexZeroWithTermZero() {
        RaftLog log = log(storage(List.of()));
        assertThat(log.firstIndex()).isEqualTo(1);
        assertThat(log.lastIndex()).isEqualTo(0);
        assertThat(log.term(0)).isEqualTo(0);
        assertThat(log.term(1)).isEqualTo(RaftLog.NO_TERM);
        assertThat(log.isUpToDate(0, 0)).isTrue();
    }

    @Test
    void termSpansStableAndUnstable() {
        RaftLog log = log(storage(ents(1, 1, 1, 2)));
        log.append(ents(4, 3, 3));
        assertThat(log.lastIndex()).isEqualTo(5);
        assertThat(List.of(log.term(1), log.term(3), log.term(4), log.term(5))).containsExactly(1L, 2L, 3L, 3L);
        assertThat(log.term(6)).isEqualTo(RaftLog.NO_TERM);
        assertThat(log.slice(2, 6, Long.MAX_VALUE)).extracting(Entry::getIndex).containsExactly(2L, 3L, 4L, 5L);
    }

    @Test
    void maybeAppendRejectsAMismatchedPrevious() {
        RaftLog log = log(storage(ents(1, 1, 2, 3)));
        assertThat(log.maybeAppend(3, 2, 3, ents(4, 4))).isEqualTo(-1);
        assertThat(log.maybeAppend(4, 4, 3, ents(5, 4))).isEqualTo(-1); // beyond our end
        assertThat(log.lastIndex()).isEqualTo(3);
    }

    @Test
    void maybeAppendTruncatesAConflictingSuffixAndCommitsOnlyWhatMatches() {
        RaftLog log = log(storage(ents(1, 1, 1, 1, 1)));
        // Leader's log: 1,1,2,2 with commit 4: our entries 3 and 4 conflict.
        long lastNew = log.maybeAppend(2, 1, 10, ents(3, 2, 2));
        assertThat(lastNew).isEqualTo(4);
        assertThat(log.lastIndex()).isEqualTo(4);
        assertThat(log.term(3)).isEqualTo(2);
        // The commit index never runs past the last entry the leader vouched for.
        assertThat(log.committed()).isEqualTo(4);
        // The unstable tail starts at the conflict: that is what the next Ready persists.
        assertThat(log.nextUnstableEntries()).extracting(Entry::getIndex).containsExactly(3L, 4L);
    }

    @Test
    void maybeAppendOfEntriesAlreadyPresentChangesNothing() {
        RaftLog log = log(storage(ents(1, 1, 1, 2)));
        assertThat(log.maybeAppend(0, 0, 2, ents(1, 1, 1))).isEqualTo(2);
        assertThat(log.lastIndex()).isEqualTo(3); // a stale, shorter append must not truncate
        assertThat(log.hasNextUnstableEntries()).isFalse();
    }

    @Test
    void overwritingACommittedEntryIsABug() {
        RaftLog log = log(storage(ents(1, 1, 1, 1)));
        log.commitTo(3);
        assertThatThrownBy(() -> log.maybeAppend(1, 1, 3, ents(2, 2)))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("committed");
    }

    @Test
    void findConflictByTermSkipsAWholeTerm() {
        RaftLog log = log(storage(ents(1, 1, 1, 3, 3, 3, 5, 5)));
        assertThat(log.findConflictByTerm(7, 4)).containsExactly(5, 3);
        assertThat(log.findConflictByTerm(7, 5)).containsExactly(7, 5);
        assertThat(log.findConflictByTerm(5, 2)).containsExactly(2, 1);
        assertThat(log.findConflictByTerm(5, 0)).containsExactly(0, 0);
    }

    @Test
    void maybeCommitOnlyCommitsEntriesOfTheGivenTerm() {
        RaftLog log = log(storage(ents(1, 1, 2, 3)));
        assertThat(log.maybeCommit(2, 3)).isFalse(); // entry 2 is from term 2 (thesis §3.6.2)
        assertThat(log.maybeCommit(3, 3)).isTrue();
        assertThat(log.committed()).isEqualTo(3);
        assertThat(log.maybeCommit(2, 2)).isFalse(); // never backwards
    }

    @Test
    void isUpToDateComparesLastTermThenLength() {
        RaftLog log = log(storage(ents(1, 1, 2, 2)));
        assertThat(log.isUpToDate(3, 2)).isTrue();
        assertThat(log.isUpToDate(2, 2)).isFalse();
        assertThat(log.isUpToDate(1, 3)).isTrue();
        assertThat(log.isUpToDate(9, 1)).isFalse();
    }

    @Test
    void committedEntriesAreHandedOutOnceAndBoundedInBytes() {
        RaftLog log = new RaftLog(storage(ents(1, 1, 1, 1, 1)), 0, 0, 1);
        log.commitTo(3);
        List<Entry> first = log.nextCommittedEntries();
        assertThat(first).extracting(Entry::getIndex).containsExactly(1L); // one entry at least, then the byte cap
        log.acceptApplying(1);
        assertThat(log.nextCommittedEntries()).extracting(Entry::getIndex).containsExactly(2L);
        log.acceptApplying(3);
        assertThat(log.hasNextCommittedEntries()).isFalse();
    }

    @Test
    void pausedApplyingHandsOutNoCommittedEntriesUntilResumed() {
        RaftLog log = log(storage(ents(1, 1, 1)));
        log.commitTo(2);
        log.setApplyPaused(true);
        assertThat(log.hasNextCommittedEntries()).isFalse();
        assertThat(log.nextCommittedEntries()).isEmpty();
        log.setApplyPaused(false);
        assertThat(log.nextCommittedEntries()).extracting(Entry::getIndex).containsExactly(1L, 2L);
    }

    @Test
    void stableToIgnoresEntriesOverwrittenWhileBeingPersisted() {
        RaftLog log = log(storage(List.of()));
        log.append(ents(1, 1, 1));
        log.acceptUnstable(); // handed to a Ready
        log.append(ents(2, 2)); // overwritten before that Ready was advanced
        log.stableTo(2, 1);
        // Entry 2 of term 2 is not durable yet, so it must still be handed out.
        assertThat(log.nextUnstableEntries()).extracting(Entry::getTerm).containsExactly(2L);
        assertThat(log.term(2)).isEqualTo(2);
    }

    @Test
    void restoreFromSnapshotReplacesTheLogAndCommitsThroughIt() {
        RaftLog log = log(storage(ents(1, 1, 1)));
        SnapshotMetadata snap = SnapshotMetadata.newBuilder().setIndex(10).setTerm(4)
                .setConfState(ConfState.newBuilder().addVoters(1)).build();
        log.restore(snap);
        assertThat(log.firstIndex()).isEqualTo(11);
        assertThat(log.lastIndex()).isEqualTo(10);
        assertThat(log.term(10)).isEqualTo(4);
        assertThat(log.committed()).isEqualTo(10);
        assertThat(log.nextUnstableSnapshot()).isEqualTo(snap);
        assertThat(log.hasNextCommittedEntries()).isFalse(); // nothing to apply until the snapshot is installed
        assertThatThrownBy(() -> log.slice(5, 6, 100)).isInstanceOf(LogCompactedException.class);
    }

    @Test
    void compactedStorageAnswersTheTermOfTheSnapshotIndexOnly() {
        MemoryLogStorage s = storage(ents(1, 1, 1, 2, 2));
        s.compactPrefix(SnapshotMetadata.newBuilder().setIndex(2).setTerm(1).build());
        s.sync();
        RaftLog log = new RaftLog(s, 2, 2, Long.MAX_VALUE);
        assertThat(log.firstIndex()).isEqualTo(3);
        assertThat(log.term(2)).isEqualTo(1);
        assertThat(log.term(1)).isEqualTo(RaftLog.NO_TERM);
    }

    @Test
    void aStateMachineOlderThanTheLogIsRefused() {
        MemoryLogStorage s = storage(ents(1, 1, 1, 1));
        s.compactPrefix(SnapshotMetadata.newBuilder().setIndex(2).setTerm(1).build());
        assertThatThrownBy(() -> new RaftLog(s, 0, 0, Long.MAX_VALUE))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("missing");
    }

    @Test
    void commitIsRestoredFromTheHardStateButNeverBelowTheSnapshot() {
        MemoryLogStorage s = storage(ents(1, 1, 1, 1));
        s.setHardState(HardState.newBuilder().setTerm(1).setCommit(2).build());
        assertThat(new RaftLog(s, 0, 2, Long.MAX_VALUE).committed()).isEqualTo(2);
        assertThat(new RaftLog(s, 3, 2, Long.MAX_VALUE).committed()).isEqualTo(3);
    }
}
