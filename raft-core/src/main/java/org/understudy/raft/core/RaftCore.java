package org.understudy.raft.core;

import com.google.protobuf.ByteString;
import org.understudy.raft.proto.ConfChange;
import org.understudy.raft.proto.ConfState;
import org.understudy.raft.proto.RaftMessage;
import org.understudy.raft.proto.SnapshotMetadata;
import org.understudy.raft.spi.LogStorage;

/**
 * The Raft consensus algorithm for one node of one group, as a pure state machine (DESIGN.md §2).
 * SKELETON: the implementation is being written; signatures are final.
 */
public final class RaftCore {

    /**
     * @param config the knobs and the random seed
     * @param log the stable log; the core only reads it (the runtime writes what Ready says)
     * @param applied where the state machine stands: the index of the snapshot it was restored
     *     from (0 for a new node) and the configuration at that index. A node that joins an
     *     existing cluster starts with index 0 and an empty configuration and waits to be contacted.
     */
    public RaftCore(RaftConfig config, LogStorage log, SnapshotMetadata applied) {
        throw new UnsupportedOperationException("not yet");
    }

    public void tick() { throw new UnsupportedOperationException(); }
    public void step(RaftMessage message) { throw new UnsupportedOperationException(); }
    public EntryId propose(ByteString data) { throw new UnsupportedOperationException(); }
    public EntryId proposeConfChange(ConfChange change) { throw new UnsupportedOperationException(); }
    public void readIndex(long requestId) { throw new UnsupportedOperationException(); }
    public void transferLeadership(long transferee) { throw new UnsupportedOperationException(); }
    public void campaign() { throw new UnsupportedOperationException(); }
    public void reportUnreachable(long nodeId) { throw new UnsupportedOperationException(); }
    public void reportSnapshot(long nodeId, boolean success) { throw new UnsupportedOperationException(); }
    public boolean hasReady() { throw new UnsupportedOperationException(); }
    public Ready ready() { throw new UnsupportedOperationException(); }
    public void advance(Ready ready) { throw new UnsupportedOperationException(); }
    public long id() { throw new UnsupportedOperationException(); }
    public long term() { throw new UnsupportedOperationException(); }
    public long leaderId() { throw new UnsupportedOperationException(); }
    public Role role() { throw new UnsupportedOperationException(); }
    public boolean isLearner() { throw new UnsupportedOperationException(); }
    public long commitIndex() { throw new UnsupportedOperationException(); }
    public long appliedIndex() { throw new UnsupportedOperationException(); }
    public long lastIndex() { throw new UnsupportedOperationException(); }
    public ConfState confState() { throw new UnsupportedOperationException(); }
    public CoreStatus status() { throw new UnsupportedOperationException(); }
}
