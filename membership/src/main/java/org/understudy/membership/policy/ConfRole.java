package org.understudy.membership.policy;

/**
 * Where a member sits in a Raft configuration ({@code ConfState}). Derived from the configuration
 * every time, never stored, so it cannot disagree with what Raft actually counts (issue 5: "the
 * learner flag can never be lost or disagree between nodes").
 */
public enum ConfRole {
    /** Votes in the current (incoming) configuration. */
    VOTER,
    /** Votes only in the outgoing half of a joint configuration: it is being removed. */
    VOTER_OUTGOING,
    /** Receives the log but never votes or counts toward a quorum (§4 rule 2). */
    LEARNER,
    /** Votes in the outgoing half and becomes a learner when the joint configuration is left (demotion). */
    LEARNER_NEXT;

    /** Whether the member counts toward some quorum right now. */
    public boolean votes() {
        return this != LEARNER;
    }
}
