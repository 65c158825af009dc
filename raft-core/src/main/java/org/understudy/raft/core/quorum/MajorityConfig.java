package org.understudy.raft.core.quorum;

import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * A set of voters that decides by simple majority: the building block of a Raft configuration.
 *
 * <p>Immutable. Ids are distinct, non-zero (0 means "no node") and kept sorted ascending, so every
 * iteration over them is deterministic, which the seeded simulator relies on to replay a run.
 *
 * <p>The empty config is a neutral element for {@link JointConfig}: it commits everything
 * ({@link Long#MAX_VALUE}) and wins every vote, so a joint config whose outgoing half is empty is
 * governed by its incoming half alone.
 */
public final class MajorityConfig {

    /** The config with no voters. */
    public static final MajorityConfig EMPTY = new MajorityConfig(new long[0]);

    private final long[] ids;
    private final SortedSet<Long> asSet;

    private MajorityConfig(long[] sortedDistinctIds) {
        this.ids = sortedDistinctIds;
        TreeSet<Long> set = new TreeSet<>();
        for (long id : sortedDistinctIds) {
            set.add(id);
        }
        this.asSet = Collections.unmodifiableSortedSet(set);
    }

    /**
     * @param ids voter ids; duplicates are collapsed
     * @throws IllegalArgumentException if an id is 0
     */
    public static MajorityConfig of(long... ids) {
        long[] sorted = ids.clone();
        Arrays.sort(sorted);
        int distinct = 0;
        for (int i = 0; i < sorted.length; i++) {
            if (sorted[i] == 0) {
                throw new IllegalArgumentException("node id 0 means 'none' and can't be a voter");
            }
            if (distinct == 0 || sorted[distinct - 1] != sorted[i]) {
                sorted[distinct++] = sorted[i];
            }
        }
        return distinct == 0 ? EMPTY : new MajorityConfig(Arrays.copyOf(sorted, distinct));
    }

    /**
     * @param ids voter ids; duplicates are collapsed
     * @throws IllegalArgumentException if an id is 0
     * @throws NullPointerException if the collection or an id is null
     */
    public static MajorityConfig of(Collection<Long> ids) {
        long[] raw = new long[ids.size()];
        int i = 0;
        for (Long id : ids) {
            raw[i++] = id;
        }
        return of(raw);
    }

    public boolean contains(long id) {
        return Arrays.binarySearch(ids, id) >= 0;
    }

    public int size() {
        return ids.length;
    }

    public boolean isEmpty() {
        return ids.length == 0;
    }

    /** @return the voter ids, sorted ascending (a copy: the caller may change it) */
    public long[] ids() {
        return ids.clone();
    }

    /** @return the voter ids as an unmodifiable sorted set */
    public SortedSet<Long> asSet() {
        return asSet;
    }

    /**
     * The highest index that a majority of the voters has acknowledged: sort the acknowledged
     * indexes and take the one that {@code size/2 + 1} voters have reached.
     *
     * @return that index, 0 if no majority acknowledged anything, or {@link Long#MAX_VALUE} for
     *     the empty config (so that it never holds back the other half of a joint config)
     */
    public long committedIndex(AckedIndexer acked) {
        int n = ids.length;
        if (n == 0) {
            return Long.MAX_VALUE;
        }
        long[] indexes = new long[n];
        for (int i = 0; i < n; i++) {
            indexes[i] = acked.ackedIndex(ids[i]);
        }
        Arrays.sort(indexes);
        // Ascending order: the entry at n - quorum and every entry above it (quorum entries in
        // all) are >= it, so a quorum has acknowledged it; no larger value has that many.
        return indexes[n - quorum()];
    }

    /**
     * Decides an election from the votes received so far.
     *
     * @param votes granted (true) or rejected (false) per node; a missing id or a null value means
     *     the node has not answered yet; ids that are not voters here are ignored
     * @return {@link VoteResult#WON} once a majority granted (always, for the empty config),
     *     {@link VoteResult#LOST} once a majority can no longer be reached, else
     *     {@link VoteResult#PENDING}
     */
    public VoteResult voteResult(Map<Long, Boolean> votes) {
        if (ids.length == 0) {
            return VoteResult.WON;
        }
        int granted = 0;
        int missing = 0;
        for (long id : ids) {
            Boolean vote = votes.get(id);
            if (vote == null) {
                missing++;
            } else if (vote) {
                granted++;
            }
        }
        int quorum = quorum();
        if (granted >= quorum) {
            return VoteResult.WON;
        }
        if (granted + missing >= quorum) {
            return VoteResult.PENDING;
        }
        return VoteResult.LOST;
    }

    private int quorum() {
        return ids.length / 2 + 1;
    }

    @Override
    public boolean equals(Object o) {
        return this == o || (o instanceof MajorityConfig other && Arrays.equals(ids, other.ids));
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(ids);
    }

    /** @return the ids in parentheses, e.g. {@code (1 2 3)}; {@code ()} when empty */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("(");
        for (int i = 0; i < ids.length; i++) {
            if (i > 0) {
                sb.append(' ');
            }
            sb.append(ids[i]);
        }
        return sb.append(')').toString();
    }
}
