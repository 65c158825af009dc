package org.understudy.bench.learner;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Counts elections in a time window from the members' status samples.
 *
 * <ul>
 *   <li><b>term changes</b>: how far the highest term any member reported in the window rose above
 *       the highest reported before it: every term is one election started (won or not; a
 *       PreVote that fails starts none);
 *   <li><b>leader changes</b>: the terms above that baseline in which some member named a leader:
 *       one per election won, since a term has at most one leader.
 * </ul>
 *
 * A member that lags (a learner that has not heard of the current term yet) cannot add to either:
 * only terms above the baseline count.
 */
final class ElectionCounter {
    /** The counts of one window. */
    record Elections(long termChanges, int leaderChanges) {
        boolean none() {
            return termChanges == 0 && leaderChanges == 0;
        }
    }

    private ElectionCounter() {}

    /** Elections seen in {@code samples} taken in [{@code fromNanos}, {@code toNanos}). */
    static Elections count(List<StatusSample> samples, long fromNanos, long toNanos) {
        long baseline = -1;
        long highestIn = -1;
        for (StatusSample s : samples) {
            if (s.nanos() - fromNanos < 0) {
                baseline = Math.max(baseline, s.term());
            } else if (s.nanos() - toNanos < 0) {
                highestIn = Math.max(highestIn, s.term());
            }
        }
        if (highestIn < 0) {
            return new Elections(0, 0);
        }
        if (baseline < 0) {
            baseline = samples.stream().filter(s -> inWindow(s, fromNanos, toNanos)).mapToLong(StatusSample::term)
                    .min().orElseThrow();
        }
        long base = baseline;
        Set<Long> ledTerms = new TreeSet<>();
        samples.stream().filter(s -> inWindow(s, fromNanos, toNanos))
                .filter(s -> s.term() > base && !s.leader().isEmpty())
                .forEach(s -> ledTerms.add(s.term()));
        return new Elections(Math.max(0, highestIn - baseline), ledTerms.size());
    }

    private static boolean inWindow(StatusSample s, long fromNanos, long toNanos) {
        return s.nanos() - fromNanos >= 0 && s.nanos() - toNanos < 0;
    }
}
