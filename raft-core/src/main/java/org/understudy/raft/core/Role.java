package org.understudy.raft.core;

/** The role of a node in its current term. A learner is always a {@link #FOLLOWER}. */
public enum Role {
    FOLLOWER,
    /** Asking for pre-votes without raising its term (thesis §9.6). */
    PRE_CANDIDATE,
    CANDIDATE,
    LEADER
}
