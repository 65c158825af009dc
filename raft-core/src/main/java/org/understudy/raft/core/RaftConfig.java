package org.understudy.raft.core;

import java.util.Objects;
import org.understudy.raft.NodeIdFormat;

/**
 * The knobs of one {@link RaftCore}. Times are in ticks: the runtime decides how long a tick is
 * (100 ms by default in {@code RaftNode}), so the core itself never sees a clock.
 *
 * @param id this node's id (non-zero)
 * @param electionTick a follower that hears from no leader for a randomized time in
 *     {@code [electionTick, 2 * electionTick)} starts an election; a leader with CheckQuorum steps
 *     down after {@code electionTick} without hearing from a quorum
 * @param heartbeatTick a leader sends heartbeats every {@code heartbeatTick} ticks
 * @param maxSizePerMsg the maximum bytes of entries in one append message (at least one entry is
 *     always sent)
 * @param maxInflightMsgs the maximum number of append messages in flight to one peer in the
 *     replicate state
 * @param maxInflightBytes the maximum bytes of entries in flight to one peer (0: no byte limit)
 * @param maxUncommittedEntriesSize the leader refuses proposals once the uncommitted tail of its
 *     log is larger than this (0: no limit); a proposal is always accepted when nothing is pending
 * @param maxCommittedSizePerReady the maximum bytes of committed entries handed out in one
 *     {@link Ready} (bounded memory on the apply path)
 * @param checkQuorum a leader that hears from no quorum within an election timeout steps down
 * @param preVote run a pre-vote round before raising the term (thesis §9.6), so a node that was
 *     partitioned away cannot disrupt the cluster when it returns
 * @param readOnlyOption how read indexes are confirmed
 * @param randomSeed the seed of the randomized election timeouts: the core is deterministic given
 *     its inputs and this seed
 * @param idFormat how the messages of the errors the core and the runtime raise write node ids
 *     (default {@link NodeIdFormat#DECIMAL}; detail values stay decimal)
 */
public record RaftConfig(
        long id,
        int electionTick,
        int heartbeatTick,
        long maxSizePerMsg,
        int maxInflightMsgs,
        long maxInflightBytes,
        long maxUncommittedEntriesSize,
        long maxCommittedSizePerReady,
        boolean checkQuorum,
        boolean preVote,
        ReadOnlyOption readOnlyOption,
        long randomSeed,
        NodeIdFormat idFormat) {

    public RaftConfig {
        Objects.requireNonNull(idFormat, "idFormat");
        if (id == 0) {
            throw new IllegalArgumentException("id must be non-zero: 0 means 'no node'");
        }
        if (heartbeatTick <= 0) {
            throw new IllegalArgumentException("heartbeatTick must be positive, got " + heartbeatTick);
        }
        if (electionTick <= heartbeatTick) {
            throw new IllegalArgumentException("electionTick (" + electionTick
                    + ") must be greater than heartbeatTick (" + heartbeatTick + ")");
        }
        if (maxSizePerMsg <= 0 || maxCommittedSizePerReady <= 0) {
            throw new IllegalArgumentException("maxSizePerMsg and maxCommittedSizePerReady must be positive");
        }
        if (maxInflightMsgs <= 0) {
            throw new IllegalArgumentException("maxInflightMsgs must be positive, got " + maxInflightMsgs);
        }
        if (maxInflightBytes < 0 || maxUncommittedEntriesSize < 0) {
            throw new IllegalArgumentException("maxInflightBytes and maxUncommittedEntriesSize must be >= 0");
        }
        if (readOnlyOption == ReadOnlyOption.LEASE_BASED && !checkQuorum) {
            throw new IllegalArgumentException(
                    "LEASE_BASED reads are only safe with checkQuorum on: the lease is what CheckQuorum maintains");
        }
    }

    /** Defaults: election 10 ticks, heartbeat 1, 1 MiB per message, 256 in flight, CheckQuorum and PreVote on. */
    public static Builder builder(long id) {
        return new Builder(id);
    }

    public Builder toBuilder() {
        return new Builder(id)
                .electionTick(electionTick)
                .heartbeatTick(heartbeatTick)
                .maxSizePerMsg(maxSizePerMsg)
                .maxInflightMsgs(maxInflightMsgs)
                .maxInflightBytes(maxInflightBytes)
                .maxUncommittedEntriesSize(maxUncommittedEntriesSize)
                .maxCommittedSizePerReady(maxCommittedSizePerReady)
                .checkQuorum(checkQuorum)
                .preVote(preVote)
                .readOnlyOption(readOnlyOption)
                .randomSeed(randomSeed)
                .idFormat(idFormat);
    }

    /** Builds a {@link RaftConfig}; every setter has a sane default. */
    public static final class Builder {
        private final long id;
        private int electionTick = 10;
        private int heartbeatTick = 1;
        private long maxSizePerMsg = 1 << 20;
        private int maxInflightMsgs = 256;
        private long maxInflightBytes = 0;
        private long maxUncommittedEntriesSize = 64L << 20;
        private long maxCommittedSizePerReady = 4L << 20;
        private boolean checkQuorum = true;
        private boolean preVote = true;
        private ReadOnlyOption readOnlyOption = ReadOnlyOption.SAFE;
        private long randomSeed;
        private NodeIdFormat idFormat = NodeIdFormat.DECIMAL;

        private Builder(long id) {
            this.id = id;
            this.randomSeed = id;
        }

        public Builder electionTick(int v) { this.electionTick = v; return this; }
        public Builder heartbeatTick(int v) { this.heartbeatTick = v; return this; }
        public Builder maxSizePerMsg(long v) { this.maxSizePerMsg = v; return this; }
        public Builder maxInflightMsgs(int v) { this.maxInflightMsgs = v; return this; }
        public Builder maxInflightBytes(long v) { this.maxInflightBytes = v; return this; }
        public Builder maxUncommittedEntriesSize(long v) { this.maxUncommittedEntriesSize = v; return this; }
        public Builder maxCommittedSizePerReady(long v) { this.maxCommittedSizePerReady = v; return this; }
        public Builder checkQuorum(boolean v) { this.checkQuorum = v; return this; }
        public Builder preVote(boolean v) { this.preVote = v; return this; }
        public Builder readOnlyOption(ReadOnlyOption v) { this.readOnlyOption = v; return this; }
        public Builder randomSeed(long v) { this.randomSeed = v; return this; }
        public Builder idFormat(NodeIdFormat v) { this.idFormat = v; return this; }

        public RaftConfig build() {
            return new RaftConfig(id, electionTick, heartbeatTick, maxSizePerMsg, maxInflightMsgs,
                    maxInflightBytes, maxUncommittedEntriesSize, maxCommittedSizePerReady, checkQuorum,
                    preVote, readOnlyOption, randomSeed, idFormat);
        }
    }
}
