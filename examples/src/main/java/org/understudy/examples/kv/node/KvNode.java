package org.understudy.examples.kv.node;

import com.google.protobuf.ByteString;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.understudy.examples.kv.api.KvErrorCode;
import org.understudy.examples.kv.api.KvException;
import org.understudy.examples.kv.api.KvService;
import org.understudy.examples.kv.proto.KvResult;
import org.understudy.examples.kv.state.KvCommands;
import org.understudy.examples.kv.state.KvEntry;
import org.understudy.examples.kv.state.KvReadView;
import org.understudy.examples.kv.state.KvResults;
import org.understudy.examples.kv.state.KvStateMachine;
import org.understudy.membership.policy.MemberStatusView;
import org.understudy.membership.policy.MembershipOptions;
import org.understudy.membership.proto.Member;
import org.understudy.membership.registry.MemberRegistry;
import org.understudy.membership.registry.MemberRole;
import org.understudy.membership.runtime.RaftNodeGroup;
import org.understudy.membership.service.AddRequest;
import org.understudy.membership.service.LearnerReads;
import org.understudy.membership.service.MembershipService;
import org.understudy.raft.RaftException;
import org.understudy.raft.core.RaftConfig;
import org.understudy.raft.runtime.NodeHealth;
import org.understudy.raft.runtime.NodeStatus;
import org.understudy.raft.runtime.RaftNode;
import org.understudy.raft.runtime.RaftNodeOptions;
import org.understudy.raft.spi.LogStorage;
import org.understudy.raft.spi.SnapshotStore;
import org.understudy.raft.spi.StorageEngine;
import org.understudy.raft.spi.StorageException;
import org.understudy.raft.spi.StorageOptions;
import org.understudy.raft.spi.Transport;
import org.understudy.raft.spi.TransportFactory;
import org.understudy.raft.spi.TransportOptions;

/**
 * One running raft-kv member: storage, peer transport, a {@link RaftNode} whose state machine is
 * the {@link KvStateMachine} inside a membership state machine, the {@link MembershipService}
 * (ticked on a scheduler), the metrics, and {@link KvService} on top.
 *
 * <p>Built by {@link #start} from a {@link KvConfig} and the engine and transport factory chosen by
 * name (the Dagger component in {@code di} chooses them from its map multibindings; without Dagger,
 * pass {@code new ChronicleStorageEngine()} and {@code new NettyTransportFactory()}).
 *
 * <p>Who answers what (DESIGN.md §4, RAFT-KV.md): writes and membership changes on the leader; a
 * follower answers them {@code NOT_LEADER} with the leader's id and client URL (the HTTP layer
 * forwards once); linearizable reads on any voter through a read index; a learner refuses writes
 * and linearizable reads ({@code UNSUPPORTED_ON_LEARNER}, unless {@code --learner-reads
 * linearizable}) and serves serializable reads and status.
 */
public final class KvNode implements KvService, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(KvNode.class);
    private static final long PUBLISH_MILLIS = 300;

    private final KvConfig config;
    private final NodeIdentity identity;
    private final boolean restarted;
    private final LogStorage logStorage;
    private final SnapshotStore snapshots;
    private final RaftNode<KvResult> node;
    private final MemberRegistrySource registry;
    private final KvReadView view;
    private final MembershipService membership;
    private final LearnerReads reads;
    private final RaftMetrics metrics;
    private final PrometheusMeterRegistry meterRegistry;
    private final ScheduledExecutorService scheduler;
    private final KvErrors errors;
    private final String clientUrl;
    private final ConfChangeGate confChanges = new ConfChangeGate();
    private final ClientUrlRecords clientUrls;
    private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();

    /** The registry, read through the group (the same object every node method sees). */
    @FunctionalInterface
    private interface MemberRegistrySource {
        MemberRegistry get();
    }

    private KvNode(KvConfig config, StartPlan plan, LogStorage logStorage, SnapshotStore snapshots,
            RaftNodeGroup<KvResult> group, KvReadView view, MembershipService membership,
            PrometheusMeterRegistry meterRegistry, ScheduledExecutorService scheduler) {
        this.config = config;
        this.identity = plan.identity();
        this.restarted = plan.restart();
        this.logStorage = logStorage;
        this.snapshots = snapshots;
        this.node = group.node();
        this.registry = group::registry;
        this.view = view;
        this.membership = membership;
        this.reads = new LearnerReads(group, membership.options());
        this.meterRegistry = meterRegistry;
        this.scheduler = scheduler;
        this.clientUrl = config.listenClient().clientUrl();
        this.errors = new KvErrors(this::clientAddressOf);
        this.clientUrls = new ClientUrlRecords(node, group::registry, confChanges, errors,
                config.requestTimeout().toMillis());
        this.metrics = new RaftMetrics(meterRegistry, identity.memberId(), node::status);
    }

    /**
     * Starts a member: decides how from the data dir ({@link StartPlan}), opens storage and the
     * transport, starts the node, and records the member's identity in the data dir.
     *
     * @throws ConfigException when it cannot start as configured (port taken, data dir of another
     *     member or cluster, storage failure), with a message that says why
     */
    public static KvNode start(KvConfig config, StorageEngine engine, TransportFactory transports,
            PrometheusMeterRegistry meterRegistry) {
        StartPlan plan = StartPlan.decide(config);
        NodeIdentity id = plan.identity();
        Deque<AutoCloseable> opened = new ArrayDeque<>();
        try {
            StorageOptions storageOptions = StorageOptions.of(config.raftDir(), id.clusterId(), id.memberId());
            LogStorage raftLog = storage(() -> engine.openLog(storageOptions), config);
            opened.push(raftLog);
            SnapshotStore snaps = storage(() -> engine.openSnapshots(storageOptions), config);
            opened.push(snaps);
            Transport transport = openTransport(config, transports, id);
            opened.push(transport);

            PeerDirectory peers = new PeerDirectory(id.memberId(), transport);
            plan.seedPeers().forEach(peers::seed);
            // Ids in the library's messages as in ours (hex), so an error names a member as `member list` does.
            RaftConfig raftConfig = RaftConfig.builder(id.memberId()).idFormat(ClusterIds.ID_FORMAT).build();
            RaftNodeOptions options = RaftNodeOptions.builder(raftConfig, plan.mode())
                    .tickMillis(config.tickMillis()).snapshotCount(config.snapshotCount())
                    .forceNewCluster(plan.forceNewCluster()).build();
            KvStateMachine store = new KvStateMachine();
            RaftNodeGroup<KvResult> group = RaftNodeGroup.create(options, raftLog, snaps, transport, store,
                    plan.founderRecords());
            opened.pop(); // the node owns (and closes) the transport from here on
            opened.push(group.node());
            group.stateMachine().addListener(peers::update);
            MembershipService membership = MembershipService.builder(group)
                    .options(MembershipOptions.builder()
                            .snapshotCount(config.snapshotCount())
                            .maxLearners(config.maxLearners())
                            .autoPromotion(config.autoPromote())
                            .learnerLinearizableReads(config.learnerReads() == Consistency.LINEARIZABLE)
                            .tickMillis(config.tickMillis())
                            .idFormat(ClusterIds.ID_FORMAT)
                            .build())
                    .meterRegistry(meterRegistry)
                    .build();
            ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "raft-kv-" + config.name() + "-ticker");
                t.setDaemon(true);
                return t;
            });
            opened.push(scheduler::shutdownNow);
            KvNode kv = new KvNode(config, plan, raftLog, snaps, group, store, membership, meterRegistry,
                    scheduler);
            group.node().addLeaderListener(leader -> kv.metrics.leaderChanged());
            storage(() -> {
                startNode(group.node(), plan.forceNewCluster());
                return null;
            }, config);
            if (config.durable() && !plan.restart()) {
                id.write(config.dataDir()); // after start: the founding snapshot is durable by now
            }
            kv.schedule(group);
            log.info("raft-kv member '{}' ({}) of cluster {} {} with {} storage; peers on {}, clients on {}",
                    config.name(), ClusterIds.hex(id.memberId()), id.clusterId(),
                    plan.restart() ? "resumed from " + config.dataDir()
                            + (plan.forceNewCluster() ? " as the only voter (--force-new-cluster)" : "") : "started",
                    config.storage(),
                    config.listenPeer(), config.listenClient());
            return kv;
        } catch (RuntimeException e) {
            while (!opened.isEmpty()) {
                try {
                    opened.pop().close();
                } catch (Exception suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            throw e;
        }
    }

    /** Starts the Raft node; a refused {@code --force-new-cluster} becomes the operator's error. */
    private static void startNode(RaftNode<KvResult> node, boolean forceNewCluster) {
        try {
            node.start();
        } catch (RaftException e) {
            if (!forceNewCluster) {
                throw e;
            }
            throw new ConfigException("--force-new-cluster refused (" + e.code() + "): " + e.getMessage(), e);
        }
    }

    private static <T> T storage(java.util.function.Supplier<T> action, KvConfig config) {
        try {
            return action.get();
        } catch (StorageException e) {
            String hint = switch (e.kind()) {
                case FOREIGN_DATA -> "the data dir " + config.dataDir() + " belongs to another member or cluster: "
                        + e.getMessage();
                case LOCKED -> "the data dir " + config.dataDir() + " is in use by another raft-kv server; stop it or"
                        + " use another --data-dir";
                case UNSUPPORTED_FORMAT -> e.getMessage() + "; use a newer raft-kv";
                default -> "storage failed (" + e.kind() + "): " + e.getMessage();
            };
            throw new ConfigException(hint, e);
        }
    }

    private static Transport openTransport(KvConfig config, TransportFactory transports, NodeIdentity id) {
        try {
            return transports.create(new TransportOptions(id.clusterId(), id.memberId(), config.listenPeer().toString()));
        } catch (RuntimeException e) {
            throw new ConfigException("cannot listen for peers on " + config.listenPeer() + " (--listen-peer): "
                    + e.getMessage() + "; is another process using the port?", e);
        }
    }

    private void schedule(RaftNodeGroup<KvResult> group) {
        ClientUrlPublisher publisher = new ClientUrlPublisher(node, group::registry, clientUrl, clientUrls,
                new ClientUrlRelay(config.tls()));
        scheduler.scheduleAtFixedRate(() -> {
            try {
                membership.tick();
                metrics.refresh(node.status());
            } catch (RuntimeException e) {
                log.warn("membership tick failed", e); // never let the fixed-rate task die
            }
        }, config.tickMillis(), config.tickMillis(), TimeUnit.MILLISECONDS);
        scheduler.scheduleWithFixedDelay(() -> {
            try {
                publisher.run();
            } catch (RuntimeException e) {
                log.debug("publishing the client URL failed", e);
            }
        }, PUBLISH_MILLIS, PUBLISH_MILLIS, TimeUnit.MILLISECONDS);
    }

    // ------------------------------------------------------------------ KvService: data

    @Override
    public CompletableFuture<PutResult> put(String key, ByteString value, OptionalLong prevRevision,
            Optional<String> requestId) {
        return write("put " + key, KvCommands.put(key, value, prevRevision, requestId),
                KvResults::toPutResult);
    }

    @Override
    public CompletableFuture<Void> publishClientUrl(long memberId, String clientUrl) {
        return clientUrls.publish(memberId, clientUrl).thenApply(ignored -> null);
    }

    @Override
    public CompletableFuture<DeleteResult> delete(String key, Optional<String> requestId) {
        return write("delete " + key, KvCommands.delete(key, requestId),
                KvResults::toDeleteResult);
    }

    private <T> CompletableFuture<T> write(String what, ByteString command, Function<KvResult, T> result) {
        NodeStatus s = node.status();
        if (s.isLearner()) {
            return CompletableFuture.failedFuture(new KvException(KvErrorCode.UNSUPPORTED_ON_LEARNER, "member '"
                    + config.name() + "' is a learner: it takes no writes (it has no vote); send writes to a voter"));
        }
        if (!s.isLeader()) {
            return CompletableFuture.failedFuture(errors.notLeader(node.id(), s.leaderId()));
        }
        CompletableFuture<KvResult> proposed = node.propose(command)
                .orTimeout(config.requestTimeout().toMillis(), TimeUnit.MILLISECONDS);
        proposed.whenComplete((r, err) -> metrics.proposal(err == null));
        return settle(proposed, result, what);
    }

    @Override
    public CompletableFuture<GetResult> get(String key, Consistency consistency) {
        if (consistency == Consistency.SERIALIZABLE) {
            try {
                return CompletableFuture.completedFuture(read(key));
            } catch (KvException e) {
                return CompletableFuture.failedFuture(e);
            }
        }
        // Any voter serves it: a follower asks the leader for a read index (thesis §6.4).
        return settle(reads.linearizable(() -> read(key)), Function.identity(), "linearizable read of " + key);
    }

    private GetResult read(String key) {
        KvEntry e = view.get(key).orElseThrow(() -> new KvException(KvErrorCode.KEY_NOT_FOUND,
                "key '" + key + "' does not exist"));
        return new GetResult(key, e.value(), e.revision());
    }

    // ------------------------------------------------------------------ KvService: members

    @Override
    public CompletableFuture<MembersView> members() {
        try {
            MemberRegistry reg = registry.get();
            Map<Long, MemberStatusView> status = new LinkedHashMap<>();
            membership.status().forEach(v -> status.put(v.id(), v));
            List<MemberView> members = reg.members().stream()
                    .map(m -> memberView(m, reg, status.get(m.getId()))).toList();
            long leader = node.status().leaderId();
            return CompletableFuture.completedFuture(new MembersView(leader == 0 ? "" : ClusterIds.hex(leader), members,
                    reg.confIndex()));
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(errors.translate(e, "member list"));
        }
    }

    @Override
    public CompletableFuture<AddMemberResult> addMember(String name, List<String> peerUrls, boolean learner) {
        AddRequest request;
        try {
            List<String> urls = peerUrls.stream().map(u -> peerUrl(u)).toList();
            request = AddRequest.learner(name, urls);
            if (!learner) {
                request = request.asVoter();
            } else if (config.autoPromote()) {
                request = request.withAutoPromote(true);
            }
        } catch (KvException e) {
            return CompletableFuture.failedFuture(e);
        }
        AddRequest add = request;
        return timed(confChanges.operatorChange(() -> membership.add(add)), "member add " + name, added -> {
            MemberRegistry reg = added.registry();
            return new AddMemberResult(memberView(added.member(), reg, null), initialCluster(reg));
        });
    }

    private static String peerUrl(String url) {
        try {
            return HostPort.parse(url, "peer URL").peerUrl();
        } catch (ConfigException e) {
            throw new KvException(KvErrorCode.INVALID_PEER_URL, e.getMessage(), Map.of("url", String.valueOf(url)));
        }
    }

    @Override
    public CompletableFuture<MemberView> promote(long memberId) {
        return timed(confChanges.operatorChange(() -> membership.promote(memberId)), "member promote " + ClusterIds.hex(memberId), reg -> {
            Member m = reg.member(memberId).orElseThrow(() -> new KvException(KvErrorCode.MEMBER_NOT_FOUND,
                    "member " + ClusterIds.hex(memberId) + " is gone"));
            return memberView(m, reg, null);
        });
    }

    @Override
    public CompletableFuture<Void> removeMember(long memberId) {
        return timed(confChanges.operatorChange(() -> membership.remove(memberId)), "member remove " + ClusterIds.hex(memberId), r -> null);
    }

    private <T, U> CompletableFuture<U> timed(CompletableFuture<T> f, String what, Function<T, U> onSuccess) {
        return settle(f.orTimeout(config.requestTimeout().toMillis(), TimeUnit.MILLISECONDS), onSuccess, what);
    }

    /**
     * Maps {@code f}'s result with {@code onSuccess}; a failure of either completes the returned
     * future with a bare {@link KvException} (not wrapped in a {@code CompletionException}), as the
     * {@link KvService} contract says.
     */
    private <T, U> CompletableFuture<U> settle(CompletableFuture<T> f, Function<T, U> onSuccess, String what) {
        CompletableFuture<U> out = new CompletableFuture<>();
        f.whenComplete((r, err) -> {
            if (err != null) {
                out.completeExceptionally(errors.translate(err, what));
                return;
            }
            try {
                out.complete(onSuccess.apply(r));
            } catch (RuntimeException e) {
                out.completeExceptionally(errors.translate(e, what));
            }
        });
        return out;
    }

    private MemberView memberView(Member m, MemberRegistry reg, MemberStatusView status) {
        MemberRole role = reg.role(m.getId());
        boolean learner = role == MemberRole.LEARNER;
        long match = status != null ? status.match() : -1;
        long lag = status != null ? status.lag() : -1;
        if (m.getId() == node.id() && node.status().isLeader()) {
            match = node.status().core().lastIndex();
            lag = 0;
        }
        return new MemberView(ClusterIds.hex(m.getId()), m.getName(), addresses(m.getPeerUrlsList()),
                addresses(m.getClientUrlsList()), learner, match, lag);
    }

    private static List<String> addresses(List<String> urls) {
        return urls.stream().map(u -> {
            try {
                return HostPort.parse(u, "URL").toString();
            } catch (ConfigException e) {
                return u;
            }
        }).toList();
    }

    /** {@code name=HOST:PORT,...} of every member (RAFT-KV.md's form of {@code --initial-cluster}). */
    static String initialCluster(MemberRegistry reg) {
        StringBuilder out = new StringBuilder();
        for (Member m : reg.members()) {
            for (String url : addresses(m.getPeerUrlsList())) {
                out.append(out.length() == 0 ? "" : ",").append(m.getName()).append('=').append(url);
            }
        }
        return out.toString();
    }

    // ------------------------------------------------------------------ KvService: status

    @Override
    public StatusView status() {
        NodeStatus s = node.status();
        return new StatusView(ClusterIds.hex(node.id()), config.name(), roleOf(s), s.term(),
                s.leaderId() == 0 ? "" : ClusterIds.hex(s.leaderId()), s.commitIndex(), s.appliedIndex(),
                s.core().lastIndex(), s.isLearner());
    }

    /** RAFT-KV.md's role names: leader, follower, candidate, learner. */
    static String roleOf(NodeStatus s) {
        if (s.isLearner()) {
            return "learner";
        }
        return switch (s.role()) {
            case LEADER -> "leader";
            case CANDIDATE, PRE_CANDIDATE -> "candidate";
            case FOLLOWER -> "follower";
        };
    }

    @Override
    public HealthView health() {
        NodeStatus s = node.status();
        if (s.health() != NodeHealth.RUNNING) {
            return new HealthView(false, "the node is " + s.health().name().toLowerCase()
                    + (s.failureReason().isEmpty() ? "" : ": " + s.failureReason()));
        }
        if (s.leaderId() == 0) {
            return new HealthView(false, "no leader is known (an election is running, or the quorum is lost)");
        }
        if (s.appliedIndex() < s.commitIndex()) {
            return new HealthView(false, "applied index " + s.appliedIndex() + " is behind commit index "
                    + s.commitIndex());
        }
        return new HealthView(true, "ok");
    }

    @Override
    public String metricsText() {
        metrics.refresh(node.status());
        return meterRegistry.scrape();
    }

    @Override
    public Optional<String> leaderClientUrl() {
        long leader = node.status().leaderId();
        return leader == 0 ? Optional.empty() : clientAddressOf(leader);
    }

    private Optional<String> clientAddressOf(long memberId) {
        if (memberId == node.id()) {
            return Optional.of(config.listenClient().toString());
        }
        return registry.get().member(memberId).filter(m -> m.getClientUrlsCount() > 0)
                .map(m -> addresses(m.getClientUrlsList()).get(0));
    }

    // ------------------------------------------------------------------ for embedding and tests

    public KvConfig config() {
        return config;
    }

    /** This member's id. */
    public long memberId() {
        return identity.memberId();
    }

    public String clusterId() {
        return identity.clusterId();
    }

    /** Whether this start resumed from a data dir that already held the member. */
    public boolean restarted() {
        return restarted;
    }

    /** The Raft node (status, listeners); for tests and tools. */
    public RaftNode<KvResult> raftNode() {
        return node;
    }

    public MembershipService membership() {
        return membership;
    }

    public PrometheusMeterRegistry meterRegistry() {
        return meterRegistry;
    }

    /** Stops the node and releases storage; idempotent. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        scheduler.shutdownNow();
        node.close();
        try {
            snapshots.close();
        } finally {
            logStorage.close();
        }
    }

    @Override
    public String toString() {
        return "KvNode{" + config.name() + "/" + ClusterIds.hex(identity.memberId()) + "}";
    }
}
