package org.understudy.raft.spi;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.understudy.raft.proto.ConfChange;
import org.understudy.raft.proto.ConfState;
import org.understudy.raft.proto.Entry;

/**
 * The user's replicated store: a deterministic function of the committed log.
 *
 * <h2>Contract</h2>
 * Every node applies the same committed entries in the same order, so {@link #apply} must be
 * deterministic: no clock, no randomness, no dependence on anything but the state and the entry.
 * What it is handed is immutable ({@link Entry} and its {@code ByteString} data): it cannot move a
 * position or change bytes that the log or a pending send still shares.
 *
 * <p>On start, a {@code RaftNode} restores the latest snapshot (if any) and then re-applies the
 * committed entries after it, so a state machine that keeps its state only in memory needs no
 * persistence of its own.
 *
 * <h2>Threading</h2>
 * All methods are called from one thread, the node's apply thread, never concurrently.
 *
 * @param <R> the result of applying a command, handed to the proposer's future on the leader
 */
public interface StateMachine<R> {

    /** Applies a committed command ({@code ENTRY_NORMAL}; empty data is the no-op of a new leader). */
    R apply(Entry entry);

    /**
     * Called when a configuration change at {@code index} is applied, with the configuration that
     * results. A store that keeps member records (carried in {@code change.getContext()}) includes
     * them in its snapshots. Does nothing by default.
     */
    default void applyConfChange(long index, ConfChange change, ConfState result) {}

    /** Writes the whole state as of the last applied entry. Must not close {@code out}. */
    void snapshot(OutputStream out) throws IOException;

    /** Replaces the whole state with the one read from {@code in}. Must not close {@code in}. */
    void restore(InputStream in) throws IOException;
}
