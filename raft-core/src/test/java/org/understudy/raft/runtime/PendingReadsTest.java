package org.understudy.raft.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.understudy.raft.core.ReadState;

class PendingReadsTest {
    private final PendingReads reads = new PendingReads("1");

    @Test
    void aReadCompletesOnlyOnceTheStateMachineHasAppliedItsIndex() {
        CompletableFuture<Long> f = new CompletableFuture<>();
        reads.asked(7, f);
        reads.answered(new ReadState(7, 20), 15);
        assertThat(f).isNotDone();
        reads.applied(19);
        assertThat(f).isNotDone();
        reads.applied(20);
        assertThat(f).isCompletedWithValue(20L);
    }

    @Test
    void aReadAlreadyAppliedCompletesAtOnce() {
        CompletableFuture<Long> f = new CompletableFuture<>();
        reads.asked(1, f);
        reads.answered(new ReadState(1, 10), 12);
        assertThat(f).isCompletedWithValue(10L);
        assertThat(reads.askedCount()).isZero();
    }

    @Test
    void aRefusedReadFails() {
        CompletableFuture<Long> f = new CompletableFuture<>();
        reads.asked(1, f);
        reads.answered(new ReadState(1, 0), 12);
        assertThat(f).isCompletedExceptionally();
    }

    @Test
    void aReadThatTimedOutIsForgotten() {
        CompletableFuture<Long> f = new CompletableFuture<>();
        reads.asked(1, f);
        f.completeExceptionally(new RuntimeException("timeout"));
        assertThat(reads.askedCount()).isZero();
        reads.answered(new ReadState(1, 5), 10); // a late answer is ignored
        assertThat(f).isCompletedExceptionally();
    }
}
