package org.understudy.raft.spi.kit;

import org.understudy.raft.proto.HardState;
import org.understudy.raft.spi.LogStorage;

/**
 * The shape of a log in a few numbers: what the crash writer reports after opening and after each
 * sync, and what the parent's model predicts. Two logs with equal summaries may still differ in
 * their entries; the summary exists to catch a wrong {@code lastIndex()} or a lost hard state at
 * the moment it happens rather than after the kill.
 */
public record LogSummary(long firstIndex, long lastIndex, long lastTerm, long hardStateTerm, long vote, long commit,
        long compactedIndex, long compactedTerm) {

    /** The number of values in {@link #toArgs()}. */
    public static final int ARGS = 8;

    /** Reads the summary of an open log. */
    public static LogSummary of(LogStorage log) {
        long last = log.lastIndex();
        HardState hs = log.hardState();
        return new LogSummary(log.firstIndex(), last, log.term(last), hs.getTerm(), hs.getVote(), hs.getCommit(),
                log.compactedTo().getIndex(), log.compactedTo().getTerm());
    }

    public static LogSummary fromArgs(long[] args, int offset) {
        return new LogSummary(args[offset], args[offset + 1], args[offset + 2], args[offset + 3], args[offset + 4],
                args[offset + 5], args[offset + 6], args[offset + 7]);
    }

    public long[] toArgs() {
        return new long[] {firstIndex, lastIndex, lastTerm, hardStateTerm, vote, commit, compactedIndex, compactedTerm};
    }

    public HardState hardState() {
        return HardState.newBuilder().setTerm(hardStateTerm).setVote(vote).setCommit(commit).build();
    }

    @Override
    public String toString() {
        return "entries " + firstIndex + ".." + lastIndex + " (last term " + lastTerm + "), hard state term "
                + hardStateTerm + " vote " + vote + " commit " + commit + ", compacted to " + compactedIndex + "/"
                + compactedTerm;
    }
}
