package org.understudy.examples.kv.node;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.understudy.examples.kv.api.KvErrorCode;
import org.understudy.examples.kv.api.KvException;
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
 * The leader's side of client URL publication: writes a member's client URL into its registry
 * record, for itself and for any member that asks ({@link ClientUrlPublisher}).
 *
 * <p>Records change only with a configuration change (the log is the registry), so the update is
 * a configuration change that changes no role: a single change naming node 0, which Raft ignores
 * ({@code ConfChanger}: "0 means no node"), carrying the updated record in its context. Naming the
 * member itself with its current role (add-voter for a voter) would also work, but a role read a
 * moment before the proposal can be stale, and re-asserting a stale role would demote or promote
 * the member; node 0 cannot.
 *
 * <p>Idempotent: a record that already carries exactly the URL is left alone (no entry written),
 * so a member asking again, or two members' publishers racing, cost nothing. One update at a time,
 * never during a joint configuration or while an operator change runs here ({@link ConfChangeGate});
 * refused then with {@code CONF_CHANGE_IN_PROGRESS}, and the member asks again later.
 */
final class ClientUrlRecords {
    private static final Logger log = LoggerFactory.getLogger(ClientUrlRecords.class);

    private final RaftNode<?> node;
    private final Supplier<MemberRegistry> registry;
    private final ConfChangeGate gate;
    private final KvErrors errors;
    private final long timeoutMillis;

    ClientUrlRecords(RaftNode<?> node, Supplier<MemberRegistry> registry, ConfChangeGate gate, KvErrors errors,
            long timeoutMillis) {
        this.node = node;
        this.registry = registry;
        this.gate = gate;
        this.errors = errors;
        this.timeoutMillis = timeoutMillis;
    }

    /**
     * Makes member {@code memberId}'s record carry exactly {@code clientUrl} ({@code host:port}).
     * Completes with the configuration index at which the record carries it; fails with a
     * {@link KvException}: {@code NOT_LEADER}, {@code MEMBER_NOT_FOUND}, {@code BAD_REQUEST} (not a
     * {@code host:port}, or port 0), {@code CONF_CHANGE_IN_PROGRESS} (retry later), {@code UNAVAILABLE}.
     */
    CompletableFuture<Long> publish(long memberId, String clientUrl) {
        try {
            return propose(memberId, clientUrl);
        } catch (KvException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private CompletableFuture<Long> propose(long memberId, String clientUrl) {
        String url = canonical(clientUrl);
        if (url.endsWith(":0")) {
            throw new KvException(KvErrorCode.BAD_REQUEST, "client URL " + url + " has port 0, which no client can reach");
        }
        NodeStatus status = node.status();
        if (!status.isLeader()) {
            throw errors.notLeader(node.id(), status.leaderId());
        }
        MemberRegistry reg = registry.get();
        Member record = reg.member(memberId).orElseThrow(() -> new KvException(KvErrorCode.MEMBER_NOT_FOUND,
                "no member " + ClusterIds.hex(memberId) + " in the configuration at index " + reg.confIndex()));
        if (record.getClientUrlsList().equals(List.of(url))) {
            return CompletableFuture.completedFuture(reg.confIndex());
        }
        if (reg.isJoint()) {
            throw inProgress("the cluster is in a joint configuration");
        }
        Member updated = record.toBuilder().clearClientUrls().addClientUrls(url).build();
        ConfChange change = MembershipContext.attach(ConfChange.newBuilder()
                .addChanges(ConfChangeSingle.newBuilder().setType(ConfChangeType.CONF_CHANGE_ADD_LEARNER).setNodeId(0))
                .build(), MembershipChange.newBuilder().addUpsert(updated)
                .setReason("member " + record.getName() + " publishes its client URL " + url).build());
        CompletableFuture<Long> applied = gate.tryRecordUpdate(() -> node.changeMembership(change)
                        .orTimeout(timeoutMillis, TimeUnit.MILLISECONDS))
                .orElseThrow(() -> inProgress("another membership change is running on the leader"))
                .thenApply(conf -> registry.get().confIndex());
        CompletableFuture<Long> out = new CompletableFuture<>();
        applied.whenComplete((index, err) -> {
            if (err != null) {
                out.completeExceptionally(errors.translate(err, "publishing the client URL of " + record.getName()));
            } else {
                log.info("member '{}' ({}) now has the client URL {} in its record", record.getName(),
                        ClusterIds.hex(memberId), url);
                out.complete(index);
            }
        });
        return out;
    }

    private static KvException inProgress(String why) {
        return new KvException(KvErrorCode.CONF_CHANGE_IN_PROGRESS, why + "; the client URL is published later",
                Map.of());
    }

    /** The registry's form of a client URL ({@code http://host:port}), so equal URLs compare equal. */
    static String canonical(String clientUrl) {
        try {
            return HostPort.parse(clientUrl, "client URL").clientUrl();
        } catch (ConfigException e) {
            throw new KvException(KvErrorCode.BAD_REQUEST, e.getMessage(), Map.of());
        }
    }
}
