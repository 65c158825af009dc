package org.understudy.raft.spi.kit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.understudy.raft.proto.HardState;
import org.understudy.raft.proto.SnapshotMetadata;

/**
 * What the crash kit accepts after a kill and what it rejects, without a child JVM: entries 1..10
 * of term 1 and hard state (1, 1, 5) are synced; then an overwrite of 8..15 in term 2 and the hard
 * state (2, 2, 7) are announced but not synced.
 */
class CrashModelTest {

    private static final HardState SYNCED_HS = hs(1, 1, 5);
    private static final HardState LATER_HS = hs(2, 2, 7);

    private final CrashModel model = new CrashModel();

    @BeforeEach
    void syncTenEntriesThenAnnounceAnOverwrite() {
        model.ready(CrashLine.of(CrashLine.Kind.READY, new LogSummary(1, 0, 0, 0, 0, 0, 0, 0).toArgs()), "test");
        model.announce(CrashLine.of(CrashLine.Kind.APPEND, 1, 10, 1));
        model.announce(CrashLine.of(CrashLine.Kind.HARDSTATE, 1, 1, 5));
        model.synced(CrashLine.synced(1, new LogSummary(1, 10, 1, 1, 1, 5, 0, 0)), "test");
        model.announce(CrashLine.of(CrashLine.Kind.APPEND, 8, 15, 2));
        model.announce(CrashLine.of(CrashLine.Kind.HARDSTATE, 2, 2, 7));
    }

    @Test
    void theSyncedStateIsAccepted() {
        assertThat(model.checkRecovered(log(SYNCED_HS, terms(10, 1)), "test")).contains("the synced log");
    }

    @Test
    void everyStateTheUnsyncedWritesCouldLeaveIsAccepted() {
        assertThat(model.checkRecovered(log(LATER_HS, terms(7, 1, 8, 2)), "test")).contains("with 1 of the 2 later writes");
        assertThat(model.checkRecovered(log(LATER_HS, terms(7, 1, 4, 2)), "test")).contains("entries 8..11");
        assertThat(model.checkRecovered(log(SYNCED_HS, terms(7, 1)), "test")).contains("part of the removal");
        assertThat(model.checkRecovered(log(LATER_HS, terms(9, 1)), "test")).contains("part of the removal");
    }

    @Test
    void aLostSyncedEntryIsRejectedWithItsIndexes() {
        assertThatThrownBy(() -> model.checkRecovered(log(SYNCED_HS, terms(6, 1)), "the-where"))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("the-where")
                .hasMessageContaining("entries 7..10 were synced but the log now ends at 6")
                .hasMessageContaining("APPEND 8 15 2 .");
    }

    @Test
    void aSyncedEntryInAnotherTermIsRejected() {
        long[] terms = terms(10, 1);
        terms[4] = 2;
        assertThatThrownBy(() -> model.checkRecovered(log(SYNCED_HS, terms), "test"))
                .hasMessageContaining("entry 5 was synced in term 1 but is in term 2");
    }

    @Test
    void newEntriesThatDoNotStartWhereTheOverwriteStartedAreRejected() {
        // The old entries up to 9, then term 2 from 10: no prefix of the announced writes gives that.
        assertThatThrownBy(() -> model.checkRecovered(log(LATER_HS, terms(9, 1, 3, 2)), "test"))
                .hasMessageContaining("entry 10 was synced in term 1 but is in term 2");
    }

    @Test
    void entriesNobodyAnnouncedAreRejected() {
        CrashModel synced = new CrashModel();
        synced.announce(CrashLine.of(CrashLine.Kind.APPEND, 1, 10, 1));
        synced.synced(CrashLine.synced(1, new LogSummary(1, 10, 1, 0, 0, 0, 0, 0)), "test");

        assertThatThrownBy(() -> synced.checkRecovered(log(HardState.getDefaultInstance(), terms(12, 1)), "test"))
                .hasMessageContaining("entries 11..12 beyond the last synced entry 10");
    }

    @Test
    void aHardStateOlderThanTheSyncedOneIsRejected() {
        assertThatThrownBy(() -> model.checkRecovered(log(hs(1, 1, 3), terms(10, 1)), "test"))
                .hasMessageContaining("hard state is (term 1, vote 1, commit 3)")
                .hasMessageContaining("the last synced one, (term 1, vote 1, commit 5)");
    }

    @Test
    void aCompactionIsAcceptedOnlyIfSyncedOrAnnounced() {
        model.announce(CrashLine.of(CrashLine.Kind.COMPACT, 5, 1));
        long[] sixToTen = Arrays.copyOfRange(terms(10, 1), 5, 10);

        assertThat(model.checkRecovered(new RecoveredLog(6, 10, CrashEntries.snapshot(5, 1), SYNCED_HS, sixToTen, 0), "test"))
                .contains("compaction: made after the last sync");
        long[] fiveToTen = Arrays.copyOfRange(terms(10, 1), 4, 10);
        assertThatThrownBy(() -> model.checkRecovered(
                new RecoveredLog(5, 10, CrashEntries.snapshot(4, 1), SYNCED_HS, fiveToTen, 0), "test"))
                .hasMessageContaining("compacted to 4/1");
    }

    @Test
    void aSyncReportThatDisagreesWithTheAnnouncedWritesIsRejected() {
        assertThatThrownBy(() -> model.synced(CrashLine.synced(2, new LogSummary(1, 14, 2, 2, 2, 7, 0, 0)), "test"))
                .hasMessageContaining("after sync #2 the writer's store reports entries 1..14")
                .hasMessageContaining("give entries 1..15");
    }

    /** {@code count} entries of {@code term}, then optionally {@code count2} of {@code term2}. */
    private static long[] terms(int count, long term, long... more) {
        long[] out = new long[count + (more.length == 0 ? 0 : (int) more[0])];
        Arrays.fill(out, 0, count, term);
        if (more.length > 0) {
            Arrays.fill(out, count, out.length, more[1]);
        }
        return out;
    }

    private static RecoveredLog log(HardState hardState, long[] terms) {
        return new RecoveredLog(1, terms.length, SnapshotMetadata.getDefaultInstance(), hardState, terms, 0);
    }

    private static HardState hs(long term, long vote, long commit) {
        return HardState.newBuilder().setTerm(term).setVote(vote).setCommit(commit).build();
    }
}
