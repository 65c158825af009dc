package org.understudy.membership.runtime;

import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.understudy.membership.proto.Member;
import org.understudy.membership.registry.MemberRegistry;
import org.understudy.membership.registry.MembershipStateMachine;
import org.understudy.membership.spi.GroupStatus;
import org.understudy.membership.spi.RaftGroup;
import org.understudy.raft.proto.ConfChange;
import org.understudy.raft.proto.ConfState;
import org.understudy.raft.runtime.NodeHealth;
import org.understudy.raft.runtime.NodeStatus;
import org.understudy.raft.runtime.RaftNode;
import org.understudy.raft.runtime.RaftNodeOptions;
import org.understudy.raft.spi.LogStorage;
import org.understudy.raft.spi.SnapshotStore;
import org.understudy.raft.spi.StateMachine;
import org.understudy.raft.spi.Transport;

/**
 * A {@link RaftGroup} over a running {@link RaftNode} whose state machine is a
 * {@link MembershipStateMachine}. Every call goes straight to the node: its futures, errors and
 * threads are the node's (futures complete on the node's apply or callback threads).
 *
 * @param <R> the user's command result
 */
public final class RaftNodeGroup<R> implements RaftGroup {
    private final RaftNode<R> node;
    private final MembershipStateMachine<R> stateMachine;

    /**
     * @param node a node created with {@code stateMachine} as its state machine
     * @param stateMachine the node's state machine, from which the registry is read
     */
    public RaftNodeGroup(RaftNode<R> node, MembershipStateMachine<R> stateMachine) {
        this.node = Objects.requireNonNull(node, "node");
        this.stateMachine = Objects.requireNonNull(stateMachine, "stateMachine");
    }

    /**
     * Creates (does not start) a node running {@code user} inside a {@link MembershipStateMachine}
     * set up for {@code options.startMode()} (see {@link MembershipStateMachine#forStart}).
     *
     * @param founderRecords the founders' records for {@code StartMode.Found} (the same on every
     *     founder; founders without one get a bare record), empty for a joiner
     */
    public static <R> RaftNodeGroup<R> create(RaftNodeOptions options, LogStorage log, SnapshotStore snapshots,
            Transport transport, StateMachine<R> user, List<Member> founderRecords) {
        MembershipStateMachine<R> sm = MembershipStateMachine.forStart(user, options.startMode(), founderRecords);
        return new RaftNodeGroup<>(RaftNode.create(options, log, snapshots, transport, sm), sm);
    }

    /** The node (to start, propose commands to, close). */
    public RaftNode<R> node() {
        return node;
    }

    public MembershipStateMachine<R> stateMachine() {
        return stateMachine;
    }

    @Override
    public long id() {
        return node.id();
    }

    @Override
    public GroupStatus status() {
        NodeStatus s = node.status();
        return new GroupStatus(s.core(), s.appliedIndex(), s.health() == NodeHealth.RUNNING);
    }

    @Override
    public CompletableFuture<ConfState> changeMembership(ConfChange change) {
        return node.changeMembership(change);
    }

    @Override
    public CompletableFuture<Void> transferLeadership(long transferee) {
        return node.transferLeadership(transferee);
    }

    @Override
    public CompletableFuture<Long> readIndex() {
        return node.readIndex();
    }

    @Override
    public long electionTimeoutMillis() {
        return node.options().electionTimeoutMillis();
    }

    @Override
    public long snapshotCount() {
        return node.options().snapshotCount();
    }

    @Override
    public MemberRegistry registry() {
        return stateMachine.registry();
    }

    @Override
    public void addRegistryListener(Consumer<MemberRegistry> listener) {
        stateMachine.addListener(listener);
    }

    @Override
    public String toString() {
        return "RaftNodeGroup{" + node + "}";
    }
}
