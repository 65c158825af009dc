package org.understudy.raft.runtime;

import com.google.protobuf.ByteString;
import java.util.concurrent.CompletableFuture;
import org.understudy.raft.proto.ConfChange;
import org.understudy.raft.proto.ConfState;
import org.understudy.raft.proto.RaftMessage;

/** What the event loop is asked to do; each record is one kind of inbox item. */
sealed interface LoopEvent {

    // ---------------------------------------------------------------- client requests (bounded lane)

    /** A command to replicate; {@code future} gets the state machine's result. */
    record Propose(ByteString data, CompletableFuture<?> future) implements LoopEvent {}

    record ChangeMembership(ConfChange change, CompletableFuture<ConfState> future) implements LoopEvent {}

    record ReadIndex(CompletableFuture<Long> future) implements LoopEvent {}

    record TransferLeadership(long transferee, CompletableFuture<Void> future) implements LoopEvent {}

    // ---------------------------------------------------------------- peer traffic (bounded lane)

    record PeerMessage(RaftMessage message) implements LoopEvent {}

    /** The transport could not reach a peer. */
    record Unreachable(long peer) implements LoopEvent {}

    // ---------------------------------------------------------------- internal (never refused)

    /** The persistence thread made every Ready up to and including {@code readyNumber} durable. */
    record Persisted(long readyNumber) implements LoopEvent {}

    /** A snapshot transfer to {@code peer} finished. */
    record SnapshotReport(long peer, boolean success) implements LoopEvent {}

    /**
     * The snapshot receiver holds a whole snapshot (committed to the store); {@code message} is the
     * MSG_SNAPSHOT to step into the core.
     */
    record SnapshotReceived(RaftMessage message) implements LoopEvent {}
}
