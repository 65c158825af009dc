package org.understudy.membership.registry;

/**
 * What a member is in the Raft configuration, as {@link MemberRegistry#role} derives it from the
 * {@code ConfState} that the last applied change produced. Never stored: the configuration is the
 * one source of truth, so a role can not disagree with it.
 */
public enum MemberRole {
    /** Votes in the (incoming) configuration; in a joint configuration it votes in both halves or the new one. */
    VOTER,
    /** Receives the log but has no vote and never leads. */
    LEARNER,
    /** Votes only in the outgoing half of a joint configuration: it leaves when the joint configuration is left. */
    VOTER_OUTGOING,
    /** Votes in the outgoing half and becomes a learner when the joint configuration is left (a demotion). */
    LEARNER_NEXT,
    /** Not in the configuration at all. */
    NONE;

    /** Whether a member with this role counts in some quorum right now. */
    public boolean votes() {
        return this == VOTER || this == VOTER_OUTGOING || this == LEARNER_NEXT;
    }
}
