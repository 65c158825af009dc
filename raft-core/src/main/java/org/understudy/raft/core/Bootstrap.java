package org.understudy.raft.core;

import java.util.Collection;
import java.util.TreeSet;
import org.understudy.raft.proto.ConfState;
import org.understudy.raft.proto.HardState;
import org.understudy.raft.proto.SnapshotMetadata;

/**
 * How a brand-new cluster begins: every founding member starts from the same snapshot at index 1,
 * term 1, carrying the initial configuration, and an empty log after it.
 *
 * <p>Why a snapshot and not configuration entries in the log: a member that joins later must learn
 * the founding configuration from somewhere. With the founding configuration in a snapshot, the
 * leader's log starts at index 2, so a joiner (whose log is empty) always receives that snapshot
 * first, and with it the configuration: the log and the snapshots together are the one source of
 * truth, and no node needs out-of-band knowledge of who the founders were.
 *
 * <p>To found a cluster, each founding member: writes an (empty) state-machine snapshot with
 * {@link #initialSnapshot} as its metadata, compacts its log to it, persists
 * {@link #initialHardState()}, and creates its core with that metadata as {@code applied}. A member
 * that joins an existing cluster instead starts with an empty log and
 * {@code SnapshotMetadata.getDefaultInstance()}.
 */
public final class Bootstrap {
    /** The index and term of the founding snapshot. */
    public static final long INITIAL_INDEX = 1;
    public static final long INITIAL_TERM = 1;

    private Bootstrap() {}

    /** The founding snapshot's metadata for these voters and learners (ids sorted, no duplicates). */
    public static SnapshotMetadata initialSnapshot(Collection<Long> voters, Collection<Long> learners) {
        TreeSet<Long> v = new TreeSet<>(voters);
        TreeSet<Long> l = new TreeSet<>(learners);
        if (v.isEmpty()) {
            throw new IllegalArgumentException("a cluster needs at least one voter");
        }
        if (v.contains(0L) || l.contains(0L)) {
            throw new IllegalArgumentException("node id 0 is reserved for 'no node'");
        }
        TreeSet<Long> both = new TreeSet<>(v);
        both.retainAll(l);
        if (!both.isEmpty()) {
            throw new IllegalArgumentException("nodes " + both + " cannot be both voter and learner");
        }
        ConfState conf = ConfState.newBuilder().addAllVoters(v).addAllLearners(l).build();
        return SnapshotMetadata.newBuilder()
                .setIndex(INITIAL_INDEX)
                .setTerm(INITIAL_TERM)
                .setConfState(conf)
                .build();
    }

    /** The hard state founding members persist: term 1, no vote, the founding snapshot committed. */
    public static HardState initialHardState() {
        return HardState.newBuilder().setTerm(INITIAL_TERM).setCommit(INITIAL_INDEX).build();
    }
}
