package org.understudy.bench.learner;

/**
 * How the caught-up learner became a voter. Times in seconds are since the {@code member add}.
 *
 * @param readySeconds when the leader's {@code GET /v1/members} first showed the learner with a
 *     match index and a lag of at most {@link #READY_LAG} entries ({@code ctl member add --wait}'s
 *     "ready to promote"); {@code NaN} when it never did before it was a voter
 * @param acceptedSeconds when the promote that succeeded was sent (attempts start once the
 *     learner has caught up and are repeated every 100 ms while the leader answers
 *     {@code LEARNER_NOT_READY})
 * @param refused promote attempts answered {@code LEARNER_NOT_READY} before that
 * @param callMillis how long the successful {@code POST /v1/members/{id}/promote} took to answer
 * @param voterEverywhereMillis from sending that promote to every member (the new one included)
 *     listing it as a voter in its own {@code GET /v1/members}
 */
record PromotionFigures(double readySeconds, double acceptedSeconds, int refused, double callMillis,
        double voterEverywhereMillis) {
    /** {@code ctl member add --wait}'s default {@code --ready-lag}. */
    static final long READY_LAG = 10;
}
