package org.understudy.raft.runtime;

import java.util.Objects;
import org.understudy.raft.NodeIdFormat;
import org.understudy.raft.core.RaftConfig;

/**
 * The knobs of one {@link RaftNode}. Build with {@link #builder(RaftConfig, StartMode)}; every
 * other setting has a documented default.
 *
 * @param raftConfig the core's knobs; its {@code id} is the node's id and its tick counts are
 *     multiplied by {@code tickMillis} to get times
 * @param startMode found a new cluster or join an existing one (only matters on an empty storage)
 * @param tickMillis the length of one logical tick in milliseconds (default 100, so with the
 *     core's default {@code electionTick} of 10 an election timeout is 1 s)
 * @param inboxCapacity how many client requests (proposals, reads, membership changes,
 *     transfers) may wait for the event loop, and separately how many peer messages; a request
 *     that finds its lane full fails at once with {@code UNAVAILABLE}, a peer message is dropped
 *     (Raft re-sends). Default 10,000
 * @param snapshotCount after applying this many entries since the last snapshot, the apply thread
 *     writes a new snapshot and compacts the log (default 10,000)
 * @param entriesKeptAfterSnapshot compaction keeps at least this many entries before the newest
 *     snapshot so that slightly slow followers catch up from the log rather than by a snapshot: the
 *     log is compacted to the newest snapshot point at or below {@code snapshot index - this}. With
 *     the default of {@code snapshotCount / 2} that is the previous snapshot; 0 compacts to the new
 *     snapshot itself
 * @param snapshotChunkBytes the data bytes in one snapshot chunk message (default 1 MiB)
 * @param snapshotInflightChunks how many snapshot chunks may be sent and not yet acknowledged, per
 *     receiving peer (default 4); memory in flight is at most this times {@code snapshotChunkBytes}
 * @param snapshotTransferTimeoutMillis a snapshot transfer that makes no progress (no chunk
 *     acknowledged) for this long is abandoned and reported as failed, so the leader retries
 *     (default 10,000)
 * @param maxApplyBacklogBytes committed entries handed to the apply thread and not yet applied may
 *     total at most about this many bytes; past it the core keeps further committed entries until the
 *     state machine catches up, so a slow state machine bounds memory (default 64 MiB)
 * @param maxEntryBytes the largest command {@link RaftNode#propose} accepts, in bytes (default
 *     8 MiB); a larger one fails at once with {@code BAD_REQUEST}. Raft always sends at least one
 *     whole entry per append, so an entry must fit in one transport frame (16 MiB for Netty) and in
 *     one storage record (16 MiB for Chronicle), or a follower could never receive it
 * @param forceNewCluster recover a cluster that lost its quorum for good, like etcd's
 *     {@code --force-new-cluster} (default false): on start, before anything else, the log is cut
 *     after the commit index and configuration changes that remove every other member are
 *     committed by decree, so that this node comes up as the only voter, with everything it had
 *     committed, and new members can then be added. Only for a voter with existing storage:
 *     {@link RaftNode#start()} refuses it on empty storage ({@code BAD_REQUEST}) and on a learner
 *     ({@code UNSUPPORTED_ON_LEARNER}); see {@link org.understudy.raft.core.ForceNewCluster} for
 *     what is kept and what is lost. The removed members must never be restarted with their old
 *     data. Turn it off again once the node runs: a later start with it would remove the members
 *     added since
 */
public record RaftNodeOptions(
        RaftConfig raftConfig,
        StartMode startMode,
        long tickMillis,
        int inboxCapacity,
        long snapshotCount,
        long entriesKeptAfterSnapshot,
        int snapshotChunkBytes,
        int snapshotInflightChunks,
        long snapshotTransferTimeoutMillis,
        long maxApplyBacklogBytes,
        int maxEntryBytes,
        boolean forceNewCluster) {

    /** The default of {@link #maxEntryBytes()}. */
    public static final int DEFAULT_MAX_ENTRY_BYTES = 8 << 20;

    public RaftNodeOptions {
        requirePositive("maxEntryBytes", maxEntryBytes);
        requirePositive("maxApplyBacklogBytes", maxApplyBacklogBytes);
        Objects.requireNonNull(raftConfig, "raftConfig");
        Objects.requireNonNull(startMode, "startMode");
        requirePositive("tickMillis", tickMillis);
        requirePositive("inboxCapacity", inboxCapacity);
        requirePositive("snapshotCount", snapshotCount);
        requirePositive("snapshotChunkBytes", snapshotChunkBytes);
        requirePositive("snapshotInflightChunks", snapshotInflightChunks);
        requirePositive("snapshotTransferTimeoutMillis", snapshotTransferTimeoutMillis);
        if (entriesKeptAfterSnapshot < 0) {
            throw new IllegalArgumentException("entriesKeptAfterSnapshot must be >= 0, got " + entriesKeptAfterSnapshot);
        }
    }

    private static void requirePositive(String name, long value) {
        if (value <= 0) {
            throw new IllegalArgumentException(name + " must be positive, got " + value);
        }
    }

    /** This node's id. */
    public long id() {
        return raftConfig.id();
    }

    /** How the node's error messages write node ids: the core's {@link RaftConfig#idFormat()}. */
    public NodeIdFormat idFormat() {
        return raftConfig.idFormat();
    }

    /** The base election timeout in milliseconds ({@code electionTick * tickMillis}). */
    public long electionTimeoutMillis() {
        return raftConfig.electionTick() * tickMillis;
    }

    /**
     * How long a read index or a leadership transfer may take before it fails with
     * {@code UNAVAILABLE}: two election timeouts, long enough for one election to settle.
     */
    public long requestTimeoutMillis() {
        return 2 * electionTimeoutMillis();
    }

    public static Builder builder(RaftConfig raftConfig, StartMode startMode) {
        return new Builder(raftConfig, startMode);
    }

    public Builder toBuilder() {
        return new Builder(raftConfig, startMode)
                .tickMillis(tickMillis)
                .inboxCapacity(inboxCapacity)
                .snapshotCount(snapshotCount)
                .entriesKeptAfterSnapshot(entriesKeptAfterSnapshot)
                .snapshotChunkBytes(snapshotChunkBytes)
                .snapshotInflightChunks(snapshotInflightChunks)
                .snapshotTransferTimeoutMillis(snapshotTransferTimeoutMillis)
                .maxApplyBacklogBytes(maxApplyBacklogBytes)
                .maxEntryBytes(maxEntryBytes)
                .forceNewCluster(forceNewCluster);
    }

    /** Builds {@link RaftNodeOptions}; see the record's components for the defaults. */
    public static final class Builder {
        private RaftConfig raftConfig;
        private StartMode startMode;
        private long tickMillis = 100;
        private int inboxCapacity = 10_000;
        private long snapshotCount = 10_000;
        private Long entriesKeptAfterSnapshot; // null: snapshotCount / 2
        private int snapshotChunkBytes = 1 << 20;
        private int snapshotInflightChunks = 4;
        private long snapshotTransferTimeoutMillis = 10_000;
        private long maxApplyBacklogBytes = 64L << 20;
        private int maxEntryBytes = DEFAULT_MAX_ENTRY_BYTES;
        private boolean forceNewCluster;

        private Builder(RaftConfig raftConfig, StartMode startMode) {
            this.raftConfig = raftConfig;
            this.startMode = startMode;
        }

        public Builder raftConfig(RaftConfig v) { this.raftConfig = v; return this; }
        public Builder startMode(StartMode v) { this.startMode = v; return this; }
        public Builder tickMillis(long v) { this.tickMillis = v; return this; }
        public Builder inboxCapacity(int v) { this.inboxCapacity = v; return this; }
        public Builder snapshotCount(long v) { this.snapshotCount = v; return this; }
        public Builder entriesKeptAfterSnapshot(long v) { this.entriesKeptAfterSnapshot = v; return this; }
        public Builder snapshotChunkBytes(int v) { this.snapshotChunkBytes = v; return this; }
        public Builder snapshotInflightChunks(int v) { this.snapshotInflightChunks = v; return this; }
        public Builder snapshotTransferTimeoutMillis(long v) { this.snapshotTransferTimeoutMillis = v; return this; }
        public Builder maxApplyBacklogBytes(long v) { this.maxApplyBacklogBytes = v; return this; }
        public Builder maxEntryBytes(int v) { this.maxEntryBytes = v; return this; }
        public Builder forceNewCluster(boolean v) { this.forceNewCluster = v; return this; }

        public RaftNodeOptions build() {
            long kept = entriesKeptAfterSnapshot != null ? entriesKeptAfterSnapshot : snapshotCount / 2;
            return new RaftNodeOptions(raftConfig, startMode, tickMillis, inboxCapacity, snapshotCount, kept,
                    snapshotChunkBytes, snapshotInflightChunks, snapshotTransferTimeoutMillis, maxApplyBacklogBytes,
                    maxEntryBytes, forceNewCluster);
        }
    }
}
