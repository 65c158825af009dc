package org.understudy.membership.policy;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.understudy.raft.RaftException;

/**
 * The answer of {@link PromotionCheck}: accepted, or refused with a typed reason, the numbers behind
 * it, and a sentence an operator can act on. The numbers are filled whenever they are known (also
 * on acceptance), so a status page can show them and a refusal can say how far off the learner is.
 *
 * @param outcome accepted or the kind of refusal
 * @param reason why the learner is not ready; {@code null} unless {@link PromotionOutcome#LEARNER_NOT_READY}
 * @param learnerId the learner to promote
 * @param voterId the voter to replace, or 0 for a plain promotion
 * @param match the learner's match index as the leader knows it
 * @param leaderLastIndex the leader's last log index
 * @param lag {@code leaderLastIndex - match}, never negative
 * @param threshold the learner is ready only when {@code lag < threshold}
 * @param matchRatio {@code match / leaderLastIndex}, 1.0 for an empty log, in [0, 1]
 * @param snapshotInFlight whether a snapshot is on its way to the learner
 * @param pendingSnapshot the index of that snapshot, or 0
 * @param lastContactMillis milliseconds since the learner was last seen active (0: now, -1: unknown)
 * @param activeVoters reachable voters of the voter set that decided (the failing one on a quorum
 *     refusal, else the voter set after the change)
 * @param neededVoters the majority of that voter set
 * @param message a sentence for a human: what is wrong and what to do
 */
public record PromotionVerdict(
        PromotionOutcome outcome,
        NotReadyReason reason,
        long learnerId,
        long voterId,
        long match,
        long leaderLastIndex,
        long lag,
        long threshold,
        double matchRatio,
        boolean snapshotInFlight,
        long pendingSnapshot,
        long lastContactMillis,
        int activeVoters,
        int neededVoters,
        String message) {

    /** Detail key: the {@link NotReadyReason}, or the outcome's name for other refusals. */
    public static final String REASON = "reason";
    public static final String MEMBER_ID = "memberId";
    public static final String VOTER_ID = "voterId";
    public static final String LAG = "lag";
    public static final String THRESHOLD = "threshold";
    public static final String MATCH = "match";
    public static final String LEADER_LAST_INDEX = "leaderLastIndex";
    /** Detail key: the match ratio with four decimals, e.g. {@code 0.8300}. */
    public static final String MATCH_RATIO = "matchRatio";
    public static final String SNAPSHOT_IN_FLIGHT = "snapshotInFlight";
    public static final String PENDING_SNAPSHOT = "pendingSnapshot";
    public static final String LAST_CONTACT_MILLIS = "lastContactMillis";
    public static final String ACTIVE_VOTERS = "activeVoters";
    public static final String NEEDED_VOTERS = "neededVoters";

    public boolean accepted() {
        return outcome == PromotionOutcome.ACCEPTED;
    }

    /** The match ratio as a whole percentage, rounded down so that a learner is "100%" only when fully caught up. */
    public int percentCaughtUp() {
        return (int) Math.floor(matchRatio * 100.0);
    }

    /**
     * The details an error carries, with the stable keys above. Member-level refusals
     * ({@code MEMBER_NOT_FOUND}, {@code NOT_A_LEARNER}, ...) carry only the ids and the reason;
     * readiness verdicts carry every number.
     */
    public Map<String, String> details() {
        Map<String, String> d = new LinkedHashMap<>();
        d.put(REASON, reason != null ? reason.name() : outcome.name());
        d.put(MEMBER_ID, Long.toString(learnerId));
        if (voterId != 0) {
            d.put(VOTER_ID, Long.toString(voterId));
        }
        if (outcome == PromotionOutcome.ACCEPTED || outcome == PromotionOutcome.LEARNER_NOT_READY) {
            d.put(LAG, Long.toString(lag));
            d.put(THRESHOLD, Long.toString(threshold));
            d.put(MATCH, Long.toString(match));
            d.put(LEADER_LAST_INDEX, Long.toString(leaderLastIndex));
            d.put(MATCH_RATIO, String.format(Locale.ROOT, "%.4f", matchRatio));
            d.put(SNAPSHOT_IN_FLIGHT, Boolean.toString(snapshotInFlight));
            d.put(PENDING_SNAPSHOT, Long.toString(pendingSnapshot));
            d.put(LAST_CONTACT_MILLIS, Long.toString(lastContactMillis));
            d.put(ACTIVE_VOTERS, Integer.toString(activeVoters));
            d.put(NEEDED_VOTERS, Integer.toString(neededVoters));
        }
        return d;
    }

    /**
     * The refusal as the typed error the operator API throws.
     *
     * @throws IllegalStateException when the verdict is an acceptance
     */
    public RaftException toException() {
        if (accepted()) {
            throw new IllegalStateException("an accepted promotion is not an error: " + message);
        }
        return new RaftException(outcome.errorCode(), message, details());
    }
}
