package org.understudy.membership.policy;

import org.understudy.raft.ErrorCode;

/** The kind of answer {@link PromotionCheck} gives, each refusal with its stable error code (DESIGN.md §7). */
public enum PromotionOutcome {
    /** The change may be proposed. */
    ACCEPTED(null),
    /** A named member is not in the configuration. */
    MEMBER_NOT_FOUND(ErrorCode.MEMBER_NOT_FOUND),
    /** The member to promote is already a voter (or is leaving the voters). */
    NOT_A_LEARNER(ErrorCode.NOT_A_LEARNER),
    /** {@code replace(voter, learner)}: the member to replace is not a voter. */
    NOT_A_VOTER(ErrorCode.BAD_REQUEST),
    /** {@code replace(voter, learner)} named the same member twice. */
    SAME_MEMBER(ErrorCode.BAD_REQUEST),
    /** The learner exists but is not ready; see {@link NotReadyReason}. */
    LEARNER_NOT_READY(ErrorCode.LEARNER_NOT_READY);

    private final ErrorCode code;

    PromotionOutcome(ErrorCode code) {
        this.code = code;
    }

    /** The error code of a refusal, or {@code null} for {@link #ACCEPTED}. */
    public ErrorCode errorCode() {
        return code;
    }
}
