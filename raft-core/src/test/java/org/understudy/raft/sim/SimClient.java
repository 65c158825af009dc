package org.understudy.raft.sim;

import com.google.protobuf.ByteString;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.understudy.raft.ErrorCode;
import org.understudy.raft.RaftException;
import org.understudy.raft.core.EntryId;
import org.understudy.raft.core.RaftCore;
import org.understudy.raft.core.Role;
import org.understudy.raft.proto.ConfState;

/**
 * The clients of a {@link Simulation}: they propose (mostly to the leader, sometimes to anyone, which
 * must refuse), change the membership through {@link RandomConfChanges}, ask for read indexes,
 * transfer leadership and force campaigns. A {@link RaftException} from the core is an expected
 * answer and is only counted; accepting what must be refused (a proposal on a learner or a
 * follower, a leadership transfer to a learner) is a violation.
 */
final class SimClient {

    private final Simulation sim;
    private final SplittableRandom random;
    private final SimOptions options;
    private final SafetyChecker checker;
    private final RandomConfChanges confChanges;
    private final long seed;
    private long proposals;
    private long requestIds;
    private long raftErrors;

    SimClient(Simulation sim, SplittableRandom random, SimOptions options, SafetyChecker checker,
            RandomConfChanges confChanges, long seed) {
        this.sim = sim;
        this.random = random;
        this.options = options;
        this.checker = checker;
        this.confChanges = confChanges;
        this.seed = seed;
    }

    /** How many requests the cores refused with a RaftException. */
    long raftErrors() {
        return raftErrors;
    }

    /**
     * One step's worth of client activity. While settling only reads and leaving a joint
     * configuration: with no flow control configured, a leader that accepts writes faster than a
     * slow network replicates them builds a backlog that no bounded settle phase could drain.
     */
    void act(boolean settling) {
        if (!settling && random.nextDouble() < options.proposeRate()) {
            propose();
        }
        if (settling) {
            if (random.nextInt(20) == 0) {
                leaveExplicitJoint();
            }
        } else if (random.nextDouble() < options.confChangeRate()) {
            changeMembership();
        }
        if (random.nextDouble() < options.readRate()) {
            read();
        }
        if (!settling && random.nextInt(400) == 0) {
            transferLeadership();
        }
        if (!settling && random.nextInt(600) == 0) {
            SimNode n = sim.randomUpNode();
            if (n != null) {
                sim.trace("campaign " + n.id());
                n.campaign();
            }
        }
    }

    private void propose() {
        SimNode target = random.nextInt(8) != 0 ? sim.leader() : sim.randomUpNode();
        if (target == null) {
            return;
        }
        RaftCore core = target.core();
        boolean learner = core.isLearner();
        Role role = core.role();
        int pad = options.maxPayload() <= 16 ? 0 : random.nextInt(options.maxPayload());
        ByteString data = ByteString.copyFromUtf8("p" + (++proposals) + "/" + seed + "x".repeat(pad));
        try {
            EntryId id = core.propose(data);
            sim.trace("propose on " + target.id() + " -> " + id);
            if (learner || role != Role.LEADER) {
                throw sim.violation("node " + target.id() + " (" + role + (learner ? ", learner" : "")
                        + ") accepted a proposal: only a leader may");
            }
        } catch (RaftException e) {
            raftErrors++;
            // (a demoted leader still handing over may answer UNAVAILABLE)
            if (learner && role != Role.LEADER && e.code() != ErrorCode.UNSUPPORTED_ON_LEARNER
                    && e.code() != ErrorCode.NOT_LEADER) {
                throw sim.violation("learner " + target.id() + " refused a proposal with " + e.code()
                        + " instead of UNSUPPORTED_ON_LEARNER or NOT_LEADER");
            }
        }
    }

    private void changeMembership() {
        SimNode leader = sim.leader();
        if (leader == null) {
            return;
        }
        RandomConfChanges.Proposal p = confChanges.next(leader.core().confState());
        if (p == null) {
            return;
        }
        try {
            EntryId id = leader.core().proposeConfChange(p.change());
            sim.trace("conf change on " + leader.id() + " " + SimFormat.describe(p.change()) + " -> " + id);
            for (long newId : p.newIds()) {
                sim.startJoiner(newId);
            }
        } catch (RaftException e) {
            raftErrors++;
            sim.trace("conf change " + SimFormat.describe(p.change()) + " refused: " + e.code());
        }
    }

    private void leaveExplicitJoint() {
        SimNode leader = sim.leader();
        if (leader == null) {
            return;
        }
        ConfState cs = leader.core().confState();
        if (cs.getVotersOutgoingCount() > 0 && !cs.getAutoLeave()) {
            try {
                leader.core().proposeConfChange(RandomConfChanges.leaveJoint());
            } catch (RaftException e) {
                raftErrors++;
            }
        }
    }

    private void read() {
        SimNode n = sim.randomUpNode();
        if (n == null) {
            return;
        }
        long id = ++requestIds;
        long bound = sim.maxCommitIndexNow();
        checker.readRequested(id, bound);
        sim.trace("read " + id + " on " + n.id() + " (committed somewhere: " + bound + ")");
        try {
            n.core().readIndex(id);
        } catch (RaftException e) {
            raftErrors++;
        }
    }

    private void transferLeadership() {
        SimNode leader = sim.leader();
        if (leader == null) {
            return;
        }
        ConfState cs = leader.core().confState();
        List<Long> members = new ArrayList<>(cs.getVotersList());
        members.addAll(cs.getLearnersList());
        long target = members.get(random.nextInt(members.size()));
        boolean toLearner = cs.getLearnersList().contains(target);
        try {
            leader.core().transferLeadership(target);
            sim.trace("transfer " + leader.id() + " -> " + target);
            if (toLearner) {
                throw sim.violation("leader " + leader.id() + " accepted a leadership transfer to learner " + target);
            }
        } catch (RaftException e) {
            // refused, as it must be for a learner (the scenario tests pin the exact code)
            raftErrors++;
        }
    }
}
