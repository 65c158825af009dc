package org.understudy.bench.learner;

/**
 * How the learner catches up, chosen through the members' {@code --snapshot-count}. A member
 * writes a snapshot every {@code snapshot-count} applied entries and then compacts its log to the
 * previous snapshot point, so the log holds between one and two snapshot-counts of entries.
 */
enum CatchUpVariant {
    /**
     * Log replay: a snapshot count far above anything the run writes, so no member ever snapshots
     * and the leader still has the whole log when the learner arrives; the learner receives every
     * entry through appends.
     */
    REPLAY("replay"),
    /**
     * Snapshot: a quarter of the fill, so the members snapshot four times while the log is filled
     * and the leader's log starts well past index 1 when the learner arrives; it must receive a
     * snapshot first, then the entries after it.
     */
    SNAPSHOT("snapshot");

    /** No member reaches this many entries in a run. */
    static final long NEVER = 1_000_000_000L;
    /** Below this a snapshot count makes snapshots so frequent that they, not the catch-up, are measured. */
    static final long MIN_SNAPSHOT_COUNT = 256;

    private final String label;

    CatchUpVariant(String label) {
        this.label = label;
    }

    String label() {
        return label;
    }

    /** The members' {@code --snapshot-count} for a log filled with {@code fillEntries} writes. */
    long snapshotCount(long fillEntries) {
        return this == REPLAY ? NEVER : Math.max(MIN_SNAPSHOT_COUNT, fillEntries / 4);
    }

    static CatchUpVariant parse(String label) {
        for (CatchUpVariant v : values()) {
            if (v.label.equals(label)) {
                return v;
            }
        }
        throw new IllegalArgumentException("unknown catch-up variant '" + label + "' (replay, snapshot)");
    }
}
