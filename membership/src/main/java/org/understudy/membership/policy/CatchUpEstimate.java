package org.understudy.membership.policy;

/**
 * What {@link CatchUpEstimator} knows about one member.
 *
 * @param eta whether and how the estimate converges
 * @param ratePerSec how fast the lag shrinks, entries per second (negative: it grows); NaN when unknown
 * @param etaMillis milliseconds until the lag is under the threshold: 0 when {@link Eta#READY}, -1
 *     when {@link Eta#UNKNOWN} or {@link Eta#NOT_CONVERGING}
 * @param lag the lag at the last sample, -1 when never sampled
 */
public record CatchUpEstimate(Eta eta, double ratePerSec, long etaMillis, long lag) {

    /** The state of the estimate. */
    public enum Eta {
        /** The lag is already under the threshold. */
        READY,
        /** The lag shrinks; {@code etaMillis} says when it will be under the threshold. */
        CONVERGING,
        /** The lag does not shrink (the member is slower than the leader's writes, or stalled). */
        NOT_CONVERGING,
        /** Not enough samples yet. */
        UNKNOWN
    }
}
