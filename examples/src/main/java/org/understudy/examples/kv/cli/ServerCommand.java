package org.understudy.examples.kv.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.understudy.examples.kv.api.KvService.Consistency;
import org.understudy.examples.kv.di.KvNodes;
import org.understudy.examples.kv.node.ConfigException;
import org.understudy.examples.kv.node.HostPort;
import org.understudy.examples.kv.node.InitialCluster;
import org.understudy.examples.kv.node.KvConfig;
import org.understudy.examples.kv.node.KvNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code raft-kv server}: one member, with exactly the flags of RAFT-KV.md. Runs until stopped
 * (Ctrl-C / SIGTERM close the node and the HTTP server). A server that cannot start says why on
 * stderr and exits 1; a bad flag prints usage and exits 2.
 */
@Command(name = "server", description = "Run one raft-kv member.", mixinStandardHelpOptions = true, sortOptions = false)
public final class ServerCommand implements Callable<Integer> {

    /** {@code --initial-cluster-state}. */
    enum State { NEW, EXISTING }

    /** {@code --storage}. */
    enum Storage { CHRONICLE, MAPDB, MEMORY }

    /** {@code --learner-reads}. */
    enum LearnerReads { SERIALIZABLE, LINEARIZABLE }

    @Spec
    CommandSpec spec;

    @Option(names = "--name", required = true, paramLabel = "NAME", description = "This member's unique name.")
    String name;

    @Option(names = "--data-dir", required = true, paramLabel = "DIR",
            description = "Where the log and snapshots live; a non-empty one is resumed.")
    Path dataDir;

    @Option(names = "--listen-peer", defaultValue = "127.0.0.1:2380", paramLabel = "HOST:PORT",
            description = "Address for the other members' Raft traffic (default: ${DEFAULT-VALUE}).")
    String listenPeer;

    @Option(names = "--listen-client", defaultValue = "127.0.0.1:2379", paramLabel = "HOST:PORT",
            description = "Address of the HTTP/JSON API (default: ${DEFAULT-VALUE}).")
    String listenClient;

    @Option(names = "--initial-cluster", paramLabel = "NAME=HOST:PORT,...",
            description = "Every member's peer address; read only when the data dir is empty.")
    String initialCluster;

    @Option(names = "--initial-cluster-state", defaultValue = "new", paramLabel = "new|existing",
            description = "new: found a cluster; existing: join one (after `ctl member add`). Read only when the data dir is empty.")
    State initialClusterState;

    @Option(names = "--storage", defaultValue = "chronicle", paramLabel = "chronicle|mapdb|memory",
            description = "Storage engine (default: ${DEFAULT-VALUE}).")
    Storage storage;

    @Option(names = "--snapshot-count", defaultValue = "10000", paramLabel = "N",
            description = "Entries between snapshots; learners lagging N/10 or more are not promoted (default: ${DEFAULT-VALUE}).")
    long snapshotCount;

    @Option(names = "--max-learners", defaultValue = "1", paramLabel = "N",
            description = "Learners allowed at once (default: ${DEFAULT-VALUE}).")
    int maxLearners;

    @Option(names = "--auto-promote", description = "Let the leader promote learners once they stay caught up.")
    boolean autoPromote;

    @Option(names = "--learner-reads", defaultValue = "serializable", paramLabel = "serializable|linearizable",
            description = "What a learner serves: serializable reads only, or linearizable ones too (default: ${DEFAULT-VALUE}).")
    LearnerReads learnerReads;

    @Option(names = "--tls-cert", paramLabel = "FILE", description = "PEM certificate chain of this member, for both"
            + " ports: mutual TLS between members, HTTPS and the binary protocol over TLS for clients.")
    Path tlsCert;

    @Option(names = "--tls-key", paramLabel = "FILE", description = "PEM (PKCS#8) private key of --tls-cert.")
    Path tlsKey;

    @Option(names = "--tls-ca", paramLabel = "FILE", description = "PEM CA certificates that members' certificates"
            + " (and clients' certificates, when they present one) are checked against.")
    Path tlsCa;

    @Option(names = "--client-cert-auth", description = "Require clients of the client port to present a certificate"
            + " signed by --tls-ca (without it, one is checked only when presented). Needs the --tls-* files.")
    boolean clientCertAuth;

    @Option(names = "--force-new-cluster", description = "Recover a cluster that lost its quorum for good: resume"
            + " this member from its data dir as the only voter, keeping what it committed and removing every other"
            + " member; then `ctl member add` new ones. Never restart the removed members on their old data, and"
            + " drop the flag once it runs.")
    boolean forceNewCluster;

    /** The configuration the flags describe. */
    KvConfig config() {
        int tlsGiven = (tlsCert != null ? 1 : 0) + (tlsKey != null ? 1 : 0) + (tlsCa != null ? 1 : 0);
        if (tlsGiven != 0 && tlsGiven != 3) {
            throw new ParameterException(spec.commandLine(), "--tls-cert, --tls-key and --tls-ca go together: give all three or none");
        }
        try {
            return KvConfig.builder(name, dataDir)
                    .listenPeer(HostPort.parse(listenPeer, "--listen-peer"))
                    .listenClient(HostPort.parse(listenClient, "--listen-client"))
                    .initialCluster(InitialCluster.parse(initialCluster))
                    .initialClusterState(initialClusterState == State.NEW ? KvConfig.ClusterState.NEW
                            : KvConfig.ClusterState.EXISTING)
                    .storage(storage.name().toLowerCase())
                    .snapshotCount(snapshotCount)
                    .maxLearners(maxLearners)
                    .autoPromote(autoPromote)
                    .learnerReads(learnerReads == LearnerReads.LINEARIZABLE ? Consistency.LINEARIZABLE
                            : Consistency.SERIALIZABLE)
                    .tls(tlsGiven == 3 ? new KvConfig.TlsFiles(tlsCert, tlsKey, tlsCa) : null)
                    .clientCertAuth(clientCertAuth)
                    .forceNewCluster(forceNewCluster)
                    .build();
        } catch (ConfigException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
    }

    @Override
    public Integer call() {
        KvConfig config = config();
        KvNode node;
        try {
            node = KvNodes.start(config);
        } catch (ConfigException e) {
            return cannotStart(e.getMessage());
        }
        AutoCloseable http;
        try {
            http = HttpServing.start(node, config.name(), config.listenClient());
        } catch (ConfigException e) {
            node.close();
            return cannotStart(e.getMessage());
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                http.close();
            } catch (Exception ignored) {
                // stopping anyway
            }
            node.close();
            stopped.countDown();
        }, "raft-kv-shutdown"));
        spec.commandLine().getOut().println("raft-kv member '" + config.name() + "' (id "
                + Long.toHexString(node.memberId()) + ", cluster " + node.clusterId() + ") "
                + (node.restarted() ? "resumed" : "started") + ": clients on " + config.listenClient()
                + clientTls(config) + ", peers on " + config.listenPeer());
        spec.commandLine().getOut().flush();
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }

    /** How the client port is secured, for the start line. */
    private static String clientTls(KvConfig config) {
        if (config.tls().isEmpty()) {
            return "";
        }
        return " (TLS, client certificates " + (config.clientCertAuth() ? "required" : "optional") + ")";
    }

    private int cannotStart(String why) {
        spec.commandLine().getErr().println("raft-kv server: cannot start: " + why);
        spec.commandLine().getErr().flush();
        return 1;
    }
}
