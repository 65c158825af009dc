package org.understudy.raft.runtime;

import java.util.List;
import org.understudy.raft.core.ReadState;
import org.understudy.raft.proto.Entry;
import org.understudy.raft.proto.SnapshotMetadata;

/**
 * What one completed Ready hands to the apply thread, in this order: a snapshot to restore, the
 * committed entries to apply, the read states to serve.
 *
 * @param snapshot a snapshot received from the leader (already in the snapshot store), or null
 * @param entries committed entries, in index order
 * @param readStates answers to read-index requests
 * @param bytes the payload bytes of {@code entries}, for the apply backlog bound
 */
record ApplyTask(SnapshotMetadata snapshot, List<Entry> entries, List<ReadState> readStates, long bytes) {

    static ApplyTask of(SnapshotMetadata snapshot, List<Entry> entries, List<ReadState> readStates) {
        long bytes = 0;
        for (Entry e : entries) {
            bytes += e.getSerializedSize();
        }
        return new ApplyTask(snapshot, entries, readStates, bytes);
    }
}
