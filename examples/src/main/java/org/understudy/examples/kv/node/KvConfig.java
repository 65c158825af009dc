package org.understudy.examples.kv.node;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import org.understudy.examples.kv.api.KvService.Consistency;

/**
 * Everything one raft-kv member is started with: the {@code server} flags of RAFT-KV.md plus a few
 * knobs for tests and embedding. Checked when built: a bad value is a {@link ConfigException}
 * whose message names the flag.
 *
 * @param name this member's unique name ({@code --name})
 * @param dataDir where the log, snapshots and the member's identity live ({@code --data-dir});
 *     with {@code memory} storage nothing is written there
 * @param listenPeer where peers reach this member's Raft transport ({@code --listen-peer})
 * @param listenClient where clients reach its HTTP API ({@code --listen-client}); advertised to
 *     the other members so that they can point clients at the leader
 * @param initialCluster {@code --initial-cluster}; read only when the data dir is empty
 * @param initialClusterState {@code --initial-cluster-state}; read only when the data dir is empty
 * @param storage the storage engine's name ({@code chronicle}, {@code mapdb}, {@code memory})
 * @param transport the peer transport's name ({@code netty})
 * @param snapshotCount entries between snapshots; a learner lagging a tenth of it or more is not promoted
 * @param maxLearners learners at once ({@code --max-learners})
 * @param autoPromote learners added through this member may be promoted by the leader once caught up
 * @param learnerReads what a learner serves: serializable reads only, or also linearizable ones
 *     through the leader's read index ({@code --learner-reads})
 * @param tls the member's TLS files, if any: they secure the peer port (mutual TLS) and the client
 *     port (HTTPS and the binary protocol over TLS; see {@link ClientPortTls})
 * @param clientCertAuth {@code --client-cert-auth}: the client port requires a client certificate
 *     signed by {@code --tls-ca} (without it, one is asked for and checked only when presented);
 *     needs {@code tls}
 * @param forceNewCluster {@code --force-new-cluster}: resume this member from its data dir as the
 *     only voter of its cluster, after the cluster lost its quorum for good (see
 *     {@link org.understudy.raft.runtime.RaftNodeOptions#forceNewCluster()}); needs a durable
 *     {@code --storage} and a data dir that holds the member
 * @param tickMillis the Raft tick (election timeout = 10 ticks)
 * @param requestTimeout how long a write or a membership change may wait for its commit before it
 *     is answered {@code UNAVAILABLE} (it may still commit later, as in any Raft store)
 * @param knownIdentity for embedders that already know the cluster and member id of a member
 *     joining an existing cluster (from {@code member add}); the CLI discovers them instead
 */
public record KvConfig(
        String name,
        Path dataDir,
        HostPort listenPeer,
        HostPort listenClient,
        InitialCluster initialCluster,
        ClusterState initialClusterState,
        String storage,
        String transport,
        long snapshotCount,
        int maxLearners,
        boolean autoPromote,
        Consistency learnerReads,
        Optional<TlsFiles> tls,
        boolean clientCertAuth,
        boolean forceNewCluster,
        long tickMillis,
        Duration requestTimeout,
        Optional<NodeIdentity> knownIdentity) {

    /** {@code --initial-cluster-state}. */
    public enum ClusterState {
        /** Found a new cluster with the members of {@code --initial-cluster}. */
        NEW,
        /** Join a running cluster that has already added this member ({@code member add}). */
        EXISTING
    }

    /** {@code --tls-cert}, {@code --tls-key}, {@code --tls-ca} (PEM; the key in PKCS#8). */
    public record TlsFiles(Path cert, Path key, Path ca) {
        public TlsFiles {
            Objects.requireNonNull(cert, "cert");
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(ca, "ca");
        }
    }

    public static final String DEFAULT_STORAGE = "chronicle";
    public static final String DEFAULT_TRANSPORT = "netty";

    public KvConfig {
        Objects.requireNonNull(dataDir, "dataDir");
        Objects.requireNonNull(listenPeer, "listenPeer");
        Objects.requireNonNull(listenClient, "listenClient");
        Objects.requireNonNull(initialCluster, "initialCluster");
        Objects.requireNonNull(initialClusterState, "initialClusterState");
        Objects.requireNonNull(learnerReads, "learnerReads");
        Objects.requireNonNull(tls, "tls");
        Objects.requireNonNull(requestTimeout, "requestTimeout");
        Objects.requireNonNull(knownIdentity, "knownIdentity");
        storage = storage == null ? DEFAULT_STORAGE : storage;
        transport = transport == null ? DEFAULT_TRANSPORT : transport;
        validate(name, listenPeer, initialCluster, storage, snapshotCount, maxLearners, forceNewCluster, tickMillis,
                requestTimeout);
        if (clientCertAuth && tls.isEmpty()) {
            throw new ConfigException("--client-cert-auth makes the client port require certificates signed by"
                    + " --tls-ca, so it needs --tls-cert, --tls-key and --tls-ca");
        }
    }

    private static void validate(String name, HostPort listenPeer, InitialCluster initialCluster, String storage,
            long snapshotCount, int maxLearners, boolean forceNewCluster, long tickMillis, Duration requestTimeout) {
        requireValidName(name);
        if (snapshotCount <= 0) {
            throw new ConfigException("--snapshot-count must be positive, got " + snapshotCount);
        }
        if (maxLearners < 0) {
            throw new ConfigException("--max-learners must be 0 or more, got " + maxLearners);
        }
        if (tickMillis <= 0 || requestTimeout.isNegative() || requestTimeout.isZero()) {
            throw new ConfigException("tickMillis and requestTimeout must be positive");
        }
        if (forceNewCluster && storage.equals("memory")) {
            throw new ConfigException("--force-new-cluster recovers a member from its data dir, but --storage memory"
                    + " keeps none: there is nothing to recover");
        }
        if (!initialCluster.isEmpty()) {
            InitialCluster.Member self = initialCluster.member(name).orElseThrow(() -> new ConfigException(
                    "--initial-cluster (" + initialCluster + ") has no entry for this member, '" + name
                            + "'; add " + name + "=" + listenPeer));
            boolean wildcard = listenPeer.host().equals("0.0.0.0") || listenPeer.host().equals("::");
            boolean same = wildcard ? self.peer().port() == listenPeer.port() : self.peer().equals(listenPeer);
            if (!same) {
                throw new ConfigException("--initial-cluster gives '" + name + "' the peer address " + self.peer()
                        + " but --listen-peer is " + listenPeer + "; the other members would dial the wrong address");
            }
        }
    }

    /** The rules of the membership module's names, checked early so the CLI can name the flag. */
    static void requireValidName(String name) {
        if (name == null || name.isEmpty()) {
            throw new ConfigException("--name is required and must not be empty");
        }
        if (name.length() > 128) {
            throw new ConfigException("--name '" + name + "' is longer than 128 characters");
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (Character.isWhitespace(c) || Character.isISOControl(c) || c == '=' || c == ',') {
                throw new ConfigException("--name '" + name + "' may not contain whitespace, control characters,"
                        + " '=' or ','");
            }
        }
    }

    /** The data dir of the storage engine (the engine creates {@code log/} and {@code snapshots/} in it). */
    public Path raftDir() {
        return dataDir.resolve("raft");
    }

    /** Whether the storage keeps anything across restarts. */
    public boolean durable() {
        return !storage.equals("memory");
    }

    public static Builder builder(String name, Path dataDir) {
        return new Builder(name, dataDir);
    }

    /** Builds a {@link KvConfig} with RAFT-KV.md's defaults. */
    public static final class Builder {
        private final String name;
        private final Path dataDir;
        private HostPort listenPeer = new HostPort("127.0.0.1", 2380);
        private HostPort listenClient = new HostPort("127.0.0.1", 2379);
        private InitialCluster initialCluster = new InitialCluster(java.util.List.of());
        private ClusterState initialClusterState = ClusterState.NEW;
        private String storage = DEFAULT_STORAGE;
        private String transport = DEFAULT_TRANSPORT;
        private long snapshotCount = 10_000;
        private int maxLearners = 1;
        private boolean autoPromote;
        private Consistency learnerReads = Consistency.SERIALIZABLE;
        private Optional<TlsFiles> tls = Optional.empty();
        private boolean clientCertAuth;
        private boolean forceNewCluster;
        private long tickMillis = 100;
        private Duration requestTimeout = Duration.ofSeconds(5);
        private Optional<NodeIdentity> knownIdentity = Optional.empty();

        private Builder(String name, Path dataDir) {
            this.name = name;
            this.dataDir = dataDir;
        }

        public Builder listenPeer(HostPort v) { this.listenPeer = v; return this; }
        public Builder listenClient(HostPort v) { this.listenClient = v; return this; }
        public Builder initialCluster(InitialCluster v) { this.initialCluster = v; return this; }
        public Builder initialClusterState(ClusterState v) { this.initialClusterState = v; return this; }
        public Builder storage(String v) { this.storage = v; return this; }
        public Builder transport(String v) { this.transport = v; return this; }
        public Builder snapshotCount(long v) { this.snapshotCount = v; return this; }
        public Builder maxLearners(int v) { this.maxLearners = v; return this; }
        public Builder autoPromote(boolean v) { this.autoPromote = v; return this; }
        public Builder learnerReads(Consistency v) { this.learnerReads = v; return this; }
        public Builder tls(TlsFiles v) { this.tls = Optional.ofNullable(v); return this; }
        public Builder clientCertAuth(boolean v) { this.clientCertAuth = v; return this; }
        public Builder forceNewCluster(boolean v) { this.forceNewCluster = v; return this; }
        public Builder tickMillis(long v) { this.tickMillis = v; return this; }
        public Builder requestTimeout(Duration v) { this.requestTimeout = v; return this; }
        public Builder knownIdentity(NodeIdentity v) { this.knownIdentity = Optional.ofNullable(v); return this; }

        public KvConfig build() {
            return new KvConfig(name, dataDir, listenPeer, listenClient, initialCluster, initialClusterState, storage,
                    transport, snapshotCount, maxLearners, autoPromote, learnerReads, tls, clientCertAuth, forceNewCluster,
                    tickMillis, requestTimeout, knownIdentity);
        }
    }
}
