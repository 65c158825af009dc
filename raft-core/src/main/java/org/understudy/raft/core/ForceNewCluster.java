package org.understudy.raft.core;

import com.google.protobuf.InvalidProtocolBufferException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeSet;
import org.understudy.raft.ErrorCode;
import org.understudy.raft.NodeIdFormat;
import org.understudy.raft.RaftException;
import org.understudy.raft.core.confchange.ConfChangeException;
import org.understudy.raft.core.confchange.ConfChanger;
import org.understudy.raft.proto.ConfChange;
import org.understudy.raft.proto.ConfState;
import org.understudy.raft.proto.Entry;
import org.understudy.raft.proto.EntryType;
import org.understudy.raft.proto.HardState;
import org.understudy.raft.proto.SnapshotMetadata;

/**
 * How a member that lost its quorum for good restarts as the only voter of its cluster (the
 * {@code --force-new-cluster} of etcd, DESIGN.md §9 fig 9): which entries its log loses and gains,
 * and which hard state it persists. Pure: the runtime reads the storage, asks for a {@link Plan}, and
 * writes it before the core is built.
 *
 * <p>The log is cut after the commit index (entries after it were never known to be committed
 * here and may never have been anywhere; etcd drops them too). Then configuration changes that take
 * every other member out (voters and learners alike) are appended after the commit index, and the
 * commit index is moved to the last of them. They are thus committed by decree rather than by a
 * quorum, and everything downstream sees them as ordinary committed changes: the core applies them
 * (it starts from the snapshot's configuration, applies committed changes as usual, and does not
 * campaign while one is unapplied), the state machine and a membership layer see each removal, and
 * the core ends up with "only me, a voter". Nothing the node had committed is lost.
 *
 * <p>The new entries carry the term after the node's current one, where etcd keeps the current
 * term: this node may have led that term and sent the very entries now cut to the members being
 * removed, and an entry of ours with the same index and term would pass Raft's log-matching check
 * against theirs, should one of them ever be added back with its old data, so the two logs would
 * silently differ. No entry of the next term exists anywhere this node knows of.
 *
 * <p>Not safe in the Raft sense, and not meant to be: writes that a lost majority acknowledged and
 * this node never received are gone, and the removed members must never come back with their old
 * data (they still believe in the old configuration and could elect a leader of their own). It is
 * the operator's last resort after losing a quorum for good.
 */
public final class ForceNewCluster {

    private ForceNewCluster() {}

    /**
     * What to write.
     *
     * @param commitIndex the commit index the node had (at least its snapshot's index)
     * @param discardFrom the first log index to cut; {@code commitIndex + 1}
     * @param discarded how many entries are cut (those after {@code commitIndex})
     * @param before the configuration at {@code commitIndex}
     * @param entries the configuration changes to append at {@code commitIndex + 1} onwards; empty
     *     when the node already is the only member (nothing is to be written then)
     * @param hardState the hard state to persist: the term of the new entries, no vote, the commit
     *     index at the last new entry; unchanged when there is nothing to do
     * @param removed the members taken out, sorted
     * @param after the configuration once the entries are applied: this node alone, a voter
     */
    public record Plan(long commitIndex, long discardFrom, long discarded, ConfState before, List<Entry> entries,
            HardState hardState, SortedSet<Long> removed, ConfState after) {
        public Plan {
            entries = List.copyOf(entries);
            removed = Collections.unmodifiableSortedSet(new TreeSet<>(removed));
        }

        /** Whether the node already is the only member, so that the storage stays as it is. */
        public boolean nothingToDo() {
            return entries.isEmpty();
        }
    }

    /**
     * Plans the rewrite.
     *
     * @param self this node's id
     * @param snapshot the metadata of the newest snapshot (the state machine starts from it)
     * @param confChanges the committed configuration-change entries after the snapshot, in log
     *     order, that is those in {@code (snapshot index, commit index]}; other entries are ignored
     * @param hardState the persisted hard state
     * @param commitTerm the term of the entry at the commit index (or of the snapshot when the commit
     *     index is the snapshot's)
     * @param lastIndex the log's last index
     * @throws RaftException {@code BAD_REQUEST} when there is no configuration to recover (nothing
     *     was ever committed here) or this node is not a member of it (it was removed);
     *     {@code UNSUPPORTED_ON_LEARNER} when it is only a learner there
     * @throws IllegalArgumentException for inputs that contradict each other (a log shorter than its
     *     commit index, changes outside the committed range, a change that does not apply)
     */
    public static Plan plan(long self, SnapshotMetadata snapshot, List<Entry> confChanges, HardState hardState,
            long commitTerm, long lastIndex) {
        return plan(self, NodeIdFormat.DECIMAL, snapshot, confChanges, hardState, commitTerm, lastIndex);
    }

    /**
     * {@link #plan(long, SnapshotMetadata, List, HardState, long, long)}, its refusals writing node
     * ids with {@code ids}.
     */
    public static Plan plan(long self, NodeIdFormat ids, SnapshotMetadata snapshot, List<Entry> confChanges,
            HardState hardState, long commitTerm, long lastIndex) {
        long commit = Math.max(hardState.getCommit(), snapshot.getIndex());
        if (lastIndex < commit) {
            throw new IllegalArgumentException("the log ends at " + lastIndex + ", before its commit index " + commit);
        }
        ConfState before = configurationAt(snapshot, confChanges, commit);
        refuseUnlessVoter(self, before, commit, ids);

        long term = Math.max(hardState.getTerm(), commitTerm) + 1;
        List<Entry> entries = new ArrayList<>();
        ConfState conf = changesLeavingOnly(self, before, entries, commit, term);
        ConfState alone = ConfState.newBuilder().addVoters(self).build();
        if (!conf.equals(alone)) {
            throw new IllegalStateException("the planned changes lead to " + describe(conf) + ", not to node " + self
                    + " alone; this is a bug");
        }
        SortedSet<Long> removed = members(before);
        removed.remove(self);
        if (entries.isEmpty()) {
            return new Plan(commit, commit + 1, 0, before, entries, hardState, removed, alone);
        }
        HardState hs = HardState.newBuilder()
                .setTerm(term)
                .setCommit(entries.get(entries.size() - 1).getIndex())
                .build();
        return new Plan(commit, commit + 1, lastIndex - commit, before, entries, hs, removed, alone);
    }

    /** The snapshot's configuration with every committed change after it applied, up to {@code commit}. */
    static ConfState configurationAt(SnapshotMetadata snapshot, List<Entry> confChanges, long commit) {
        ConfState conf = snapshot.getConfState();
        long previous = snapshot.getIndex();
        for (Entry e : confChanges) {
            if (e.getType() != EntryType.ENTRY_CONF_CHANGE) {
                continue;
            }
            if (e.getIndex() <= previous || e.getIndex() > commit) {
                throw new IllegalArgumentException("configuration change at index " + e.getIndex() + " is not in log"
                        + " order after index " + previous + " and at or before the commit index " + commit);
            }
            try {
                conf = next(conf, ConfChange.parseFrom(e.getData()), e.getIndex());
            } catch (InvalidProtocolBufferException ex) {
                throw new IllegalArgumentException("unreadable configuration change at index " + e.getIndex(), ex);
            }
            previous = e.getIndex();
        }
        return conf;
    }

    /**
     * Who may become the only voter: a voter of the last configuration, in either half of a joint
     * one. A learner is refused. A learner never promotes itself (DESIGN.md §4 rule 6), and
     * here there would be nobody left to check it: it is never counted when an entry commits, so
     * it may lack any number of writes the cluster acknowledged (catching up is what learners are
     * for), and making it the sole voter would silently roll the cluster back. etcd lets any
     * member force a new cluster; we prefer a clear refusal that sends the operator to a voter.
     */
    private static void refuseUnlessVoter(long self, ConfState conf, long commit, NodeIdFormat ids) {
        if (conf.getVotersCount() == 0 && conf.getVotersOutgoingCount() == 0) {
            throw new RaftException(ErrorCode.BAD_REQUEST, "node " + ids.format(self) + " has no configuration to"
                    + " recover at commit index " + commit + ": it never joined a cluster, so there is nothing to force",
                    Map.of("commitIndex", Long.toString(commit)));
        }
        if (conf.getVotersList().contains(self) || conf.getVotersOutgoingList().contains(self)) {
            return;
        }
        if (conf.getLearnersList().contains(self) || conf.getLearnersNextList().contains(self)) {
            throw new RaftException(ErrorCode.UNSUPPORTED_ON_LEARNER, "node " + ids.format(self) + " is a learner"
                    + " in its last configuration (voters " + ids.formatAll(conf.getVotersList()) + "); a learner may"
                    + " lack writes the cluster acknowledged and never promotes itself, so it can't force a new"
                    + " cluster. Use the surviving voter with the highest commit index instead", Map.of("commitIndex", Long.toString(commit)));
        }
        throw new RaftException(ErrorCode.BAD_REQUEST, "node " + ids.format(self) + " is not a member of its last"
                + " configuration (voters " + ids.formatAll(conf.getVotersList()) + ", learners "
                + ids.formatAll(conf.getLearnersList()) + "): it was removed, so its data is not the cluster's to"
                + " recover", Map.of("commitIndex", Long.toString(commit)));
    }

    /**
     * Appends to {@code entries} the changes from {@code conf} to {@code self} alone, one member at
     * a time as etcd does, so that each is an ordinary simple change: leave a joint configuration
     * first (simple changes are refused in one), make sure {@code self} votes (an outgoing voter may
     * have been on its way out), then remove everyone else. No context: a membership layer drops the
     * records of members that leave the configuration.
     *
     * @return the configuration after the last change
     */
    private static ConfState changesLeavingOnly(long self, ConfState conf, List<Entry> entries, long commit,
            long term) {
        if (conf.getVotersOutgoingCount() > 0) {
            conf = append(entries, conf, ConfChanges.leaveJoint(), commit, term);
        }
        if (!conf.getVotersList().contains(self)) {
            conf = append(entries, conf, ConfChanges.addVoter(self), commit, term);
        }
        for (long id : members(conf)) {
            if (id != self) {
                conf = append(entries, conf, ConfChanges.remove(id), commit, term);
            }
        }
        return conf;
    }

    private static ConfState append(List<Entry> entries, ConfState conf, ConfChange cc, long commit, long term) {
        long index = commit + entries.size() + 1;
        ConfState result = next(conf, cc, index);
        entries.add(Entry.newBuilder().setTerm(term).setIndex(index).setType(EntryType.ENTRY_CONF_CHANGE)
                .setData(cc.toByteString()).build());
        return result;
    }

    private static ConfState next(ConfState conf, ConfChange cc, long index) {
        try {
            return ConfChanger.next(conf, cc);
        } catch (ConfChangeException e) {
            throw new IllegalArgumentException("configuration change at index " + index + " does not apply to "
                    + describe(conf) + ": " + e.getMessage(), e);
        }
    }

    private static String describe(ConfState c) {
        return "voters " + c.getVotersList()
                + (c.getVotersOutgoingCount() > 0 ? " outgoing " + c.getVotersOutgoingList() : "")
                + " learners " + c.getLearnersList()
                + (c.getLearnersNextCount() > 0 ? " learners-next " + c.getLearnersNextList() : "");
    }

    /** Every member of {@code conf}, voter or learner, in either half. */
    static SortedSet<Long> members(ConfState conf) {
        SortedSet<Long> ids = new TreeSet<>();
        ids.addAll(conf.getVotersList());
        ids.addAll(conf.getVotersOutgoingList());
        ids.addAll(conf.getLearnersList());
        ids.addAll(conf.getLearnersNextList());
        return ids;
    }
}
