package org.understudy.raft.core.quorum;

/** The outcome of an election (or any yes/no poll) as far as the votes received so far decide it. */
public enum VoteResult {
    /** Neither a winning nor a losing quorum is certain yet: some voters have not answered. */
    PENDING,
    /** Enough voters said no that a majority of yes votes is no longer possible. */
    LOST,
    /** A majority said yes. */
    WON
}
