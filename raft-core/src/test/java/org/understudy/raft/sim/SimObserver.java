package org.understudy.raft.sim;

import java.util.List;
import org.understudy.raft.core.ReadState;
import org.understudy.raft.proto.Entry;
import org.understudy.raft.proto.SnapshotMetadata;

/** What a {@link SimNode} reports while it handles Readys: the raw material of the safety checks. */
public interface SimObserver {

    /** {@code entries} were just written to {@code node}'s log storage (not yet synced). */
    void entriesWritten(SimNode node, List<Entry> entries);

    /** {@code entry} was applied; {@code digest} is the state machine's digest after it. */
    void applied(SimNode node, Entry entry, long digest);

    /** The state machine was restored from a snapshot (received, or the node's own on restart). */
    void restored(SimNode node, SnapshotMetadata metadata, long digest);

    /** Read-index answers handed out by {@code node}'s core. */
    void readStates(SimNode node, List<ReadState> states);

    /**
     * {@code node}'s core just took an input that may move its commit index (a message or an
     * advance). Lets a checker look at each commit decision right where it is made.
     */
    default void inputHandled(SimNode node) {}

    /** {@code node} crashed: its log is now what its last sync made durable. */
    default void crashed(SimNode node) {}

    /** Tells {@code first}, then {@code second}, everything. */
    static SimObserver both(SimObserver first, SimObserver second) {
        return new SimObserver() {
            @Override public void entriesWritten(SimNode node, List<Entry> entries) {
                first.entriesWritten(node, entries);
                second.entriesWritten(node, entries);
            }
            @Override public void applied(SimNode node, Entry entry, long digest) {
                first.applied(node, entry, digest);
                second.applied(node, entry, digest);
            }
            @Override public void restored(SimNode node, SnapshotMetadata metadata, long digest) {
                first.restored(node, metadata, digest);
                second.restored(node, metadata, digest);
            }
            @Override public void readStates(SimNode node, List<ReadState> states) {
                first.readStates(node, states);
                second.readStates(node, states);
            }
            @Override public void inputHandled(SimNode node) {
                first.inputHandled(node);
                second.inputHandled(node);
            }
            @Override public void crashed(SimNode node) {
                first.crashed(node);
                second.crashed(node);
            }
        };
    }

    /** Observes nothing. */
    SimObserver NONE = new SimObserver() {
        @Override public void entriesWritten(SimNode node, List<Entry> entries) {}
        @Override public void applied(SimNode node, Entry entry, long digest) {}
        @Override public void restored(SimNode node, SnapshotMetadata metadata, long digest) {}
        @Override public void readStates(SimNode node, List<ReadState> states) {}
    };
}
