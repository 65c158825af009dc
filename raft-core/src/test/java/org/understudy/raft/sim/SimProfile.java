package org.understudy.raft.sim;

/**
 * A class of simulation runs: which faults and client actions dominate. The profile of a run is a
 * function of its seed, so a seed alone replays a run.
 */
public enum SimProfile {
    /** Everything at moderate rates: network faults, crashes, partitions, proposals, membership changes. */
    MIXED,
    /** Heavy loss, duplication, partitions and crashes; membership changes are rare. */
    LOSSY,
    /** Frequent membership changes (learners added, promoted, demoted, removed; joint changes) under light faults. */
    MEMBERSHIP;

    public static SimProfile forSeed(long seed) {
        return values()[(int) Math.floorMod(seed, (long) values().length)];
    }
}
