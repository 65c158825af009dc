package org.understudy.raft.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.understudy.raft.ErrorCode;
import org.understudy.raft.RaftException;

class RequestTrackerTest {

    @Test
    void failAllFailsOpenFuturesAndEveryFutureTrackedAfterwards() {
        RequestTracker tracker = new RequestTracker();
        CompletableFuture<String> done = tracker.track(new CompletableFuture<>());
        CompletableFuture<String> open = tracker.track(new CompletableFuture<>());
        done.complete("ok");
        assertThat(tracker.openCount()).isEqualTo(1);

        RaftException closing = new RaftException(ErrorCode.UNAVAILABLE, "closing");
        tracker.failAll(closing);

        assertThat(done).isCompletedWithValue("ok");
        assertThat(open).isCompletedExceptionally();
        assertThat(tracker.track(new CompletableFuture<>())).isCompletedExceptionally();
        assertThat(tracker.openCount()).isZero();
    }
}
