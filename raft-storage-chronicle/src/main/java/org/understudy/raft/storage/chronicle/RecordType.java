package org.understudy.raft.storage.chronicle;

/**
 * What a record of the log queue says. The codes are part of the on-disk format: never renumber.
 *
 * <p>The log is the sequence of records in queue order; {@link LogReplay} applies them in that
 * order to rebuild the state, and the writer applies them the same way in memory.
 */
enum RecordType {
    /** A Raft entry (index, term, entry type, data); replaces every entry at or after its index. */
    ENTRY(1),
    /** Removes every entry at or after an index (Raft's suffix truncation). */
    TRUNCATE(2),
    /** A prefix compaction to a snapshot, with whether the entries after it were kept. */
    COMPACT(3),
    /** The node's hard state; the last one wins. */
    HARD_STATE(4),
    /**
     * The first record of every segment file: the format version and the whole state as it was
     * when the segment began (compaction point, hard state, last index), so that replay can begin
     * at any segment once older ones are deleted.
     */
    SEGMENT_START(5),
    /** Written once at open to say that the damaged records at the tail before it were dropped. */
    SKIP(6);

    final int code;

    RecordType(int code) {
        this.code = code;
    }

    /** The type with this code, or {@code null} for a code this build does not know. */
    static RecordType of(int code) {
        for (RecordType t : values()) {
            if (t.code == code) {
                return t;
            }
        }
        return null;
    }
}
