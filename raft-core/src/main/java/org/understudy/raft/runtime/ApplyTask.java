package org.understudy.raft.runtime;

import java.util.List;
import org.understudy.raft.core.ReadState;
import org.understudy.raft.proto.ConfState;
import org.understudy.raft.proto.Entry;
import org.understudy.raft.proto.SnapshotMetadata;

/**
 * What one completed Ready hands to the apply thread, in this order: a snapshot to restore, the
 * committed entries to apply, the read states to serve.
 *
 * @param snapshot a snapshot received from the leader (already in the snapshot store), or null
 * @param entries committed entries, in index order
 * @param readStates answers to read-index requests
 * @param confAfter the core's configuration after it advanced this Ready, when {@code entries}
 *     hold a configuration change (else null): the result handed to the state machine, the
 *     proposer and the listeners
 */
record ApplyTask(SnapshotMetadata snapshot, List<Entry> entries, List<ReadState> readStates, ConfState confAfter) {}
