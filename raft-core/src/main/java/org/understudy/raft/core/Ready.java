package org.understudy.raft.core;

import java.util.List;
import org.understudy.raft.proto.Entry;
import org.understudy.raft.proto.HardState;
import org.understudy.raft.proto.RaftMessage;
import org.understudy.raft.proto.SnapshotMetadata;

/**
 * Everything {@link RaftCore} wants done, as data. The caller handles a Ready in this order:
 *
 * <ol>
 *   <li>send {@link #messages()} at once: these never depend on this Ready being durable (a
 *       leader's appends and heartbeats, sent in parallel with its own disk write, thesis §10.2.1);
 *   <li>install {@link #snapshot()} if present (compact the log to it, restore the state machine),
 *       append {@link #entries()} (overwriting any conflicting suffix) and write
 *       {@link #hardState()} if present, then sync if {@link #mustSync()};
 *   <li>send {@link #persistedMessages()}: votes and acknowledgements that promise what step 2
 *       made durable;
 *   <li>apply {@link #committedEntries()} in order (they are never ahead of what step 2 made
 *       durable) and serve {@link #readStates()} once the state machine has applied their index;
 *   <li>call {@link RaftCore#advance(Ready)}.
 * </ol>
 *
 * Several Readys may be in progress at once (for example one being synced while the next is
 * built) provided each is advanced, in the order they were produced, after its step 2.
 */
public final class Ready {
    private final long number;
    private final SoftState softState;
    private final HardState hardState;
    private final SnapshotMetadata snapshot;
    private final List<Entry> entries;
    private final List<Entry> committedEntries;
    private final List<RaftMessage> messages;
    private final List<RaftMessage> persistedMessages;
    private final List<ReadState> readStates;
    private final boolean mustSync;

    Ready(long number, SoftState softState, HardState hardState, SnapshotMetadata snapshot,
            List<Entry> entries, List<Entry> committedEntries, List<RaftMessage> messages,
            List<RaftMessage> persistedMessages, List<ReadState> readStates, boolean mustSync) {
        this.number = number;
        this.softState = softState;
        this.hardState = hardState;
        this.snapshot = snapshot;
        this.entries = List.copyOf(entries);
        this.committedEntries = List.copyOf(committedEntries);
        this.messages = List.copyOf(messages);
        this.persistedMessages = List.copyOf(persistedMessages);
        this.readStates = List.copyOf(readStates);
        this.mustSync = mustSync;
    }

    /** Readys are numbered from 1 in the order they are produced. */
    public long number() {
        return number;
    }

    /** The new leader and role, or {@code null} when unchanged. */
    public SoftState softState() {
        return softState;
    }

    /** The hard state to persist, or {@code null} when unchanged. */
    public HardState hardState() {
        return hardState;
    }

    /** A snapshot received from the leader to install before the entries, or {@code null}. */
    public SnapshotMetadata snapshot() {
        return snapshot;
    }

    /** Entries to append to the log; the first may overwrite a conflicting suffix. */
    public List<Entry> entries() {
        return entries;
    }

    /** Committed entries to apply, in index order. */
    public List<Entry> committedEntries() {
        return committedEntries;
    }

    /** Messages that may be sent before this Ready is persisted. */
    public List<RaftMessage> messages() {
        return messages;
    }

    /** Messages that may be sent only after this Ready is persisted. */
    public List<RaftMessage> persistedMessages() {
        return persistedMessages;
    }

    /** Answers to read-index requests. */
    public List<ReadState> readStates() {
        return readStates;
    }

    /**
     * Whether step 2 must end with a sync: true when the term, the vote, the entries or the
     * snapshot changed, or when a configuration change is about to be applied (its commit index
     * must survive a restart). Otherwise a change of the commit index alone need not be synced (it
     * can be recovered from the leader).
     */
    public boolean mustSync() {
        return mustSync;
    }

    /** True when nothing has to be persisted (no snapshot, entries or hard state). */
    public boolean nothingToPersist() {
        return snapshot == null && entries.isEmpty() && hardState == null;
    }

    @Override
    public String toString() {
        return "Ready#" + number + "{soft=" + softState + ", hard=" + (hardState == null ? null
                : hardState.getTerm() + "/" + hardState.getVote() + "/" + hardState.getCommit())
                + ", snapshot=" + (snapshot == null ? null : snapshot.getIndex())
                + ", entries=" + entries.size() + ", committed=" + committedEntries.size()
                + ", msgs=" + messages.size() + "+" + persistedMessages.size()
                + ", reads=" + readStates.size() + ", sync=" + mustSync + "}";
    }
}
