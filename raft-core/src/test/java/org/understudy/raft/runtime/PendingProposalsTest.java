package org.understudy.raft.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;
import org.understudy.raft.ErrorCode;
import org.understudy.raft.RaftException;
import org.understudy.raft.core.EntryId;
import org.understudy.raft.proto.ConfState;
import org.understudy.raft.proto.Entry;
import org.understudy.raft.proto.EntryType;

class PendingProposalsTest {
    private final PendingProposals<String> pending = new PendingProposals<>("1");

    private static Entry entry(long term, long index) {
        return Entry.newBuilder().setTerm(term).setIndex(index).build();
    }

    private static ErrorCode code(CompletableFuture<?> f) {
        assertThat(f).isCompletedExceptionally();
        Throwable t = f.handle((v, e) -> e instanceof CompletionException ? e.getCause() : e).join();
        return ((RaftException) t).code();
    }

    @Test
    void theEntryAppliedWithTheProposedTermCompletesTheProposal() {
        CompletableFuture<String> f = new CompletableFuture<>();
        pending.addProposal(new EntryId(2, 5), f);
        pending.appliedNormal(entry(2, 4), "other");
        assertThat(f).isNotDone();
        pending.appliedNormal(entry(2, 5), "mine");
        assertThat(f).isCompletedWithValue("mine");
        assertThat(pending.size()).isZero();
    }

    @Test
    void anotherTermAtTheIndexMeansTheProposalWasLost() {
        CompletableFuture<String> f = new CompletableFuture<>();
        pending.addProposal(new EntryId(2, 5), f);
        pending.appliedNormal(entry(3, 5), "someone else's");
        assertThat(code(f)).isEqualTo(ErrorCode.UNAVAILABLE);
    }

    @Test
    void aCommittedEntryOfALaterTermSettlesOlderProposalsAfterIt() {
        CompletableFuture<String> older = new CompletableFuture<>();
        CompletableFuture<String> current = new CompletableFuture<>();
        pending.startAt(1);
        pending.addProposal(new EntryId(2, 8), older);
        pending.addProposal(new EntryId(3, 9), current);
        pending.appliedNormal(entry(2, 5), "x");
        assertThat(older).isNotDone();
        // A term-3 entry at index 6 committed: no log holding it can hold (2, 8) after it.
        pending.appliedNormal(entry(3, 6), "new leader's no-op");
        assertThat(code(older)).isEqualTo(ErrorCode.UNAVAILABLE);
        assertThat(current).isNotDone();
    }

    @Test
    void twoProposalsAtOneIndexFromDifferentTermsAreBothTracked() {
        CompletableFuture<String> first = new CompletableFuture<>();
        CompletableFuture<String> second = new CompletableFuture<>();
        pending.addProposal(new EntryId(2, 5), first);
        pending.addProposal(new EntryId(4, 5), second);
        pending.appliedNormal(entry(4, 5), "second wins");
        assertThat(code(first)).isEqualTo(ErrorCode.UNAVAILABLE);
        assertThat(second).isCompletedWithValue("second wins");
    }

    @Test
    void confChangesCompleteWithTheResultingConfiguration() {
        CompletableFuture<ConfState> f = new CompletableFuture<>();
        pending.addConfChange(new EntryId(2, 5), f);
        ConfState conf = ConfState.newBuilder().addVoters(1).addLearners(4).build();
        pending.appliedConfChange(entry(2, 5).toBuilder().setType(EntryType.ENTRY_CONF_CHANGE).build(), conf);
        assertThat(f).isCompletedWithValue(conf);
    }

    @Test
    void aSnapshotMakesTheOutcomeOfProposalsItCoversUnknown() {
        CompletableFuture<String> covered = new CompletableFuture<>();
        CompletableFuture<String> after = new CompletableFuture<>();
        pending.addProposal(new EntryId(2, 5), covered);
        pending.addProposal(new EntryId(2, 12), after);
        pending.supersededUpTo(10, 2);
        assertThat(code(covered)).isEqualTo(ErrorCode.UNAVAILABLE);
        assertThat(after).isNotDone();
    }
}
