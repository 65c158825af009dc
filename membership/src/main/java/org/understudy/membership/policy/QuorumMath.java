package org.understudy.membership.policy;

import java.util.Set;

/**
 * How many of a voter set are reachable, and whether that is a majority. Kept to a few lines on
 * purpose (the etcd-io/raft {@code quorum} package is the model): a configuration change is only
 * worth proposing when the voters that must commit it, and the voters that must keep the cluster
 * running after it, are actually there.
 */
final class QuorumMath {

    private QuorumMath() {}

    /** The smallest majority of {@code size} voters; an empty set needs nobody (it is not a half of anything). */
    static int majority(int size) {
        return size == 0 ? 0 : size / 2 + 1;
    }

    static ActiveCount count(Set<Long> voters, Liveness liveness) {
        int active = 0;
        for (long id : voters) {
            if (liveness.isActive(id)) {
                active++;
            }
        }
        return new ActiveCount(active, voters.size());
    }

    /**
     * @param active voters counted as reachable
     * @param size all voters of the set
     */
    record ActiveCount(int active, int size) {
        int needed() {
            return majority(size);
        }

        boolean hasQuorum() {
            return active >= needed();
        }
    }
}
