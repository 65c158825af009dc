package org.understudy.membership.service;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.understudy.membership.policy.AutoPromotion;
import org.understudy.membership.policy.CatchUpEstimator;
import org.understudy.membership.policy.ContactTracker;
import org.understudy.membership.policy.FailoverDecision;
import org.understudy.membership.policy.MemberNames;
import org.understudy.membership.policy.MemberStatusView;
import org.understudy.membership.policy.MemberStatusViews;
import org.understudy.membership.policy.MembershipOptions;
import org.understudy.membership.policy.PeerUrls;
import org.understudy.membership.policy.PromotionCheck;
import org.understudy.membership.policy.PromotionVerdict;
import org.understudy.membership.policy.StaleLearners;
import org.understudy.membership.policy.StandbyFailover;
import org.understudy.membership.proto.Member;
import org.understudy.membership.proto.MembershipChange;
import org.understudy.membership.registry.MemberRegistry;
import org.understudy.membership.registry.MemberRole;
import org.understudy.membership.registry.MembershipContext;
import org.understudy.membership.spi.GroupStatus;
import org.understudy.membership.spi.LeaderForwarder;
import org.understudy.membership.spi.MembershipRequest;
import org.understudy.membership.spi.RaftGroup;
import org.understudy.raft.ErrorCode;
import org.understudy.raft.NodeIdFormat;
import org.understudy.raft.RaftException;
import org.understudy.raft.core.CoreStatus;
import org.understudy.raft.core.PeerProgress;
import org.understudy.raft.proto.ConfChange;
import org.understudy.raft.proto.ConfChangeSingle;
import org.understudy.raft.proto.ConfChangeTransition;
import org.understudy.raft.proto.ConfChangeType;

/**
 * The operator API of the learner lifecycle (DESIGN.md §4) for one node: add, promote, remove and
 * replace members, the member status, and the leader-side policies (auto-promotion, standby
 * failover, stale learners) run by {@link #tick()}.
 *
 * <h2>Where decisions are made</h2>
 * Every change is decided on the leader (§4 rule 5): on any other node the request goes to the
 * leader through the {@link LeaderForwarder} (whose far end calls {@link #handle}). The records
 * travel in the configuration-change entry itself ({@link MembershipContext}), so the replicated
 * log is the registry's one source of truth.
 *
 * <h2>One change at a time</h2>
 * Raft allows one pending configuration change; this service also refuses a second one of its own
 * while the first is in flight ({@code CONF_CHANGE_IN_PROGRESS}), and a caller can name the
 * configuration index it expects ({@code expectedConfIndex}, compare-and-set): a request decided
 * against a configuration that moved is refused ({@code BAD_REQUEST}, detail
 * {@code reason=CONF_INDEX_MISMATCH}) instead of being applied to a cluster the operator did not see.
 *
 * <h2>Threading</h2>
 * Thread-safe. Decisions run under this object's monitor, which is never held while waiting: a
 * change is proposed (an enqueue) and its future completes later on the node's threads. Call
 * {@link #tick()} every {@link MembershipOptions#tickMillis()} from one scheduler thread (the
 * deterministic tests call it from the simulation). Time comes from the injected clock (only
 * durations matter; a step back is held until the clock passes its latest reading again).
 */
public final class MembershipService {

    private static final Logger LOG = LoggerFactory.getLogger(MembershipService.class);

    /** Detail key of a compare-and-set refusal. */
    public static final String DETAIL_REASON = "reason";
    public static final String CONF_INDEX_MISMATCH = "CONF_INDEX_MISMATCH";

    private final RaftGroup group;
    private final MembershipOptions options;
    private final LeaderForwarder forwarder;
    private final LongSupplier clock;
    /** The latest time handed out by {@link #now()}: time never goes backwards for the trackers. */
    private final AtomicLong lastNow = new AtomicLong(Long.MIN_VALUE);
    private final LongSupplier ids;
    private final MembershipMetrics metrics;
    private final List<MembershipListener> listeners = new CopyOnWriteArrayList<>();
    private final List<RegistryWait> registryWaits = new CopyOnWriteArrayList<>();
    private final long electionTimeoutMillis;
    /** How the sentences for people write member ids ({@link MembershipOptions#idFormat()}). */
    private final NodeIdFormat idFormat;

    // Leader-side state: reset whenever this node stops leading, since another leader's view
    // (or a stale one of our own) must not carry over.
    private PromotionCheck check;
    private ContactTracker contacts;
    private CatchUpEstimator estimator;
    private AutoPromotion autoPromotion;
    private StandbyFailover failover;
    private StaleLearners staleLearners;
    private final Map<Long, Long> reportedStale = new HashMap<>();
    private boolean leading;
    private CompletableFuture<?> pending;

    MembershipService(RaftGroup group, MembershipOptions options, LeaderForwarder forwarder, LongSupplier clock,
            LongSupplier ids, MembershipMetrics metrics) {
        this.group = Objects.requireNonNull(group, "group");
        this.electionTimeoutMillis = group.electionTimeoutMillis();
        this.options = Objects.requireNonNull(options, "options").validateFor(electionTimeoutMillis);
        this.idFormat = options.idFormat();
        this.forwarder = Objects.requireNonNull(forwarder, "forwarder");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.ids = Objects.requireNonNull(ids, "ids");
        this.metrics = Objects.requireNonNull(metrics, "metrics");
        resetLeaderState();
        group.addRegistryListener(this::registryChanged);
    }

    /** A builder for a service on {@code group}; see {@link MembershipServiceBuilder} for the defaults. */
    public static MembershipServiceBuilder builder(RaftGroup group) {
        return new MembershipServiceBuilder(group);
    }

    public MembershipOptions options() {
        return options;
    }

    public void addListener(MembershipListener listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
    }

    /** This node's registry (as of its last applied change); learners included, each with its role. */
    public MemberRegistry registry() {
        return group.registry();
    }

    // ------------------------------------------------------------------ operator API

    /**
     * Adds a member: a learner by default (§4 rule 3). Refused with {@code INVALID_PEER_URL} for a
     * malformed or already used URL, {@code BAD_REQUEST} for a bad or taken name or a flag that only
     * learners may have, {@code TOO_MANY_LEARNERS} over {@link MembershipOptions#maxLearners()}.
     */
    public CompletableFuture<AddResult> add(AddRequest request) {
        return serve(request, true);
    }

    /** Promotes a learner once the leader finds it ready (§4 rule 5); refused with the reason and the numbers. */
    public CompletableFuture<MemberRegistry> promote(PromoteRequest request) {
        return serve(request, true);
    }

    public CompletableFuture<MemberRegistry> promote(long memberId) {
        return promote(PromoteRequest.of(memberId));
    }

    /**
     * Removes a member. A learner always goes without touching the quorum (§4 rule 10); a voter
     * only while the voters left still have an active majority; the leader first hands leadership
     * to the most caught-up active voter, which then removes it.
     */
    public CompletableFuture<MemberRegistry> remove(RemoveRequest request) {
        return serve(request, true);
    }

    public CompletableFuture<MemberRegistry> remove(long memberId) {
        return remove(RemoveRequest.of(memberId));
    }

    /**
     * Promotes a learner and removes a voter in one joint change; completes once the joint
     * configuration has been left, i.e. the learner votes and the voter is gone. The learner must
     * pass the promotion check, and both the old and the new voter sets must keep an active majority.
     */
    public CompletableFuture<MemberRegistry> replace(ReplaceRequest request) {
        return serve(request, true);
    }

    public CompletableFuture<MemberRegistry> replace(long voterId, long learnerId) {
        return replace(ReplaceRequest.of(voterId, learnerId));
    }

    /**
     * Serves a request that another node forwarded (the far end of a {@link LeaderForwarder}). A
     * node that is not the leader (any more) answers {@code NOT_LEADER} with its leader hint instead
     * of forwarding again: a request travels one hop at most, so two nodes with stale views of the
     * leader cannot bounce it between them, and the caller retries with the fresher hint.
     */
    public <T> CompletableFuture<T> handle(MembershipRequest<T> request) {
        return serve(request, false);
    }

    @SuppressWarnings("unchecked")
    private <T> CompletableFuture<T> serve(MembershipRequest<T> request, boolean mayForward) {
        DecisionBody<?> body;
        if (request instanceof AddRequest r) {
            body = (DecisionBody<AddResult>) () -> decideAdd(r);
        } else if (request instanceof PromoteRequest r) {
            body = (DecisionBody<MemberRegistry>) () -> decidePromote(r, false);
        } else if (request instanceof RemoveRequest r) {
            body = (DecisionBody<MemberRegistry>) () -> decideRemove(r, "operator remove");
        } else if (request instanceof ReplaceRequest r) {
            body = (DecisionBody<MemberRegistry>) () -> decideReplace(r, false, "operator replace");
        } else {
            return CompletableFuture.failedFuture(new RaftException(ErrorCode.BAD_REQUEST,
                    "unknown membership request " + request.describe(idFormat)));
        }
        return leaderOnly(request, (DecisionBody<T>) body, mayForward);
    }

    /**
     * Every member of the configuration with its role, lag, catch-up rate and estimated time to
     * ready, last contact, and whether a promotion would be accepted now and why (§4 rule 8).
     * Replication columns are filled on the leader only.
     */
    public synchronized List<MemberStatusView> status() {
        GroupStatus status = group.status();
        long now = now();
        observe(status, now);
        return MemberStatusViews.build(status.core(), recordsById(group.registry()), estimator,
                contacts.liveness(now), check, java.util.Set.copyOf(reportedStale.keySet()));
    }

    // ------------------------------------------------------------------ policies

    /**
     * One round of the leader-side policies: samples the replication status, then (one change at
     * a time, never during a joint configuration) standby failover first, then auto-promotion, then
     * stale-learner removal. Does nothing but reset its state on a node that does not lead.
     */
    public void tick() {
        List<Runnable> after = new ArrayList<>();
        synchronized (this) {
            GroupStatus status = group.status();
            long now = now();
            observe(status, now);
            if (!leading) {
                return;
            }
            CoreStatus core = status.core();
            MemberRegistry registry = group.registry();
            Map<Long, Member> records = recordsById(registry);
            boolean busy = changeInFlight() || registry.isJoint();
            metrics.learnerLags(core, registry);

            StaleLearners.Report stale = staleLearners.observe(core, now);
            reportStale(stale, after);

            FailoverDecision fd = failover.decide(core, records, busy, now);
            if (fd instanceof FailoverDecision.Replace r && options.standbyFailover()) {
                after.add(() -> emit(new MembershipEvent.FailoverStarted(r.voterId(), r.learnerId(), r.reason())));
                LOG.warn("standby failover: {}", r.reason());
                CompletableFuture<MemberRegistry> f =
                        propose(ReplaceRequest.of(r.voterId(), r.learnerId()), replaceChange(r.voterId(), r.learnerId(),
                                "standby failover of " + idFormat.format(r.voterId())),
                                reg -> reg.role(r.learnerId()) == MemberRole.VOTER && !reg.contains(r.voterId()));
                f.whenComplete((reg, err) -> {
                    long t = now();
                    synchronized (this) {
                        if (err == null) {
                            failover.onCompleted(t);
                        } else {
                            failover.onFailed(t);
                        }
                    }
                    if (err == null) {
                        metrics.failover();
                        emit(new MembershipEvent.Replaced(r.voterId(), r.learnerId(), true, r.reason()));
                    } else {
                        emit(new MembershipEvent.PolicyChangeFailed("standby failover of "
                                + idFormat.format(r.voterId()), rootMessage(err)));
                    }
                });
                busy = true;
            }

            Optional<AutoPromotion.Decision> ad = autoPromotion.decide(core, records, busy, now);
            if (ad.isPresent() && !busy) {
                AutoPromotion.Decision d = ad.get();
                LOG.info("auto-promotion: {}", d.reason());
                try {
                    decidePromote(PromoteRequest.of(d.learnerId()), true);
                } catch (RaftException e) {
                    // Nothing was proposed: refused after all (decidePromote has backed off and
                    // emitted the refusal), or leadership was lost since the sample. Never let it
                    // out of tick(): a fixed-rate scheduler stops running a task at its first exception.
                    if (e.code() == ErrorCode.NOT_LEADER) {
                        autoPromotion.onFailed(d.learnerId(), now);
                        String why = e.getMessage();
                        after.add(() -> emit(new MembershipEvent.PolicyChangeFailed("auto-promotion of "
                                + idFormat.format(d.learnerId()), why)));
                    }
                }
                busy = true;
            }

            if (!busy && !stale.toRemove().isEmpty()) {
                long id = stale.toRemove().get(0);
                CompletableFuture<MemberRegistry> f = removeChangeOf(id, "stale learner: not heard from for "
                        + options.staleLearnerAfterMillis() + " ms");
                f.whenComplete((reg, err) -> {
                    if (err != null) {
                        emit(new MembershipEvent.PolicyChangeFailed("remove stale learner " + idFormat.format(id),
                                rootMessage(err)));
                    }
                });
            }
        }
        after.forEach(Runnable::run);
    }

    // ------------------------------------------------------------------ decisions (leader, under the monitor)

    private AddRequest checkedAdd(AddRequest r, MemberRegistry registry) {
        MemberNames.requireValid(r.name());
        MemberNames.requireUnique(r.name(), registry.members(), 0);
        List<String> peerUrls = PeerUrls.peerUrls(r.peerUrls());
        PeerUrls.requireUnused(peerUrls, registry.members(), 0);
        List<String> clientUrls = PeerUrls.clientUrls(r.clientUrls());
        if (!r.learner() && (r.standby() || r.autoPromote())) {
            throw new RaftException(ErrorCode.BAD_REQUEST, "standby and auto-promote are for learners; '" + r.name()
                    + "' is being added as a voter");
        }
        return new AddRequest(r.name(), peerUrls, clientUrls, r.learner(), r.standby(), r.autoPromote(),
                r.expectedConfIndex());
    }

    private CompletableFuture<AddResult> decideAdd(AddRequest raw) {
        MemberRegistry registry = group.registry();
        requireIdle(registry, raw.expectedConfIndex());
        AddRequest r = checkedAdd(raw, registry);
        if (r.learner()) {
            long learners = registry.members().stream().filter(m -> isLearnerLike(registry.role(m.getId()))).count();
            if (learners >= options.maxLearners()) {
                throw new RaftException(ErrorCode.TOO_MANY_LEARNERS, "the cluster already has " + learners
                        + " learner(s), the limit (maxLearners) is " + options.maxLearners()
                        + ": promote or remove one first, or raise the limit (each learner costs the leader a stream"
                        + " of catch-up traffic)", Map.of("learners", Long.toString(learners),
                                "maxLearners", Integer.toString(options.maxLearners())));
            }
        }
        long id = newId(registry);
        Member member = Member.newBuilder().setId(id).setName(r.name()).addAllPeerUrls(r.peerUrls())
                .addAllClientUrls(r.clientUrls()).setStandby(r.standby()).setAutoPromote(r.autoPromote()).build();
        ConfChange change = MembershipContext.attach(
                single(r.learner() ? ConfChangeType.CONF_CHANGE_ADD_LEARNER : ConfChangeType.CONF_CHANGE_ADD_VOTER, id),
                MembershipChange.newBuilder().addUpsert(member).setReason("add " + r.name()).build());
        int votersBefore = registry.voters().size();
        return propose(r, change, reg -> reg.contains(id)).thenApply(reg -> {
            Member stored = reg.member(id).orElse(member);
            emit(new MembershipEvent.Added(stored, !r.learner()));
            List<Member> all = new ArrayList<>(reg.members());
            String note = r.learner()
                    ? "learner " + r.name() + " (" + idFormat.format(id) + ") added: start it with this"
                            + " initial cluster; it does not vote, so the quorum is unchanged; promote it once"
                            + " it has caught up"
                    : "voter " + r.name() + " (" + idFormat.format(id) + ") added directly: the quorum grew from "
                            + majority(votersBefore) + " of " + votersBefore + " to " + majority(votersBefore + 1)
                            + " of " + (votersBefore + 1) + " at once; until the new member runs and catches up the"
                            + " cluster tolerates one failure fewer. Adding a learner and promoting it avoids this.";
            return new AddResult(stored, reg, PeerUrls.initialCluster(all), !r.learner(), note);
        });
    }

    private CompletableFuture<MemberRegistry> decidePromote(PromoteRequest r, boolean automatic) {
        MemberRegistry registry = group.registry();
        requireIdle(registry, r.expectedConfIndex());
        long now = now();
        PromotionVerdict verdict = check.promote(leaderCore(), r.memberId(), contacts.liveness(now));
        if (!verdict.accepted()) {
            metrics.promotion("refused");
            if (automatic) {
                autoPromotion.onRefused(r.memberId(), now);
            }
            emit(new MembershipEvent.PromotionRefused(r.memberId(), automatic, verdict));
            throw verdict.toException();
        }
        ConfChange change = MembershipContext.attach(single(ConfChangeType.CONF_CHANGE_ADD_VOTER, r.memberId()),
                MembershipChange.newBuilder().setReason(automatic ? "auto-promotion" : "operator promote").build());
        CompletableFuture<MemberRegistry> f = propose(r, change, reg -> reg.role(r.memberId()) == MemberRole.VOTER);
        f.whenComplete((reg, err) -> {
            if (err == null) {
                metrics.promotion("ok");
                if (automatic) {
                    metrics.autoPromotion();
                }
                emit(new MembershipEvent.Promoted(r.memberId(), automatic, verdict));
            } else {
                metrics.promotion("failed");
                if (automatic) {
                    synchronized (this) {
                        autoPromotion.onFailed(r.memberId(), now());
                    }
                    emit(new MembershipEvent.PolicyChangeFailed("auto-promotion of " + idFormat.format(r.memberId()),
                            rootMessage(err)));
                }
            }
        });
        return f;
    }

    private CompletableFuture<MemberRegistry> decideRemove(RemoveRequest r, String reason) {
        MemberRegistry registry = group.registry();
        requireIdle(registry, r.expectedConfIndex());
        MemberRole role = registry.role(r.memberId());
        if (role == MemberRole.NONE) {
            throw new RaftException(ErrorCode.MEMBER_NOT_FOUND, "no member " + idFormat.format(r.memberId())
                    + " in the configuration at index " + registry.confIndex());
        }
        if (r.memberId() == group.id()) {
            return handOverThenForward(r);
        }
        if (role.votes()) {
            requireVotersKeepQuorumWithout(r.memberId());
        }
        return removeChangeOf(r.memberId(), reason);
    }

    private CompletableFuture<MemberRegistry> removeChangeOf(long id, String reason) {
        ConfChange change = MembershipContext.attach(single(ConfChangeType.CONF_CHANGE_REMOVE_NODE, id),
                MembershipChange.newBuilder().addRemove(id).setReason(reason).build());
        CompletableFuture<MemberRegistry> f = propose(RemoveRequest.of(id), change, reg -> !reg.contains(id));
        f.thenAccept(reg -> emit(new MembershipEvent.Removed(id, reason)));
        return f;
    }

    private CompletableFuture<MemberRegistry> decideReplace(ReplaceRequest r, boolean failover, String reason) {
        MemberRegistry registry = group.registry();
        requireIdle(registry, r.expectedConfIndex());
        if (r.voterId() == group.id()) {
            return handOverThenForward(r);
        }
        PromotionVerdict verdict = check.replace(leaderCore(), r.voterId(), r.learnerId(),
                contacts.liveness(now()));
        if (!verdict.accepted()) {
            metrics.promotion("refused");
            emit(new MembershipEvent.PromotionRefused(r.learnerId(), false, verdict));
            throw verdict.toException();
        }
        CompletableFuture<MemberRegistry> f = propose(r, replaceChange(r.voterId(), r.learnerId(), reason),
                reg -> reg.role(r.learnerId()) == MemberRole.VOTER && !reg.contains(r.voterId()));
        f.whenComplete((reg, err) -> {
            metrics.promotion(err == null ? "ok" : "failed");
            if (err == null && !failover) {
                emit(new MembershipEvent.Replaced(r.voterId(), r.learnerId(), false, reason));
            }
        });
        return f;
    }

    private ConfChange replaceChange(long voterId, long learnerId, String reason) {
        // Joint consensus (thesis §4.3): the learner votes and the voter leaves in one step that
        // either happens on a quorum of both the old and the new configuration or not at all.
        ConfChange change = ConfChange.newBuilder()
                .setTransition(ConfChangeTransition.CONF_CHANGE_TRANSITION_JOINT_IMPLICIT)
                .addChanges(ConfChangeSingle.newBuilder().setType(ConfChangeType.CONF_CHANGE_ADD_VOTER).setNodeId(learnerId))
                .addChanges(ConfChangeSingle.newBuilder().setType(ConfChangeType.CONF_CHANGE_REMOVE_NODE).setNodeId(voterId))
                .build();
        Member learner = group.registry().member(learnerId).orElse(null);
        MembershipChange.Builder records = MembershipChange.newBuilder().addRemove(voterId).setReason(reason);
        if (learner != null && learner.getStandby()) {
            records.addUpsert(learner.toBuilder().setStandby(false).setAutoPromote(false)); // a voter now
        }
        return MembershipContext.attach(change, records.build());
    }

    /** The leader removes (or replaces) itself: hand leadership over, then ask the new leader. */
    private <T> CompletableFuture<T> handOverThenForward(MembershipRequest<T> request) {
        long self = group.id();
        long now = now();
        var liveness = contacts.liveness(now);
        CoreStatus core = leaderCore();
        long best = 0;
        long bestMatch = -1;
        for (long id : group.registry().ids()) {
            PeerProgress p = core.progress().get(id);
            if (id == self || p == null || p.learner() || !liveness.isActive(id)
                    || group.registry().role(id) != MemberRole.VOTER) {
                continue;
            }
            if (p.match() > bestMatch) {
                best = id;
                bestMatch = p.match();
            }
        }
        if (best == 0) {
            throw new RaftException(ErrorCode.UNAVAILABLE, request.describe(idFormat) + " would remove the leader"
                    + " (node " + idFormat.format(self) + "), and no other voter is reachable to take over; bring one"
                    + " back first");
        }
        long transferee = best;
        LOG.info("{}: this node leads, so leadership goes to node {} first", request.describe(idFormat),
                idFormat.format(transferee));
        return group.transferLeadership(transferee).thenCompose(v -> forwarder.forward(transferee, request));
    }

    /**
     * A voter's removal must be committed by the current voters and leave voters that can commit
     * without it: both sets need an active majority (the leader counts itself), or the change
     * would hang (seed figure 9: two of four voters down, membership is stuck).
     */
    private void requireVotersKeepQuorumWithout(long removed) {
        var liveness = contacts.liveness(now());
        int current = 0;
        int currentActive = 0;
        int remaining = 0;
        int remainingActive = 0;
        for (Member m : group.registry().voters()) {
            boolean active = m.getId() == group.id() || liveness.isActive(m.getId());
            current++;
            currentActive += active ? 1 : 0;
            if (m.getId() != removed) {
                remaining++;
                remainingActive += active ? 1 : 0;
            }
        }
        if (currentActive < majority(current)) {
            throw new RaftException(ErrorCode.UNAVAILABLE, "removing voter " + idFormat.format(removed)
                    + " needs the current voters to commit it, but only " + currentActive + " of " + current
                    + " are reachable (" + majority(current) + " needed); bring voters back, or recover the"
                    + " cluster from the survivors (force-new-cluster)",
                    Map.of("activeVoters", Integer.toString(currentActive), "neededVoters",
                            Integer.toString(majority(current))));
        }
        if (remaining == 0 || remainingActive < majority(remaining)) {
            throw new RaftException(ErrorCode.UNAVAILABLE, "removing voter " + idFormat.format(removed)
                    + " would leave " + remaining + " voter(s) of which only " + remainingActive
                    + " are reachable, fewer than the " + majority(remaining) + " needed to commit; bring voters back first",
                    Map.of("activeVoters", Integer.toString(remainingActive), "neededVoters",
                            Integer.toString(majority(remaining))));
        }
    }

    // ------------------------------------------------------------------ plumbing

    private <T> CompletableFuture<T> leaderOnly(MembershipRequest<T> request, DecisionBody<T> body, boolean mayForward) {
        synchronized (this) {
            GroupStatus status = group.status();
            observe(status, now());
            if (leading) {
                try {
                    return body.decide();
                } catch (RaftException e) {
                    return CompletableFuture.failedFuture(e);
                }
            }
        }
        long leader = group.status().leaderId();
        if (leader == group.id()) {
            leader = 0; // it just stopped leading: no better hint
        }
        if (leader == 0 || !mayForward) {
            return CompletableFuture.failedFuture(RaftException.notLeader(group.id(), leader, idFormat));
        }
        return forwarder.forward(leader, request);
    }

    @FunctionalInterface
    private interface DecisionBody<T> {
        CompletableFuture<T> decide();
    }

    private void requireIdle(MemberRegistry registry, long expectedConfIndex) {
        if (changeInFlight() || registry.isJoint()) {
            throw new RaftException(ErrorCode.CONF_CHANGE_IN_PROGRESS, "a configuration change is still in progress"
                    + (registry.isJoint() ? " (the cluster is in a joint configuration)" : "") + "; retry when it is done");
        }
        if (expectedConfIndex != 0 && expectedConfIndex != registry.confIndex()) {
            throw new RaftException(ErrorCode.BAD_REQUEST, "the configuration moved: the request expected"
                    + " configuration index " + expectedConfIndex + ", it is now " + registry.confIndex()
                    + "; read the member list again and decide against it",
                    Map.of(DETAIL_REASON, CONF_INDEX_MISMATCH, "expectedConfIndex", Long.toString(expectedConfIndex),
                            "confIndex", Long.toString(registry.confIndex())));
        }
    }

    /**
     * A fresh status of this node as the leader, for a decision. The status can change between
     * two reads on a running node: {@link #leaderOnly} may have seen this node lead a moment ago
     * while it has stepped down since, and the checks need a leader's progress to decide anything.
     *
     * @throws RaftException {@code NOT_LEADER} (with the hint) when it no longer leads
     */
    private CoreStatus leaderCore() {
        GroupStatus status = group.status();
        if (!status.isLeader()) {
            throw RaftException.notLeader(group.id(), status.leaderId(), idFormat);
        }
        return status.core();
    }

    /**
     * The injected clock, never going backwards: a clock that steps back (a wall clock corrected
     * by NTP) is held at its latest reading until it passes it again. The trackers refuse time
     * that goes backwards, and every request and tick would otherwise fail meanwhile.
     */
    private long now() {
        long t = clock.getAsLong();
        return lastNow.accumulateAndGet(t, Math::max);
    }

    private boolean changeInFlight() {
        return pending != null && !pending.isDone();
    }

    /**
     * Proposes {@code change} and completes once this node's registry satisfies {@code done}
     * (for a joint change: once the joint configuration has been left).
     */
    private <T> CompletableFuture<MemberRegistry> propose(MembershipRequest<T> request, ConfChange change,
            Predicate<MemberRegistry> done) {
        CompletableFuture<MemberRegistry> result = new CompletableFuture<>();
        RegistryWait wait = new RegistryWait(done, result);
        registryWaits.add(wait);
        pending = result;
        group.changeMembership(change).whenComplete((conf, err) -> {
            if (err != null) {
                registryWaits.remove(wait);
                result.completeExceptionally(unwrap(err));
            } else {
                wait.check(group.registry());
            }
        });
        result.whenComplete((r, e) -> registryWaits.remove(wait));
        LOG.debug("proposed {}", request.describe(idFormat));
        return result;
    }

    private void registryChanged(MemberRegistry registry) {
        for (RegistryWait w : registryWaits) {
            w.check(registry);
        }
    }

    private record RegistryWait(Predicate<MemberRegistry> done, CompletableFuture<MemberRegistry> result) {
        void check(MemberRegistry registry) {
            if (!result.isDone() && done.test(registry)) {
                result.complete(registry);
            }
        }
    }

    /** Samples the status into the trackers; notices leadership changes. Under the monitor. */
    private void observe(GroupStatus status, long now) {
        boolean isLeader = status.isLeader();
        if (isLeader != leading) {
            resetLeaderState();
            leading = isLeader;
            if (!isLeader) {
                metrics.notLeading(); // the leader-only gauges would otherwise show this node's last view for ever
            }
        }
        if (leading) {
            contacts.observe(status.core(), now);
            estimator.observe(status.core(), now);
        }
    }

    private void resetLeaderState() {
        check = new PromotionCheck(options, electionTimeoutMillis);
        contacts = new ContactTracker(electionTimeoutMillis);
        estimator = new CatchUpEstimator();
        autoPromotion = new AutoPromotion(options, electionTimeoutMillis);
        failover = new StandbyFailover(options, electionTimeoutMillis);
        staleLearners = new StaleLearners(options, electionTimeoutMillis);
        reportedStale.clear();
    }

    private void reportStale(StaleLearners.Report report, List<Runnable> after) {
        Map<Long, Long> now = new HashMap<>();
        for (StaleLearners.StaleLearner s : report.stale()) {
            now.put(s.id(), s.silentSinceMillis());
            Long seen = reportedStale.get(s.id());
            if (seen == null || seen != s.silentSinceMillis()) {
                boolean willRemove = report.toRemove().contains(s.id());
                after.add(() -> emit(new MembershipEvent.StaleLearner(s.id(), s.silentForMillis(), willRemove)));
                LOG.warn("learner {} has not been heard from for {} ms{}", idFormat.format(s.id()),
                        s.silentForMillis(), willRemove ? "; removing it (removeStaleLearners)" : "");
            }
        }
        reportedStale.clear();
        reportedStale.putAll(now);
        metrics.staleLearners(now.size());
    }

    private long newId(MemberRegistry registry) {
        for (int attempt = 0; attempt < 100; attempt++) {
            long id = ids.getAsLong();
            if (id != 0 && !registry.contains(id)) {
                return id;
            }
        }
        throw new IllegalStateException("the id source gave 100 used or zero ids in a row");
    }

    private void emit(MembershipEvent event) {
        for (MembershipListener l : listeners) {
            try {
                l.on(event);
            } catch (RuntimeException e) {
                LOG.warn("membership listener {} failed on {}", l, event, e);
            }
        }
    }

    private static Map<Long, Member> recordsById(MemberRegistry registry) {
        Map<Long, Member> out = new HashMap<>();
        for (Member m : registry.members()) {
            out.put(m.getId(), m);
        }
        return out;
    }

    private static boolean isLearnerLike(MemberRole role) {
        return role == MemberRole.LEARNER || role == MemberRole.LEARNER_NEXT;
    }

    private static ConfChange single(ConfChangeType type, long id) {
        return ConfChange.newBuilder().addChanges(ConfChangeSingle.newBuilder().setType(type).setNodeId(id)).build();
    }

    private static int majority(int voters) {
        return voters / 2 + 1;
    }

    private static Throwable unwrap(Throwable t) {
        return t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
    }

    private static String rootMessage(Throwable t) {
        Throwable u = unwrap(t);
        return u.getMessage() != null ? u.getMessage() : u.toString();
    }
}
