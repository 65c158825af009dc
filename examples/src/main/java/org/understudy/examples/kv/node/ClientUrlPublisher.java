package org.understudy.examples.kv.node;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.understudy.examples.kv.api.Failures;
import org.understudy.membership.proto.Member;
import org.understudy.membership.registry.MemberRegistry;
import org.understudy.raft.runtime.NodeStatus;
import org.understudy.raft.runtime.RaftNode;

/**
 * Gets this member's client URL into its own registry record, whatever its role, so that
 * {@code GET /v1/members} gives clients (the client balancer) every voter's address, followers can
 * name the leader's address in {@code NOT_LEADER} ({@code leaderClientUrl}, which the HTTP layer
 * forwards to), and {@code member list} shows it.
 *
 * <p>Why this way: {@code --initial-cluster} names only peer addresses, and founders must all write
 * the same founding registry, so no founder can put its client URL there; {@code member add} names
 * only peer URLs too. Records change only through configuration changes, which only the leader
 * proposes. So the leader publishes its own URL directly ({@link ClientUrlRecords}), and any other
 * member (follower or learner) asks the leader to do it ({@link ClientUrlRelay}), as soon as the
 * leader's own URL is known. Run periodically: it does nothing while the record is right, so it
 * also republishes after a URL change (a restart on another port) or a lost request; after a
 * failure (e.g. {@code CONF_CHANGE_IN_PROGRESS}) it waits {@link #RETRY_AFTER_MILLIS} first.
 */
final class ClientUrlPublisher {
    private static final Logger log = LoggerFactory.getLogger(ClientUrlPublisher.class);
    static final long RETRY_AFTER_MILLIS = 1_000;

    private final RaftNode<?> node;
    private final Supplier<MemberRegistry> registry;
    private final String clientUrl;
    private final ClientUrlRecords records;
    private final ClientUrlRelay relay;
    private boolean inFlight;
    private long retryAtNanos = System.nanoTime();

    /** @param clientUrl this member's client URL in the registry's form ({@code http://host:port}) */
    ClientUrlPublisher(RaftNode<?> node, Supplier<MemberRegistry> registry, String clientUrl, ClientUrlRecords records,
            ClientUrlRelay relay) {
        this.node = node;
        this.registry = registry;
        this.clientUrl = clientUrl;
        this.records = records;
        this.relay = relay;
    }

    /** Called periodically from one thread; starts at most one publication at a time. */
    void run() {
        synchronized (this) {
            if (inFlight || System.nanoTime() - retryAtNanos < 0) {
                return;
            }
        }
        NodeStatus status = node.status();
        MemberRegistry reg = registry.get();
        Member self = reg.member(node.id()).orElse(null);
        if (self == null || self.getClientUrlsList().equals(List.of(clientUrl))) {
            return; // not in the registry yet (a joiner before its snapshot), or already published
        }
        CompletableFuture<?> asked;
        String via;
        if (status.isLeader()) {
            asked = records.publish(node.id(), clientUrl);
            via = "directly";
        } else {
            long leader = status.leaderId();
            String leaderUrl = leader == 0 ? null : reg.member(leader)
                    .filter(m -> m.getClientUrlsCount() > 0).map(m -> m.getClientUrls(0)).orElse(null);
            if (leaderUrl == null) {
                return; // no leader, or its own URL is not published yet: it will be within moments
            }
            asked = relay.publish(leaderUrl, node.id(), clientUrl);
            via = "through the leader at " + leaderUrl;
        }
        synchronized (this) {
            inFlight = true;
        }
        asked.whenComplete((r, err) -> {
            synchronized (this) {
                inFlight = false;
                if (err != null) {
                    retryAtNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(RETRY_AFTER_MILLIS);
                }
            }
            if (err != null) {
                log.debug("member '{}': publishing the client URL {} {} failed (retried in {} ms): {}", self.getName(),
                        clientUrl, via, RETRY_AFTER_MILLIS, Failures.unwrap(err).toString());
            } else {
                log.debug("member '{}': client URL {} published {}", self.getName(), clientUrl, via);
            }
        });
    }
}
