package org.understudy.raft.core;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.understudy.raft.ErrorCode;
import org.understudy.raft.RaftException;
import org.understudy.raft.core.confchange.ConfChangeException;
import org.understudy.raft.core.confchange.ConfChanger;
import org.understudy.raft.core.quorum.VoteResult;
import org.understudy.raft.core.tracker.Inflights;
import org.understudy.raft.core.tracker.Progress;
import org.understudy.raft.core.tracker.ProgressState;
import org.understudy.raft.core.tracker.ProgressTracker;
import org.understudy.raft.proto.ConfChange;
import org.understudy.raft.proto.ConfState;
import org.understudy.raft.proto.Entry;
import org.understudy.raft.proto.EntryType;
import org.understudy.raft.proto.HardState;
import org.understudy.raft.proto.MessageType;
import org.understudy.raft.proto.RaftMessage;
import org.understudy.raft.proto.SnapshotMetadata;
import org.understudy.raft.spi.LogCompactedException;
import org.understudy.raft.spi.LogStorage;

/**
 * The Raft consensus algorithm for one node of one group, as a pure state machine (DESIGN.md §2).
 *
 * <p>No threads, no clock, no I/O: time arrives as {@link #tick()}, the network as
 * {@link #step(RaftMessage)}, clients as {@link #propose} and friends; everything the core wants
 * done leaves as a {@link Ready}. Given the same {@link RaftConfig} (with its random seed), the same
 * log and the same inputs, it produces the same Readys, which is what makes the simulator's runs
 * replayable. Not thread-safe: one thread owns a core.
 *
 * <p>Learners (DESIGN.md §4) get every entry and snapshot, have their own progress, never campaign,
 * are never counted in a quorum, and leadership is never transferred to them.
 */
public final class RaftCore {
    /** Marks the vote requests of a leadership transfer: they may cut a leader's lease short (thesis §3.10). */
    private static final ByteString CAMPAIGN_TRANSFER = ByteString.copyFromUtf8("transfer");

    private final long id;
    private final RaftConfig config;
    private final SplittableRandom random;
    private final RaftLog log;
    private final ProgressTracker tracker;
    private final ReadIndexQueue readIndexQueue = new ReadIndexQueue();

    private long term;
    private long vote;
    private long leader;
    private Role role = Role.FOLLOWER;
    private boolean learner;

    private int electionElapsed;
    private int heartbeatElapsed;
    private int randomizedElectionTimeout;

    /** On a leader: the index of the newest configuration change it proposed (one pending at a time). */
    private long pendingConfIndex;
    /** On a leader: the bytes of entry payloads appended but not yet committed. */
    private long uncommittedSize;
    private long leadTransferee;
    /**
     * On a leader: the index of a configuration change it appended that takes it out of the voters,
     * or 0. From then on it accepts no proposals, so that its log ends with that change: the voters
     * that follow may not learn at once that it committed and may still need this node's vote, which
     * it only grants to a log at least as long as its own.
     */
    private long leavingAt;
    /** Whether this leader sent TimeoutNow in its term: its lease no longer protects reads. */
    private boolean sentTimeoutNow;
    /**
     * The index of the newest snapshot installed from a leader. Configuration changes at or below
     * it that were handed out before the snapshot arrived are already part of its configuration.
     */
    private long restoredThrough;
    /** Read-index requests that arrived before the leader committed an entry of its term. */
    private final List<RaftMessage> pendingReadIndexRequests = new ArrayList<>();

    private final List<RaftMessage> messages = new ArrayList<>();
    private final List<ReadState> readStates = new ArrayList<>();

    private HardState lastReadyHardState;
    private SoftState lastReadySoftState;
    private long readyNumber;
    private final ArrayDeque<InProgress> inProgress = new ArrayDeque<>();

    /** What advance() must do for one handed-out Ready. */
    private record InProgress(long number, long lastIndex, long lastTerm, long snapshotIndex, long appliedTo,
            List<Entry> confChanges) {}

    /**
     * @param config the knobs and the random seed
     * @param log the stable log; the core only reads it (the runtime writes what Ready says)
     * @param applied where the state machine stands: the index of the snapshot it was restored
     *     from (0 for a new node) and the configuration at that index. A node that joins an
     *     existing cluster starts with index 0 and an empty configuration and waits to be contacted.
     */
    public RaftCore(RaftConfig config, LogStorage log, SnapshotMetadata applied) {
        this.config = config;
        this.id = config.id();
        this.random = new SplittableRandom(config.randomSeed());
        HardState hs = log.hardState();
        this.log = new RaftLog(log, applied.getIndex(), hs.getCommit(), config.maxCommittedSizePerReady());
        this.tracker = new ProgressTracker(config.maxInflightMsgs(), config.maxInflightBytes());
        try {
            ConfChanger.Result restored = ConfChanger.restore(applied.getConfState(), config.maxInflightMsgs(),
                    config.maxInflightBytes(), this.log.lastIndex());
            switchToConfig(restored);
        } catch (ConfChangeException e) {
            throw new IllegalArgumentException("invalid configuration in the snapshot at index "
                    + applied.getIndex() + ": " + e.getMessage(), e);
        }
        this.term = hs.getTerm();
        this.vote = hs.getVote();
        becomeFollower(term, 0);
        this.lastReadyHardState = hardState();
        this.lastReadySoftState = softState();
    }

    // ================================================================ inputs

    /** One logical clock tick: drives election timeouts, heartbeats and CheckQuorum. */
    public void tick() {
        if (role == Role.LEADER) {
            tickLeader();
        } else {
            tickElection();
        }
    }

    private void tickElection() {
        electionElapsed++;
        if (promotable() && electionElapsed >= randomizedElectionTimeout) {
            electionElapsed = 0;
            hup(false);
        }
    }

    private void tickLeader() {
        heartbeatElapsed++;
        electionElapsed++;
        if (electionElapsed >= config.electionTick()) {
            electionElapsed = 0;
            if (config.checkQuorum() && tracker.isVoter(id)) {
                // (A leader that left the voters is only handing over and serves no lease reads; it
                // keeps leading through a partition so that it can still tell its successor that
                // the change committed: the successor may need that to win an election.)
                // CheckQuorum (thesis §6.2): a leader that has not heard from a quorum within an
                // election timeout may be partitioned away; stepping down lets the majority move on
                // and stops it from serving stale lease-based reads.
                if (!tracker.quorumActive()) {
                    becomeFollower(term, 0);
                    return;
                }
                tracker.forEach((peer, pr) -> {
                    if (peer != id) {
                        pr.setRecentActive(false);
                    }
                });
            }
            if (!tracker.isVoter(id)) {
                // A removed or demoted leader keeps trying to hand over, possibly to another voter.
                handOverLeadership();
            } else if (leadTransferee != 0) {
                // The transfer did not finish within an election timeout: give up and serve again.
                leadTransferee = 0;
            }
        }
        if (role != Role.LEADER) {
            return;
        }
        if (heartbeatElapsed >= config.heartbeatTick()) {
            heartbeatElapsed = 0;
            broadcastHeartbeat(readIndexQueue.lastContext());
        }
    }

    /** Starts an election now (if this node may campaign). Tests and single-node bootstraps use it. */
    public void campaign() {
        hup(false);
    }

    /**
     * Handles a message from the network. Messages from stale terms, from unknown nodes or of
     * unexpected types are ignored or answered as Raft prescribes; nothing a peer sends can make this
     * throw.
     */
    public void step(RaftMessage m) {
        if (m.getType() == MessageType.MSG_READ_INDEX && m.getTerm() == 0) {
            // Forwarded read-index requests carry no term, like etcd's: they are local requests.
            stepReadIndexRequest(m);
            return;
        }
        if (m.getTerm() == 0) {
            return;
        }
        if (m.getTerm() > term) {
            if (isVoteRequest(m.getType())) {
                boolean force = CAMPAIGN_TRANSFER.equals(m.getContext());
                boolean inLease = config.checkQuorum() && leader != 0 && electionElapsed < config.electionTick();
                if (!force && inLease) {
                    // We heard from a leader within the minimum election timeout: ignore a
                    // disruptive candidate (thesis §4.2.3) without raising our term.
                    return;
                }
            }
            if (m.getType() == MessageType.MSG_PRE_VOTE) {
                // A pre-vote never changes our term.
            } else if (m.getType() == MessageType.MSG_PRE_VOTE_RESP && !m.getReject()) {
                // A granted pre-vote carries the term we would campaign in; we only adopt it when we win.
            } else if (isLeaderMessage(m.getType())) {
                becomeFollower(m.getTerm(), m.getFrom());
            } else {
                becomeFollower(m.getTerm(), 0);
            }
        } else if (m.getTerm() < term) {
            if (m.getType() == MessageType.MSG_HEARTBEAT || m.getType() == MessageType.MSG_APPEND) {
                // A stale leader must learn the newer term (thesis §3.3). etcd answers only with
                // CheckQuorum or PreVote on, counting otherwise on our vote requests to reach the
                // leader; they need not: our (stale) configuration may not even contain it.
                send(RaftMessage.newBuilder().setTo(m.getFrom()).setType(MessageType.MSG_APPEND_RESP));
            } else if (isVoteRequest(m.getType())) {
                // Refuse with our term (thesis §3.3) so that a candidate behind in terms catches up:
                // its own vote requests may never reach us if its configuration is stale.
                MessageType resp = m.getType() == MessageType.MSG_VOTE
                        ? MessageType.MSG_VOTE_RESP : MessageType.MSG_PRE_VOTE_RESP;
                send(RaftMessage.newBuilder().setTo(m.getFrom()).setType(resp).setTerm(term).setReject(true));
            }
            return;
        }

        if (isVoteRequest(m.getType())) {
            handleVoteRequest(m);
            return;
        }
        switch (role) {
            case LEADER -> stepLeader(m);
            case CANDIDATE, PRE_CANDIDATE -> stepCandidate(m);
            case FOLLOWER -> stepFollower(m);
        }
    }

    private void handleVoteRequest(RaftMessage m) {
        // Learners answer too (DESIGN.md §4 rule 2): a candidate that already applied their promotion
        // counts them, and staying silent could stall that election.
        boolean canVote = vote == m.getFrom()
                || (vote == 0 && leader == 0)
                || (m.getType() == MessageType.MSG_PRE_VOTE && m.getTerm() > term);
        MessageType respType = m.getType() == MessageType.MSG_VOTE
                ? MessageType.MSG_VOTE_RESP : MessageType.MSG_PRE_VOTE_RESP;
        if (canVote && log.isUpToDate(m.getIndex(), m.getLogTerm())) {
            // Answer with the term of the request, not ours: for a pre-vote ours is older, and the
            // candidate must recognise the answer as belonging to its (future) term.
            send(RaftMessage.newBuilder().setTo(m.getFrom()).setType(respType).setTerm(m.getTerm()));
            if (m.getType() == MessageType.MSG_VOTE) {
                electionElapsed = 0;
                vote = m.getFrom();
            }
        } else {
            // A refusal tells the candidate how far we know the log is committed (and the term
            // there): a candidate that holds that entry learns it is committed. This frees a voter
            // whose configuration is stale: e.g. in {1, 2}, 1 restarts having lost unsynced entries,
            // not knowing that the removal of 2 committed, and still needs 2's vote; 2 applied its
            // removal, refuses (its log is longer) and cannot campaign: 1 learns the commit from
            // the refusal, applies the removal and wins alone.
            long commit = log.committed();
            send(RaftMessage.newBuilder().setTo(m.getFrom()).setType(respType).setTerm(term).setReject(true)
                    .setCommit(commit).setLogTerm(log.term(commit)));
        }
    }

    /**
     * Appends a command to the log (leader only).
     *
     * @return the entry's position; it committed iff the entry applied at that index has that term
     * @throws RaftException {@code NOT_LEADER} (with a hint), {@code UNSUPPORTED_ON_LEARNER}, or
     *     {@code UNAVAILABLE} when too many bytes are uncommitted or leadership is being transferred
     */
    public EntryId propose(ByteString data) {
        checkCanPropose();
        Entry e = Entry.newBuilder().setTerm(term).setIndex(log.lastIndex() + 1)
                .setType(EntryType.ENTRY_NORMAL).setData(data).build();
        if (!increaseUncommittedSize(e)) {
            throw new RaftException(ErrorCode.UNAVAILABLE, "node " + idText(id) + " has " + uncommittedSize
                    + " bytes of uncommitted entries, above the limit of " + config.maxUncommittedEntriesSize()
                    + "; retry once the cluster catches up",
                    Map.of("uncommittedBytes", Long.toString(uncommittedSize)));
        }
        appendAndBroadcast(e);
        return new EntryId(e.getTerm(), e.getIndex());
    }

    /**
     * Appends several commands in order and sends the followers one append for all of them, where
     * {@link #propose} per command would send one each: under load the runtime hands the core every
     * proposal that queued up while it was busy, so followers persist and acknowledge them together
     * (thesis §10.2.2, batching). Stops at the first command the uncommitted-bytes limit refuses;
     * {@link #propose} on that one tells why.
     *
     * @return the positions of the commands appended: a prefix of {@code commands}, in order
     * @throws RaftException as {@link #propose} when the node cannot propose at all (then nothing is appended)
     */
    public List<EntryId> proposeAll(List<ByteString> commands) {
        checkCanPropose();
        List<Entry> appended = new ArrayList<>(commands.size());
        List<EntryId> ids = new ArrayList<>(commands.size());
        long index = log.lastIndex();
        for (ByteString data : commands) {
            Entry e = Entry.newBuilder().setTerm(term).setIndex(++index).setType(EntryType.ENTRY_NORMAL)
                    .setData(data).build();
            if (!increaseUncommittedSize(e)) {
                break;
            }
            appended.add(e);
            ids.add(new EntryId(e.getTerm(), e.getIndex()));
        }
        if (!appended.isEmpty()) {
            log.append(appended);
            broadcastAppend();
        }
        return ids;
    }

    /**
     * Proposes a configuration change (leader only). Single changes that touch at most one voter
     * apply directly; anything else goes through a joint configuration (thesis §4.3), which the
     * leader leaves automatically unless the change asks for an explicit leave. An empty change
     * leaves a joint configuration.
     *
     * @throws RaftException {@code CONF_CHANGE_IN_PROGRESS} while an earlier change is not yet
     *     applied or a joint configuration is not yet left; {@code BAD_REQUEST} for a change that is
     *     invalid in the current configuration (the message says why); and the errors of
     *     {@link #propose}
     */
    public EntryId proposeConfChange(ConfChange change) {
        checkCanPropose();
        boolean leavesJoint = ConfChanger.leavesJoint(change);
        boolean joint = tracker.config().isJoint();
        if (pendingConfIndex > log.applied()) {
            throw new RaftException(ErrorCode.CONF_CHANGE_IN_PROGRESS, "the configuration change at index "
                    + pendingConfIndex + " is not applied yet (applied " + log.applied() + "); one change at a time",
                    Map.of("pendingIndex", Long.toString(pendingConfIndex)));
        }
        if (joint && !leavesJoint) {
            throw new RaftException(ErrorCode.CONF_CHANGE_IN_PROGRESS,
                    "the cluster is in a joint configuration; it must be left before another change");
        }
        if (!joint && leavesJoint) {
            throw new RaftException(ErrorCode.BAD_REQUEST, "an empty change leaves a joint configuration, "
                    + "but the configuration is not joint");
        }
        ConfChanger.Result result;
        try {
            result = ConfChanger.apply(tracker, log.lastIndex(), change);
        } catch (ConfChangeException e) {
            throw new RaftException(ErrorCode.BAD_REQUEST, "invalid configuration change: " + e.getMessage());
        }
        Entry e = Entry.newBuilder().setTerm(term).setIndex(log.lastIndex() + 1)
                .setType(EntryType.ENTRY_CONF_CHANGE).setData(change.toByteString()).build();
        if (!increaseUncommittedSize(e)) {
            throw new RaftException(ErrorCode.UNAVAILABLE, "too many uncommitted bytes on node " + idText(id));
        }
        pendingConfIndex = e.getIndex();
        noteIfLeaving(result, e.getIndex());
        appendAndBroadcast(e);
        return new EntryId(e.getTerm(), e.getIndex());
    }

    private void checkCanPropose() {
        // A leader that is no longer a voter is only handing over: point at its successor.
        long hint = role == Role.LEADER ? leadTransferee : leader;
        if (learner) {
            throw new RaftException(ErrorCode.UNSUPPORTED_ON_LEARNER, "node " + idText(id)
                    + " is a learner: it does not accept writes; send them to the leader",
                    Map.of("leaderHint", Long.toString(hint)));
        }
        if (role != Role.LEADER || !tracker.isVoter(id)) {
            throw RaftException.notLeader(id, hint, config.idFormat());
        }
        if (leavingAt != 0) {
            throw new RaftException(ErrorCode.NOT_LEADER, "node " + idText(id) + " is leaving the voters (configuration"
                    + " change at index " + leavingAt + ") and takes no more writes; retry on the next leader",
                    Map.of("leaderHint", "0"));
        }
        if (leadTransferee != 0) {
            throw new RaftException(ErrorCode.UNAVAILABLE, "leadership is being transferred to node "
                    + idText(leadTransferee) + "; retry shortly", Map.of("leaderHint", Long.toString(leadTransferee)));
        }
    }

    private void appendAndBroadcast(Entry e) {
        log.append(List.of(e));
        broadcastAppend();
    }

    /**
     * Asks for a read index (thesis §6.4). The answer arrives as a {@link ReadState} with this
     * request id in a later {@link Ready}; index 0 means refused. Followers and learners forward the
     * request to the leader.
     *
     * @throws RaftException {@code NOT_LEADER} when no leader is known
     */
    public void readIndex(long requestId) {
        RaftMessage request = RaftMessage.newBuilder().setType(MessageType.MSG_READ_INDEX).setFrom(id)
                .setContext(readContext(id, requestId)).build();
        if (role == Role.LEADER) {
            stepReadIndexRequest(request);
            return;
        }
        if (leader == 0) {
            throw RaftException.notLeader(id, 0, config.idFormat());
        }
        send(request.toBuilder().setTo(leader));
    }

    private void stepReadIndexRequest(RaftMessage m) {
        if (role != Role.LEADER) {
            if (m.getFrom() != id) {
                send(RaftMessage.newBuilder().setTo(m.getFrom()).setType(MessageType.MSG_READ_INDEX_RESP)
                        .setTerm(term).setReject(true).setContext(m.getContext()));
            }
            return;
        }
        if (!committedEntryInCurrentTerm()) {
            // Our commit index may lag what a previous leader committed until our own no-op
            // commits (thesis §6.4 step 1); hold the request until then.
            pendingReadIndexRequests.add(m);
            return;
        }
        serveReadIndex(m);
    }

    private void serveReadIndex(RaftMessage m) {
        long index = log.committed();
        boolean leaseHolds = config.readOnlyOption() == ReadOnlyOption.LEASE_BASED && !sentTimeoutNow
                && tracker.isVoter(id);
        boolean soleVoter = tracker.isSingleton() && tracker.isVoter(id);
        if (soleVoter || leaseHolds) {
            // A sole voter is a quorum by itself (but a removed leader whose successor is the only
            // voter is not); a lease holder trusts CheckQuorum's lease.
            answerRead(m.getFrom(), m.getContext(), index);
            return;
        }
        readIndexQueue.add(m.getContext(), index, m.getFrom());
        readIndexQueue.ack(id, m.getContext());
        broadcastHeartbeat(m.getContext());
    }

    private void answerRead(long requester, ByteString context, long index) {
        if (requester == id) {
            readStates.add(new ReadState(readRequestId(context), index));
        } else {
            RaftMessage.Builder resp = RaftMessage.newBuilder().setTo(requester)
                    .setType(MessageType.MSG_READ_INDEX_RESP).setTerm(term).setIndex(index).setContext(context);
            if (index == 0) {
                resp.setReject(true);
            }
            send(resp);
        }
    }

    private void releasePendingReadIndexRequests() {
        if (pendingReadIndexRequests.isEmpty() || !committedEntryInCurrentTerm()) {
            return;
        }
        List<RaftMessage> waiting = new ArrayList<>(pendingReadIndexRequests);
        pendingReadIndexRequests.clear();
        for (RaftMessage m : waiting) {
            serveReadIndex(m);
        }
    }

    private boolean committedEntryInCurrentTerm() {
        return log.term(log.committed()) == term;
    }

    /**
     * Starts handing leadership to {@code transferee} (thesis §3.10): bring it up to date, then
     * tell it to campaign at once. Proposals are refused meanwhile; the transfer is abandoned after
     * an election timeout.
     *
     * @throws RaftException {@code NOT_LEADER}; {@code UNSUPPORTED_ON_LEARNER} for a learner (it has
     *     no vote and cannot lead); {@code BAD_REQUEST} for a node that is not a member
     */
    public void transferLeadership(long transferee) {
        if (role != Role.LEADER) {
            throw RaftException.notLeader(id, leader, config.idFormat());
        }
        Progress pr = tracker.get(transferee);
        if (transferee == id && tracker.isVoter(id)) {
            return;
        }
        if (pr == null) {
            throw new RaftException(ErrorCode.BAD_REQUEST, "node " + idText(transferee) + " is not a member");
        }
        if (pr.isLearner() || !tracker.isVoter(transferee)) {
            throw new RaftException(ErrorCode.UNSUPPORTED_ON_LEARNER, "node " + idText(transferee)
                    + " is a learner: leadership can only go to a voter; promote it first");
        }
        if (leadTransferee == transferee) {
            return;
        }
        leadTransferee = transferee;
        // The transfer should finish within one election timeout; restart the clock that aborts it.
        electionElapsed = 0;
        if (pr.match() == log.lastIndex()) {
            sendTimeoutNow(transferee);
        } else {
            sendAppend(transferee, true);
        }
    }

    /** The transport could not reach {@code nodeId}: stop streaming to it and probe instead. */
    public void reportUnreachable(long nodeId) {
        if (role != Role.LEADER) {
            return;
        }
        Progress pr = tracker.get(nodeId);
        if (pr != null && pr.state() == ProgressState.REPLICATE) {
            pr.becomeProbe();
        }
    }

    /**
     * The snapshot sent to {@code nodeId} was delivered ({@code success}) or abandoned. Either way
     * the leader goes back to probing; after a success the probe starts after the snapshot.
     */
    public void reportSnapshot(long nodeId, boolean success) {
        if (role != Role.LEADER) {
            return;
        }
        Progress pr = tracker.get(nodeId);
        if (pr == null || pr.state() != ProgressState.SNAPSHOT) {
            return;
        }
        if (!success) {
            // The peer may not hold the snapshot: probe from its match, not from after the snapshot.
            pr.abortSnapshot();
        }
        pr.becomeProbe();
        // Wait for the next heartbeat response before probing, so a failed transfer is not retried in a tight loop.
        pr.setMsgAppFlowPaused(true);
    }

    // ================================================================ roles

    private boolean promotable() {
        Progress self = tracker.get(id);
        return self != null && !self.isLearner() && tracker.isVoter(id) && !log.hasPendingSnapshot();
    }

    private void hup(boolean transfer) {
        if (role == Role.LEADER || !promotable()) {
            return;
        }
        if (log.hasUnappliedConfChange()) {
            // The configuration we would campaign under may be stale; wait until it is applied.
            return;
        }
        if (config.preVote() && !transfer) {
            campaign(true, false);
        } else {
            campaign(false, transfer);
        }
    }

    private void campaign(boolean pre, boolean transfer) {
        long voteTerm;
        MessageType type;
        if (pre) {
            becomePreCandidate();
            voteTerm = term + 1;
            type = MessageType.MSG_PRE_VOTE;
        } else {
            becomeCandidate();
            voteTerm = term;
            type = MessageType.MSG_VOTE;
        }
        tracker.recordVote(id, true);
        if (tracker.tallyVotes().result() == VoteResult.WON) {
            // A single voter wins at once.
            if (pre) {
                campaign(false, transfer);
            } else {
                becomeLeader();
            }
            return;
        }
        long lastIndex = log.lastIndex();
        long lastTerm = log.lastTerm();
        for (long peer : tracker.voterIds()) {
            if (peer == id) {
                continue;
            }
            RaftMessage.Builder m = RaftMessage.newBuilder().setTo(peer).setType(type).setTerm(voteTerm)
                    .setIndex(lastIndex).setLogTerm(lastTerm);
            if (transfer) {
                m.setContext(CAMPAIGN_TRANSFER);
            }
            send(m);
        }
    }

    private void becomeFollower(long newTerm, long newLeader) {
        reset(newTerm);
        leader = newLeader;
        role = Role.FOLLOWER;
    }

    private void becomePreCandidate() {
        // Neither the term nor the vote changes: a pre-candidate that loses leaves no trace (thesis §9.6).
        tracker.resetVotes();
        leader = 0;
        role = Role.PRE_CANDIDATE;
    }

    private void becomeCandidate() {
        reset(term + 1);
        vote = id;
        role = Role.CANDIDATE;
    }

    private void becomeLeader() {
        reset(term);
        leader = id;
        role = Role.LEADER;
        Progress self = tracker.get(id);
        if (self != null) {
            self.becomeReplicate();
            self.setRecentActive(true);
        }
        // Any configuration change in the uncommitted tail may still be pending: be conservative.
        pendingConfIndex = log.lastIndex();
        if (log.hasConfChangeBetween(log.applied() + 1, log.lastIndex())) {
            // That change may take us out of the voters; take no writes until it is applied.
            leavingAt = log.lastIndex();
        }
        // The no-op of the new term (thesis §6.4): committing it commits everything before it and
        // lets read indexes be served.
        Entry noop = Entry.newBuilder().setTerm(term).setIndex(log.lastIndex() + 1)
                .setType(EntryType.ENTRY_NORMAL).build();
        appendAndBroadcast(noop);
    }

    private void reset(long newTerm) {
        if (term != newTerm) {
            term = newTerm;
            vote = 0;
        }
        failPendingReads();
        leader = 0;
        electionElapsed = 0;
        heartbeatElapsed = 0;
        randomizedElectionTimeout = config.electionTick() + random.nextInt(config.electionTick());
        leadTransferee = 0;
        sentTimeoutNow = false;
        leavingAt = 0;
        tracker.resetVotes();
        long lastIndex = log.lastIndex();
        long stable = log.lastStableIndex();
        tracker.forEach((peer, pr) -> {
            Progress fresh = new Progress(lastIndex + 1, new Inflights(tracker.maxInflight(), tracker.maxInflightBytes()), pr.isLearner());
            if (peer == id) {
                fresh.maybeUpdate(Math.min(stable, lastIndex));
                fresh.setRecentActive(true);
            }
            tracker.progress().put(peer, fresh);
        });
        pendingConfIndex = 0;
        uncommittedSize = 0;
    }

    /** Refuses every read index this node was holding: it is no longer (or not yet) a leader that can answer. */
    private void failPendingReads() {
        for (ReadIndexQueue.Pending p : readIndexQueue.drain()) {
            answerRead(p.requester, p.context, 0);
        }
        for (RaftMessage m : pendingReadIndexRequests) {
            answerRead(m.getFrom(), m.getContext(), 0);
        }
        pendingReadIndexRequests.clear();
    }

    private void stepLeader(RaftMessage m) {
        Progress pr = tracker.get(m.getFrom());
        switch (m.getType()) {
            case MSG_APPEND_RESP -> {
                if (pr != null) {
                    handleAppendResponse(m, pr);
                }
            }
            case MSG_HEARTBEAT_RESP -> {
                if (pr != null) {
                    handleHeartbeatResponse(m, pr);
                }
            }
            case MSG_READ_INDEX -> stepReadIndexRequest(m);
            default -> {
                // Votes of a finished election, stray responses: nothing to do.
            }
        }
    }

    private void handleAppendResponse(RaftMessage m, Progress pr) {
        pr.setRecentActive(true);
        if (m.getReject()) {
            // The follower's hint lets us skip every entry of a conflicting term at once.
            long next = m.getRejectHint();
            if (m.getLogTerm() > 0) {
                next = log.findConflictByTerm(m.getRejectHint(), m.getLogTerm())[0];
            }
            if (pr.maybeDecrTo(m.getIndex(), next)) {
                if (pr.state() == ProgressState.REPLICATE) {
                    pr.becomeProbe();
                }
                sendAppend(m.getFrom(), false);
            }
            return;
        }
        boolean wasPaused = pr.isPaused();
        if (!pr.maybeUpdate(m.getIndex()) && !(pr.match() == m.getIndex() && pr.state() == ProgressState.PROBE)) {
            return;
        }
        switch (pr.state()) {
            case PROBE -> pr.becomeReplicate();
            case SNAPSHOT -> {
                if (pr.match() + 1 >= log.firstIndex()) {
                    // The snapshot (or a later append) brought it within reach of the log again.
                    pr.becomeProbe();
                    pr.becomeReplicate();
                }
            }
            case REPLICATE -> pr.inflights().freeLE(m.getIndex());
        }
        if (maybeCommit()) {
            releasePendingReadIndexRequests();
            broadcastAppend();
        } else if (wasPaused) {
            sendAppend(m.getFrom(), false);
        }
        // Fill the inflight window.
        while (sendAppend(m.getFrom(), false)) {
            // keep sending while there is something to send and room for it
        }
        if (m.getFrom() == leadTransferee && pr.match() == log.lastIndex()) {
            sendTimeoutNow(m.getFrom());
        }
    }

    private void handleHeartbeatResponse(RaftMessage m, Progress pr) {
        pr.setRecentActive(true);
        pr.setMsgAppFlowPaused(false);
        if (pr.match() < log.lastIndex() || pr.state() == ProgressState.PROBE) {
            // Send even an empty append: if the appends in flight were lost, the follower's answer to
            // this one (an ack or a rejection) is what frees the inflight window or moves us to
            // probing. Without it a follower in REPLICATE whose appends were lost would stall forever.
            sendAppend(m.getFrom(), true);
        }
        if (config.readOnlyOption() != ReadOnlyOption.SAFE || m.getContext().isEmpty()) {
            return;
        }
        java.util.Set<Long> acks = readIndexQueue.ack(m.getFrom(), m.getContext());
        if (acks == null) {
            return;
        }
        Map<Long, Boolean> votes = new TreeMap<>();
        for (long a : acks) {
            votes.put(a, true);
        }
        if (tracker.config().voters().voteResult(votes) != VoteResult.WON) {
            return;
        }
        for (ReadIndexQueue.Pending p : readIndexQueue.advance(m.getContext())) {
            answerRead(p.requester, p.context, p.index);
        }
    }

    private void stepCandidate(RaftMessage m) {
        MessageType myVoteResp = role == Role.PRE_CANDIDATE
                ? MessageType.MSG_PRE_VOTE_RESP : MessageType.MSG_VOTE_RESP;
        switch (m.getType()) {
            case MSG_APPEND -> {
                becomeFollower(m.getTerm(), m.getFrom());
                handleAppend(m);
            }
            case MSG_HEARTBEAT -> {
                becomeFollower(m.getTerm(), m.getFrom());
                handleHeartbeat(m);
            }
            case MSG_SNAPSHOT -> {
                becomeFollower(m.getTerm(), m.getFrom());
                handleSnapshot(m);
            }
            case MSG_READ_INDEX -> stepReadIndexRequest(m);
            default -> {
                if (m.getType() != myVoteResp) {
                    return;
                }
                if (m.getReject() && m.getCommit() > log.committed() && m.getCommit() <= log.lastIndex()
                        && log.matchTerm(m.getCommit(), m.getLogTerm())) {
                    // Committed entries never change, and by Log Matching our identical entry at that
                    // index means our log is identical up to it: it is committed here too.
                    log.commitTo(m.getCommit());
                }
                tracker.recordVote(m.getFrom(), !m.getReject());
                VoteResult result = tracker.tallyVotes().result();
                if (result == VoteResult.WON) {
                    if (role == Role.PRE_CANDIDATE) {
                        campaign(false, false);
                    } else {
                        becomeLeader();
                    }
                } else if (result == VoteResult.LOST) {
                    // A rejection of a pre-vote may carry a higher term we have already adopted in step().
                    becomeFollower(term, 0);
                }
            }
        }
    }

    private void stepFollower(RaftMessage m) {
        switch (m.getType()) {
            case MSG_APPEND -> {
                electionElapsed = 0;
                leader = m.getFrom();
                handleAppend(m);
            }
            case MSG_HEARTBEAT -> {
                electionElapsed = 0;
                leader = m.getFrom();
                handleHeartbeat(m);
            }
            case MSG_SNAPSHOT -> {
                electionElapsed = 0;
                leader = m.getFrom();
                handleSnapshot(m);
            }
            case MSG_TIMEOUT_NOW -> hup(true); // a learner is not promotable: hup ignores it
            case MSG_READ_INDEX -> stepReadIndexRequest(m);
            case MSG_READ_INDEX_RESP -> {
                long requestId = readRequestId(m.getContext());
                if (requestId != -1) {
                    readStates.add(new ReadState(requestId, m.getReject() ? 0 : m.getIndex()));
                }
            }
            default -> {
                // Responses meant for a role we no longer have.
            }
        }
    }

    private void handleAppend(RaftMessage m) {
        if (m.getIndex() < log.committed()) {
            send(RaftMessage.newBuilder().setTo(m.getFrom()).setType(MessageType.MSG_APPEND_RESP)
                    .setIndex(log.committed()));
            return;
        }
        long lastNew = log.maybeAppend(m.getIndex(), m.getLogTerm(), m.getCommit(), m.getEntriesList());
        if (lastNew >= 0) {
            send(RaftMessage.newBuilder().setTo(m.getFrom()).setType(MessageType.MSG_APPEND_RESP).setIndex(lastNew));
            return;
        }
        // Our log does not contain (index, logTerm). Offer the leader the newest index whose term
        // is not above logTerm: every entry after it with a higher term must be replaced anyway.
        long hintIndex = Math.min(m.getIndex(), log.lastIndex());
        long[] hint = log.findConflictByTerm(hintIndex, m.getLogTerm());
        send(RaftMessage.newBuilder().setTo(m.getFrom()).setType(MessageType.MSG_APPEND_RESP)
                .setIndex(m.getIndex()).setReject(true).setRejectHint(hint[0]).setLogTerm(hint[1]));
    }

    private void handleHeartbeat(RaftMessage m) {
        // The leader sends min(its commit, our match), so this never points past what we hold.
        log.commitTo(Math.min(m.getCommit(), log.lastIndex()));
        send(RaftMessage.newBuilder().setTo(m.getFrom()).setType(MessageType.MSG_HEARTBEAT_RESP)
                .setContext(m.getContext()));
    }

    private void handleSnapshot(RaftMessage m) {
        SnapshotMetadata s = m.getSnapshot();
        long answer = restore(s) ? log.lastIndex() : log.committed();
        send(RaftMessage.newBuilder().setTo(m.getFrom()).setType(MessageType.MSG_APPEND_RESP).setIndex(answer));
    }

    /** Installs a snapshot from the leader if it is ahead of what we have committed. */
    private boolean restore(SnapshotMetadata s) {
        if (s.getIndex() <= log.committed()) {
            return false;
        }
        if (role != Role.FOLLOWER) {
            // Defence in depth: only a follower installs snapshots.
            becomeFollower(term + 1, 0);
            return false;
        }
        if (log.matchTerm(s.getIndex(), s.getTerm())) {
            // We already hold the snapshot's last entry: just commit up to it (fast-forward).
            log.commitTo(s.getIndex());
            return false;
        }
        ConfChanger.Result restored;
        try {
            restored = ConfChanger.restore(s.getConfState(), config.maxInflightMsgs(), config.maxInflightBytes(),
                    s.getIndex());
        } catch (ConfChangeException e) {
            // A snapshot whose configuration is broken is not installed; the leader will probe again.
            return false;
        }
        log.restore(s);
        restoredThrough = s.getIndex();
        // The snapshot's configuration may not include us yet (we were added after it was taken):
        // that is fine, the change that added us follows in the log.
        switchToConfig(restored);
        return true;
    }

    // ================================================================ replication

    /**
     * Sends an append (or a snapshot when the entries are compacted) to {@code to} if its progress
     * allows; with {@code sendIfEmpty} an append without entries is sent too (to carry the commit
     * index or to probe). Returns whether a message was sent.
     */
    private boolean sendAppend(long to, boolean sendIfEmpty) {
        Progress pr = tracker.get(to);
        if (pr == null || to == id || pr.isPaused()) {
            return false;
        }
        long prevIndex = pr.next() - 1;
        long prevTerm = log.term(prevIndex);
        if (prevTerm == RaftLog.NO_TERM) {
            return sendSnapshot(to, pr);
        }
        List<Entry> entries = List.of();
        long lastIndex = log.lastIndex();
        if (pr.next() <= lastIndex && (pr.state() != ProgressState.REPLICATE || !pr.inflights().full())) {
            try {
                entries = log.slice(pr.next(), lastIndex + 1, config.maxSizePerMsg());
            } catch (LogCompactedException e) {
                return sendSnapshot(to, pr);
            }
        }
        if (entries.isEmpty() && !sendIfEmpty) {
            return false;
        }
        long bytes = 0;
        for (Entry e : entries) {
            bytes += e.getData().size();
        }
        send(RaftMessage.newBuilder().setTo(to).setType(MessageType.MSG_APPEND).setIndex(prevIndex)
                .setLogTerm(prevTerm).addAllEntries(entries).setCommit(log.committed()));
        pr.sentEntries(entries.size(), bytes);
        if (entries.isEmpty() && pr.state() == ProgressState.PROBE) {
            pr.sentEmptyProbe();
        }
        return true;
    }

    private boolean sendSnapshot(long to, Progress pr) {
        if (!pr.recentActive()) {
            // Don't push a snapshot at a peer we have not heard from: it is likely down.
            return false;
        }
        SnapshotMetadata snapshot = log.snapshot();
        if (snapshot.getIndex() == 0) {
            return false;
        }
        pr.becomeSnapshot(snapshot.getIndex());
        send(RaftMessage.newBuilder().setTo(to).setType(MessageType.MSG_SNAPSHOT).setSnapshot(snapshot));
        return true;
    }

    private void broadcastAppend() {
        tracker.forEach((peer, pr) -> {
            if (peer != id) {
                sendAppend(peer, true);
            }
        });
    }

    private void broadcastHeartbeat(ByteString context) {
        tracker.forEach((peer, pr) -> {
            if (peer == id) {
                return;
            }
            // Never tell a follower to commit past what it is known to hold.
            long commit = Math.min(pr.match(), log.committed());
            RaftMessage.Builder m = RaftMessage.newBuilder().setTo(peer).setType(MessageType.MSG_HEARTBEAT)
                    .setCommit(commit);
            if (context != null) {
                m.setContext(context);
            }
            send(m);
        });
    }

    private void sendTimeoutNow(long to) {
        // The transferee will campaign past the followers' leases, so from now on this term's
        // lease proves nothing: lease-based reads fall back to a heartbeat round.
        sentTimeoutNow = true;
        send(RaftMessage.newBuilder().setTo(to).setType(MessageType.MSG_TIMEOUT_NOW));
    }

    private boolean maybeCommit() {
        return log.maybeCommit(tracker.committed(), term);
    }

    private boolean increaseUncommittedSize(Entry e) {
        long size = e.getData().size();
        long limit = config.maxUncommittedEntriesSize();
        if (limit > 0 && uncommittedSize > 0 && size > 0 && uncommittedSize + size > limit) {
            return false;
        }
        uncommittedSize += size;
        return true;
    }

    private void reduceUncommittedSize(List<Entry> committed) {
        if (role != Role.LEADER) {
            return;
        }
        long size = 0;
        for (Entry e : committed) {
            size += e.getData().size();
        }
        uncommittedSize = Math.max(0, uncommittedSize - size);
    }

    private void send(RaftMessage.Builder m) {
        m.setFrom(id);
        // Every message carries our term except a forwarded read-index request (a local request).
        if (m.getTerm() == 0 && m.getType() != MessageType.MSG_READ_INDEX) {
            m.setTerm(term);
        }
        messages.add(m.build());
    }

    // ================================================================ configuration

    private void applyConfChange(ConfChange change) {
        ConfChanger.Result result;
        try {
            result = ConfChanger.apply(tracker, log.lastIndex(), change);
        } catch (ConfChangeException e) {
            // Committed changes were validated against the configuration they follow: one that
            // cannot apply means the log or the changer is broken, and going on would diverge.
            throw new IllegalStateException("committed configuration change cannot be applied: "
                    + e.getMessage(), e);
        }
        switchToConfig(result);
    }

    private void switchToConfig(ConfChanger.Result result) {
        tracker.reset(result.config(), result.progress());
        Progress self = tracker.get(id);
        learner = self != null && self.isLearner();
        if ((role == Role.CANDIDATE || role == Role.PRE_CANDIDATE) && !promotable()) {
            // The campaign began under a configuration that made us a voter; this one does not.
            becomeFollower(term, 0);
            return;
        }
        if (role != Role.LEADER || tracker.voterIds().isEmpty()) {
            return;
        }
        // The quorum may have changed: maybe something commits now; new peers need a probe.
        if (maybeCommit()) {
            releasePendingReadIndexRequests();
            broadcastAppend();
        } else {
            tracker.forEach((peer, pr) -> {
                if (peer != id) {
                    sendAppend(peer, false);
                }
            });
        }
        if (leadTransferee != 0 && !tracker.isVoter(leadTransferee)) {
            leadTransferee = 0;
        }
        if (!tracker.isVoter(id)) {
            handOverLeadership();
        }
    }

    /**
     * A leader that is no longer a voter (removed, or demoted to learner) hands leadership to the
     * most caught-up voter rather than simply stepping down, which is how it leaves (thesis §4.2.2).
     *
     * <p>Why not just step down: a configuration takes effect where it is applied, so the new voters
     * may not know yet that the change committed and may still need this node's vote, which it
     * would refuse if it has entries they lack; and as a non-voter it cannot campaign: nobody could
     * win. So it keeps replicating and committing (it is not counted) while refusing proposals,
     * brings a successor up to date and sends it TimeoutNow, retrying each election timeout. It
     * steps down when the successor's higher term reaches it.
     */
    private void handOverLeadership() {
        long best = 0;
        long bestMatch = -1;
        for (long voter : tracker.config().voters().incoming().ids()) {
            Progress pr = tracker.get(voter);
            if (pr != null && pr.match() > bestMatch) {
                best = voter;
                bestMatch = pr.match();
            }
        }
        if (best == 0) {
            return;
        }
        leadTransferee = best;
        electionElapsed = 0;
        if (bestMatch == log.lastIndex()) {
            sendTimeoutNow(best);
        } else {
            sendAppend(best, true);
        }
    }

    // ================================================================ Ready

    /**
     * Stops (or resumes) handing out committed entries in Readys. The runtime pauses while its
     * apply thread is too far behind, so a slow state machine bounds memory instead of queueing
     * every committed entry; persistence and messages go on meanwhile.
     */
    public void setApplyPaused(boolean paused) {
        log.setApplyPaused(paused);
    }

    /** Whether {@link #ready()} would return anything. */
    public boolean hasReady() {
        return !messages.isEmpty()
                || !readStates.isEmpty()
                || log.nextUnstableSnapshot() != null
                || log.hasNextUnstableEntries()
                || log.hasNextCommittedEntries()
                || !hardState().equals(lastReadyHardState)
                || !softState().equals(lastReadySoftState);
    }

    /**
     * Hands out everything pending since the previous Ready. See {@link Ready} for how to handle it;
     * each Ready must later be passed to {@link #advance(Ready)}, in order.
     */
    public Ready ready() {
        HardState hs = hardState();
        SoftState ss = softState();
        SnapshotMetadata snapshot = log.nextUnstableSnapshot();
        List<Entry> entries = log.nextUnstableEntries();
        List<Entry> committed = log.nextCommittedEntries();
        boolean termOrVoteChanged = hs.getTerm() != lastReadyHardState.getTerm()
                || hs.getVote() != lastReadyHardState.getVote();
        boolean commitsConfChange = false;
        for (Entry e : committed) {
            commitsConfChange |= e.getType() == EntryType.ENTRY_CONF_CHANGE;
        }
        // A configuration takes effect when applied, and a restart re-applies only up to the
        // durable commit index: so the commit index must be durable before a configuration change
        // is applied, or a node could apply a change, crash, and come back running the old
        // configuration (and removed nodes could again form a majority of it).
        boolean mustSync = termOrVoteChanged || !entries.isEmpty() || snapshot != null || commitsConfChange;
        boolean hardStateChanged = !hs.equals(lastReadyHardState) || commitsConfChange;

        List<RaftMessage> now = new ArrayList<>();
        List<RaftMessage> afterPersist = new ArrayList<>();
        for (RaftMessage m : messages) {
            if (!termOrVoteChanged && sendableBeforePersist(m)) {
                now.add(m);
            } else {
                afterPersist.add(m);
            }
        }

        Ready rd = new Ready(++readyNumber, ss.equals(lastReadySoftState) ? null : ss,
                hardStateChanged ? hs : null, snapshot, entries, committed, now, afterPersist,
                readStates, mustSync);

        log.acceptUnstable();
        long appliedTo = 0;
        List<Entry> confChanges = List.of();
        if (!committed.isEmpty()) {
            appliedTo = committed.get(committed.size() - 1).getIndex();
            log.acceptApplying(appliedTo);
            reduceUncommittedSize(committed);
            for (Entry e : committed) {
                if (e.getType() == EntryType.ENTRY_CONF_CHANGE) {
                    if (confChanges.isEmpty()) {
                        confChanges = new ArrayList<>();
                    }
                    confChanges.add(e);
                }
            }
        }
        Entry last = entries.isEmpty() ? null : entries.get(entries.size() - 1);
        inProgress.add(new InProgress(rd.number(), last == null ? 0 : last.getIndex(), last == null ? 0 : last.getTerm(),
                snapshot == null ? 0 : snapshot.getIndex(), appliedTo, confChanges));
        messages.clear();
        readStates.clear();
        lastReadyHardState = hs;
        lastReadySoftState = ss;
        return rd;
    }

    /**
     * Messages that promise nothing about this node's disk: a leader's appends, heartbeats,
     * snapshots and transfer orders (thesis §10.2.1 lets the leader write its log in parallel with
     * replicating it, as it counts itself only once its write is durable), and read-index answers.
     */
    private boolean sendableBeforePersist(RaftMessage m) {
        return switch (m.getType()) {
            case MSG_APPEND, MSG_HEARTBEAT, MSG_SNAPSHOT, MSG_TIMEOUT_NOW, MSG_READ_INDEX_RESP -> role == Role.LEADER;
            default -> false;
        };
    }

    /**
     * Tells the core that {@code ready} was handled: its snapshot, entries and hard state are
     * durable and its committed entries were handed to the application. Configuration changes among
     * those entries take effect now. Readys must be advanced in the order they were produced.
     */
    public void advance(Ready ready) {
        InProgress p = inProgress.peekFirst();
        if (p == null || p.number() != ready.number()) {
            throw new IllegalStateException("advance(Ready#" + ready.number() + ") out of order; expected "
                    + (p == null ? "none" : "Ready#" + p.number()));
        }
        inProgress.removeFirst();
        if (p.snapshotIndex() != 0) {
            log.stableSnapshotTo(p.snapshotIndex());
            log.appliedSnapshot(p.snapshotIndex());
        }
        if (p.lastIndex() != 0) {
            log.stableTo(p.lastIndex(), p.lastTerm());
            if (role == Role.LEADER && log.matchTerm(p.lastIndex(), p.lastTerm())) {
                // Our own write is durable: only now do we count ourselves (thesis §10.2.1).
                Progress self = tracker.get(id);
                if (self != null && self.maybeUpdate(p.lastIndex()) && maybeCommit()) {
                    releasePendingReadIndexRequests();
                    broadcastAppend();
                }
            }
        }
        if (p.appliedTo() != 0) {
            log.appliedTo(p.appliedTo());
            for (Entry e : p.confChanges()) {
                if (e.getIndex() <= restoredThrough) {
                    // A snapshot installed after this Ready was handed out already carries this change.
                    continue;
                }
                try {
                    applyConfChange(ConfChange.parseFrom(e.getData()));
                } catch (InvalidProtocolBufferException ex) {
                    throw new IllegalStateException("unreadable configuration change at index " + e.getIndex(), ex);
                }
            }
        }
        if (leavingAt != 0 && log.applied() >= leavingAt && tracker.isVoter(id)) {
            leavingAt = 0; // the pending change left us a voter after all
        }
        maybeAutoLeaveJoint();
    }

    /** With auto-leave, the leader leaves a joint configuration as soon as entering it is applied. */
    private void maybeAutoLeaveJoint() {
        if (role != Role.LEADER || !tracker.config().isJoint() || !tracker.config().autoLeave()
                || pendingConfIndex > log.applied() || leadTransferee != 0) {
            return;
        }
        ConfChange leave = ConfChange.getDefaultInstance();
        Entry e = Entry.newBuilder().setTerm(term).setIndex(log.lastIndex() + 1)
                .setType(EntryType.ENTRY_CONF_CHANGE).setData(leave.toByteString()).build();
        try {
            noteIfLeaving(ConfChanger.apply(tracker, log.lastIndex(), leave), e.getIndex());
        } catch (ConfChangeException ex) {
            throw new IllegalStateException("cannot leave the joint configuration " + tracker.config(), ex);
        }
        pendingConfIndex = e.getIndex();
        appendAndBroadcast(e);
    }

    private void noteIfLeaving(ConfChanger.Result result, long index) {
        if (!result.config().voters().contains(id)) {
            leavingAt = index;
        }
    }

    // ================================================================ queries

    public long id() {
        return id;
    }

    public long term() {
        return term;
    }

    public long leaderId() {
        return leader;
    }

    public Role role() {
        return role;
    }

    /** Whether this node is a learner in its current configuration. */
    public boolean isLearner() {
        return learner;
    }

    public long commitIndex() {
        return log.committed();
    }

    /** The index through which Readys have been advanced (handed to the application). */
    public long appliedIndex() {
        return log.applied();
    }

    public long lastIndex() {
        return log.lastIndex();
    }

    public ConfState confState() {
        return tracker.config().toConfState();
    }

    public CoreStatus status() {
        Map<Long, PeerProgress> progress = Map.of();
        if (role == Role.LEADER) {
            TreeMap<Long, PeerProgress> out = new TreeMap<>();
            long last = log.lastIndex();
            tracker.forEach((peer, pr) -> out.put(peer, new PeerProgress(peer, pr.isLearner(), pr.match(), pr.next(),
                    pr.state(), pr.recentActive(), pr.pendingSnapshot(), Math.max(0, last - pr.match()))));
            progress = Collections.unmodifiableMap(out);
        }
        return new CoreStatus(id, term, vote, leader, role, learner, log.committed(), log.applied(), log.lastIndex(),
                confState(), progress, leadTransferee);
    }

    private HardState hardState() {
        return HardState.newBuilder().setTerm(term).setVote(vote).setCommit(log.committed()).build();
    }

    private SoftState softState() {
        return new SoftState(leader, role);
    }

    /** A node id as the errors' messages write it ({@link RaftConfig#idFormat()}). */
    private String idText(long node) {
        return config.idFormat().format(node);
    }

    @Override
    public String toString() {
        return "RaftCore{id=" + id + ", term=" + term + ", role=" + role + ", leader=" + leader + ", " + log + "}";
    }

    // ================================================================ helpers

    private static boolean isVoteRequest(MessageType t) {
        return t == MessageType.MSG_VOTE || t == MessageType.MSG_PRE_VOTE;
    }

    private static boolean isLeaderMessage(MessageType t) {
        return t == MessageType.MSG_APPEND || t == MessageType.MSG_HEARTBEAT || t == MessageType.MSG_SNAPSHOT;
    }

    /** Read-index contexts name the asking node and its request id, so ids from different nodes never collide. */
    private static ByteString readContext(long origin, long requestId) {
        return ByteString.copyFrom(ByteBuffer.allocate(16).putLong(origin).putLong(requestId).flip());
    }

    private static long readRequestId(ByteString context) {
        if (context.size() != 16) {
            return -1;
        }
        // Relative to the buffer's position: a context parsed from a network frame with aliasing is
        // a slice of the frame, and its buffer view starts where the slice does, not at 0.
        ByteBuffer b = context.asReadOnlyByteBuffer();
        return b.getLong(b.position() + 8);
    }
}
