package org.understudy.raft.runtime;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.understudy.raft.ErrorCode;
import org.understudy.raft.NodeIdFormat;
import org.understudy.raft.RaftException;
import org.understudy.raft.core.ForceNewCluster;
import org.understudy.raft.proto.Entry;
import org.understudy.raft.proto.EntryType;
import org.understudy.raft.proto.HardState;
import org.understudy.raft.proto.SnapshotMetadata;
import org.understudy.raft.spi.LogStorage;
import org.understudy.raft.spi.SnapshotStore;

/**
 * The storage side of {@link RaftNodeOptions#forceNewCluster()}: reads what the node has committed,
 * asks {@link ForceNewCluster} what to write, and writes it (cut, append, hard state, one sync)
 * before the core is built, so that the core and the apply thread find ordinary committed
 * configuration changes that leave this node alone.
 *
 * <p>Crash-safe by being repeatable: until the sync returns nothing counts, and a start that
 * crashed half-way plans again from the same commit index (entries after it are cut again). Once it
 * returned, a start with the flag finds the node alone and changes nothing, as long as no member
 * was added meanwhile; so the flag should be dropped once the node runs.
 */
final class ForceNewClusterStartup {
    private static final Logger LOG = LoggerFactory.getLogger(ForceNewClusterStartup.class);
    /** How many bytes of entries to read at a time while looking for configuration changes. */
    private static final long PAGE_BYTES = 4L << 20;

    private ForceNewClusterStartup() {}

    /**
     * Rewrites the log so that {@code id} is the only voter of its cluster. Its refusals and log
     * lines write node ids with {@code ids}.
     *
     * @throws RaftException {@code BAD_REQUEST} when the storage holds nothing to recover or this
     *     node was removed; {@code UNSUPPORTED_ON_LEARNER} when it is a learner (see
     *     {@link ForceNewCluster#plan})
     */
    static void rewrite(long id, NodeIdFormat ids, LogStorage log, SnapshotStore snapshots) {
        Optional<SnapshotMetadata> latest = snapshots.latest();
        if (latest.isEmpty() || NodeStartup.isPristine(log)) {
            throw new RaftException(ErrorCode.BAD_REQUEST, "node " + ids.format(id) + ": --force-new-cluster recovers"
                    + " a member from its existing data, but its storage is empty: there is nothing to recover. Start it"
                    + " without the flag, or point it at the data of a surviving member",
                    Map.of("reason", "EMPTY_STORAGE"));
        }
        SnapshotMetadata snapshot = latest.get();
        HardState hs = log.hardState();
        long commit = Math.max(hs.getCommit(), snapshot.getIndex());
        long commitTerm = commit == snapshot.getIndex() ? snapshot.getTerm() : log.term(commit);
        ForceNewCluster.Plan plan = ForceNewCluster.plan(id, ids, snapshot,
                confChanges(log, snapshot.getIndex() + 1, commit), hs, commitTerm, log.lastIndex());
        if (plan.nothingToDo()) {
            LOG.warn("node {}: --force-new-cluster: already the only member of its cluster (voters {}); nothing to"
                    + " change. Restart without the flag: with it, members added later would be removed again",
                    ids.format(id), ids.formatAll(plan.before().getVotersList()));
            return;
        }
        LOG.warn("node {}: --force-new-cluster: FORCING A NEW CLUSTER from commit index {}. Configuration there:"
                + " voters {}, outgoing voters {}, learners {}, learners-next {}", ids.format(id), plan.commitIndex(),
                ids.formatAll(plan.before().getVotersList()), ids.formatAll(plan.before().getVotersOutgoingList()),
                ids.formatAll(plan.before().getLearnersList()), ids.formatAll(plan.before().getLearnersNextList()));
        if (plan.discarded() > 0) {
            LOG.warn("node {}: --force-new-cluster: DISCARDING {} uncommitted entries at indexes {}..{} (never known"
                    + " to be committed here)", ids.format(id), plan.discarded(), plan.discardFrom(), log.lastIndex());
        }
        LOG.warn("node {}: --force-new-cluster: REMOVING members {} by {} configuration changes at indexes {}..{} in"
                + " term {}, committed by decree; this node will be the only voter. Never restart the removed members"
                + " with their old data; add fresh members with `member add`", ids.format(id),
                ids.formatAll(plan.removed()), plan.entries().size(), plan.entries().get(0).getIndex(), plan.hardState().getCommit(),
                plan.hardState().getTerm());
        log.truncateSuffix(plan.discardFrom());
        log.append(plan.entries());
        log.setHardState(plan.hardState());
        log.sync();
    }

    /** The configuration-change entries in {@code [from, commit]}, read a page at a time. */
    private static List<Entry> confChanges(LogStorage log, long from, long commit) {
        List<Entry> changes = new ArrayList<>();
        long lo = from;
        while (lo <= commit) {
            List<Entry> page = log.entries(lo, commit + 1, PAGE_BYTES);
            for (Entry e : page) {
                if (e.getType() == EntryType.ENTRY_CONF_CHANGE) {
                    changes.add(e);
                }
            }
            lo += page.size();
        }
        return changes;
    }
}
