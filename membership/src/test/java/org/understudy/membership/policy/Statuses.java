package org.understudy.membership.policy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.understudy.membership.proto.Member;
import org.understudy.raft.core.CoreStatus;
import org.understudy.raft.core.PeerProgress;
import org.understudy.raft.core.Role;
import org.understudy.raft.core.tracker.ProgressState;
import org.understudy.raft.proto.ConfState;

/**
 * Hand-built {@link CoreStatus} values for the policy tests. By default every member of the
 * configuration is caught up ({@code match == lastIndex}), replicating, and recently active.
 */
final class Statuses {

    private final long self;
    private Role role = Role.LEADER;
    private long term = 5;
    private long lastIndex = 10_000;
    private long leadTransferee;
    private final List<Long> voters = new ArrayList<>();
    private final List<Long> outgoing = new ArrayList<>();
    private final List<Long> learners = new ArrayList<>();
    private final Map<Long, Long> match = new HashMap<>();
    private final Set<Long> inactive = new HashSet<>();
    private final Map<Long, Long> pendingSnapshot = new HashMap<>();
    private final Map<Long, ProgressState> state = new HashMap<>();

    private Statuses(long self) {
        this.self = self;
    }

    /** A leader status of node {@code self}. */
    static Statuses leader(long self) {
        return new Statuses(self);
    }

    Statuses role(Role r) {
        this.role = r;
        return this;
    }

    Statuses term(long t) {
        this.term = t;
        return this;
    }

    Statuses lastIndex(long i) {
        this.lastIndex = i;
        return this;
    }

    Statuses voters(long... ids) {
        voters.clear();
        Arrays.stream(ids).forEach(voters::add);
        return this;
    }

    Statuses outgoing(long... ids) {
        outgoing.clear();
        Arrays.stream(ids).forEach(outgoing::add);
        return this;
    }

    Statuses learners(long... ids) {
        learners.clear();
        Arrays.stream(ids).forEach(learners::add);
        return this;
    }

    Statuses match(long id, long m) {
        match.put(id, m);
        return this;
    }

    /** Sets the match index so that the lag is exactly {@code lag}. */
    Statuses lag(long id, long lag) {
        match.put(id, lastIndex - lag);
        return this;
    }

    Statuses inactive(long... ids) {
        Arrays.stream(ids).forEach(inactive::add);
        return this;
    }

    Statuses active(long... ids) {
        Arrays.stream(ids).forEach(inactive::remove);
        return this;
    }

    Statuses snapshotting(long id, long index) {
        pendingSnapshot.put(id, index);
        state.put(id, ProgressState.SNAPSHOT);
        return this;
    }

    Statuses state(long id, ProgressState s) {
        state.put(id, s);
        return this;
    }

    Statuses transferringTo(long id) {
        leadTransferee = id;
        return this;
    }

    CoreStatus build() {
        ConfState cs = ConfState.newBuilder().addAllVoters(voters).addAllVotersOutgoing(outgoing)
                .addAllLearners(learners).build();
        Map<Long, PeerProgress> progress = new TreeMap<>();
        if (role == Role.LEADER) {
            Set<Long> all = new HashSet<>(voters);
            all.addAll(outgoing);
            all.addAll(learners);
            for (long id : all) {
                long m = id == self ? lastIndex : match.getOrDefault(id, lastIndex);
                boolean learner = learners.contains(id);
                progress.put(id, new PeerProgress(id, learner, m, m + 1, state.getOrDefault(id, ProgressState.REPLICATE),
                        id == self || !inactive.contains(id), pendingSnapshot.getOrDefault(id, 0L),
                        Math.max(0, lastIndex - m)));
            }
        }
        return new CoreStatus(self, term, self, role == Role.LEADER ? self : 0, role, learners.contains(self),
                lastIndex, lastIndex, lastIndex, cs, progress, leadTransferee);
    }

    /** A member record. */
    static Member member(long id, boolean standby, boolean autoPromote) {
        return Member.newBuilder().setId(id).setName("node-" + id).addPeerUrls("tcp://10.0.0." + id + ":7001")
                .setStandby(standby).setAutoPromote(autoPromote).build();
    }

    static Map<Long, Member> members(Member... ms) {
        Map<Long, Member> out = new TreeMap<>();
        for (Member m : ms) {
            out.put(m.getId(), m);
        }
        return out;
    }
}
