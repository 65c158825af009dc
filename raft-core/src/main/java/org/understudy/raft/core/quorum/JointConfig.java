package org.understudy.raft.core.quorum;

import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * The voters of a Raft configuration as two majority sets (joint consensus, Raft thesis §4.3).
 *
 * <p>Outside a configuration change only the incoming half is in use and the outgoing half is
 * empty. While the cluster moves from C_old to C_new, the outgoing half holds C_old and the
 * incoming half C_new; every decision (commit, election) then needs a majority of <em>each</em>
 * half, which is what makes the transition safe. Because the empty half commits everything and
 * wins every vote, the formulas below need no special case for the non-joint form.
 *
 * <p>Immutable.
 */
public final class JointConfig {

    /** No voters in either half. */
    public static final JointConfig EMPTY = new JointConfig(MajorityConfig.EMPTY, MajorityConfig.EMPTY);

    private final MajorityConfig incoming;
    private final MajorityConfig outgoing;
    private final SortedSet<Long> ids;

    private JointConfig(MajorityConfig incoming, MajorityConfig outgoing) {
        this.incoming = incoming;
        this.outgoing = outgoing;
        TreeSet<Long> union = new TreeSet<>(incoming.asSet());
        union.addAll(outgoing.asSet());
        this.ids = Collections.unmodifiableSortedSet(union);
    }

    /**
     * @param incoming the new voters (the only voters when not joint)
     * @param outgoing the old voters while a change is in progress, else {@link MajorityConfig#EMPTY}
     */
    public static JointConfig of(MajorityConfig incoming, MajorityConfig outgoing) {
        Objects.requireNonNull(incoming, "incoming");
        Objects.requireNonNull(outgoing, "outgoing");
        if (incoming.isEmpty() && outgoing.isEmpty()) {
            return EMPTY;
        }
        return new JointConfig(incoming, outgoing);
    }

    public MajorityConfig incoming() {
        return incoming;
    }

    public MajorityConfig outgoing() {
        return outgoing;
    }

    /** @return whether a configuration change is in progress, i.e. the outgoing half is non-empty */
    public boolean isJoint() {
        return !outgoing.isEmpty();
    }

    /** @return whether the id is a voter in either half */
    public boolean contains(long id) {
        return incoming.contains(id) || outgoing.contains(id);
    }

    /** @return the voters of both halves, sorted, unmodifiable */
    public SortedSet<Long> ids() {
        return ids;
    }

    /**
     * @return the highest index acknowledged by a majority of both halves: the minimum of the two
     *     halves' committed indexes ({@link Long#MAX_VALUE} if both halves are empty)
     */
    public long committedIndex(AckedIndexer acked) {
        return Math.min(incoming.committedIndex(acked), outgoing.committedIndex(acked));
    }

    /**
     * @return {@link VoteResult#WON} if both halves won, {@link VoteResult#LOST} if either lost,
     *     else {@link VoteResult#PENDING}
     */
    public VoteResult voteResult(Map<Long, Boolean> votes) {
        VoteResult in = incoming.voteResult(votes);
        VoteResult out = outgoing.voteResult(votes);
        if (in == VoteResult.LOST || out == VoteResult.LOST) {
            return VoteResult.LOST;
        }
        if (in == VoteResult.WON && out == VoteResult.WON) {
            return VoteResult.WON;
        }
        return VoteResult.PENDING;
    }

    @Override
    public boolean equals(Object o) {
        return this == o
                || (o instanceof JointConfig other
                        && incoming.equals(other.incoming)
                        && outgoing.equals(other.outgoing));
    }

    @Override
    public int hashCode() {
        return 31 * incoming.hashCode() + outgoing.hashCode();
    }

    /** @return {@code (1 2 3)} when not joint, {@code (1 2 3)&&(1 2)} (incoming&&outgoing) when joint */
    @Override
    public String toString() {
        return isJoint() ? incoming + "&&" + outgoing : incoming.toString();
    }
}
