package org.understudy.examples.kv.node;

import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.understudy.membership.proto.Member;
import org.understudy.membership.proto.MembershipChange;
import org.understudy.membership.registry.MemberRegistry;
import org.understudy.membership.registry.MembershipContext;
import org.understudy.raft.proto.ConfChange;
import org.understudy.raft.proto.ConfChangeSingle;
import org.understudy.raft.proto.ConfChangeType;
import org.understudy.raft.runtime.NodeStatus;
import org.understudy.raft.runtime.RaftNode;

/**
 * Puts this member's client URL into its own record in the member registry, so that followers can
 * tell clients where the leader serves ({@code NOT_LEADER} carries {@code leaderClientUrl}, which
 * the HTTP layer forwards to) and {@code member list} shows it.
 *
 * <p>Why this way: {@code --initial-cluster} names only peer addresses, and founders must all
 * write the same founding registry, so no founder can put its client URL there. The registry's
 * records change only with a configuration change, and only the leader proposes those; so a
 * member publishes its URL when it leads, with a change that re-asserts its own role (adding an
 * existing voter is a no-op for Raft) and carries the updated record. A member that never led has
 * no client URL in the registry; the leader, which is the one clients need, always has one.
 */
final class ClientUrlPublisher {
    private static final Logger log = LoggerFactory.getLogger(ClientUrlPublisher.class);

    private final RaftNode<?> node;
    private final java.util.function.Supplier<MemberRegistry> registry;
    private final String clientUrl;
    private final AtomicBoolean inFlight = new AtomicBoolean();

    ClientUrlPublisher(RaftNode<?> node, java.util.function.Supplier<MemberRegistry> registry, String clientUrl) {
        this.node = node;
        this.registry = registry;
        this.clientUrl = clientUrl;
    }

    /** Called periodically; proposes the record update when this member leads and its record is stale. */
    void run() {
        NodeStatus status = node.status();
        if (!status.isLeader() || inFlight.get()) {
            return;
        }
        MemberRegistry reg = registry.get();
        Member self = reg.member(node.id()).orElse(null);
        if (self == null || reg.isJoint() || self.getClientUrlsList().equals(List.of(clientUrl))) {
            return;
        }
        Member updated = self.toBuilder().clearClientUrls().addClientUrls(clientUrl).build();
        ConfChange change = MembershipContext.attach(ConfChange.newBuilder()
                .addChanges(ConfChangeSingle.newBuilder().setType(ConfChangeType.CONF_CHANGE_ADD_VOTER)
                        .setNodeId(node.id()))
                .build(), MembershipChange.newBuilder().addUpsert(updated)
                .setReason("member " + self.getName() + " publishes its client URL " + clientUrl).build());
        inFlight.set(true);
        node.changeMembership(change).orTimeout(10, java.util.concurrent.TimeUnit.SECONDS).whenComplete((conf, err) -> {
            inFlight.set(false);
            if (err != null) {
                log.debug("publishing the client URL {} failed (retried later): {}", clientUrl, err.toString());
            } else {
                log.info("member {} published its client URL {}", self.getName(), clientUrl);
            }
        });
    }
}
