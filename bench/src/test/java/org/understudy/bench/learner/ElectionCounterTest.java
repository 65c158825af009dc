package org.understudy.bench.learner;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ElectionCounterTest {

    @Test
    void aSteadyLeaderIsNoElection() {
        List<StatusSample> samples = List.of(s(0, "n1", 2, "a"), s(5, "n2", 2, "a"), s(15, "n1", 2, "a"),
                s(16, "n4", 0, ""), s(17, "n4", 2, "a"));
        assertThat(ElectionCounter.count(samples, 10, 20)).isEqualTo(new ElectionCounter.Elections(0, 0));
    }

    @Test
    void termsAboveTheBaselineCountAsStartedAndThoseWithALeaderAsWon() {
        List<StatusSample> samples = List.of(
                s(0, "n1", 2, "a"),
                s(11, "n2", 3, ""),  // an election started, lost (no leader in term 3)
                s(12, "n3", 4, ""),
                s(13, "n3", 4, "c"), // won in term 4
                s(14, "n1", 4, "c"),
                s(25, "n1", 5, "a")); // after the window
        assertThat(ElectionCounter.count(samples, 10, 20)).isEqualTo(new ElectionCounter.Elections(2, 1));
        assertThat(ElectionCounter.count(samples, 20, 30)).isEqualTo(new ElectionCounter.Elections(1, 1));
    }

    @Test
    void aLaggingMemberReportingAnOldTermAddsNothing() {
        List<StatusSample> samples = List.of(s(0, "n1", 7, "a"), s(12, "n4", 3, "b"), s(13, "n1", 7, "a"));
        assertThat(ElectionCounter.count(samples, 10, 20).none()).isTrue();
    }

    @Test
    void withoutEarlierSamplesTheWindowsLowestTermIsTheBaseline() {
        List<StatusSample> samples = List.of(s(10, "n1", 2, "a"), s(11, "n1", 3, "b"));
        assertThat(ElectionCounter.count(samples, 10, 20)).isEqualTo(new ElectionCounter.Elections(1, 1));
        assertThat(ElectionCounter.count(samples, 30, 40)).isEqualTo(new ElectionCounter.Elections(0, 0));
    }

    private static StatusSample s(long nanos, String member, long term, String leader) {
        return new StatusSample(nanos, member, term, leader);
    }
}
