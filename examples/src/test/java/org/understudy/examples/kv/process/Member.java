package org.understudy.examples.kv.process;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * One member of a {@link ProcessCluster}: its name, loopback ports, data dir and the exact
 * {@code raft-kv server} command line it runs with. A restart reuses the same command line, as an
 * operator's service manager would; {@link #runs()} counts the JVMs started for it.
 */
final class Member {
    private final String name;
    private final int peerPort;
    private final int clientPort;
    private final Path dataDir;
    private final List<String> serverArgs;
    private final List<JavaProcess> runs = new ArrayList<>();
    private String idHex = "";

    /**
     * @param clusterFlags {@code --initial-cluster ... --initial-cluster-state ...} and any other
     *     flags (storage, snapshot count) after the member's own name, data dir and addresses
     */
    Member(String name, int peerPort, int clientPort, Path dataDir, List<String> clusterFlags) {
        this.name = name;
        this.peerPort = peerPort;
        this.clientPort = clientPort;
        this.dataDir = dataDir;
        List<String> args = new ArrayList<>(List.of("server", "--name", name, "--data-dir", dataDir.toString(),
                "--listen-peer", peer(), "--listen-client", endpoint()));
        args.addAll(clusterFlags);
        this.serverArgs = List.copyOf(args);
    }

    String name() {
        return name;
    }

    /** {@code 127.0.0.1:PORT} of the Raft transport. */
    String peer() {
        return "127.0.0.1:" + peerPort;
    }

    /** {@code 127.0.0.1:PORT} of the HTTP API. */
    String endpoint() {
        return "127.0.0.1:" + clientPort;
    }

    Path dataDir() {
        return dataDir;
    }

    List<String> serverArgs() {
        return serverArgs;
    }

    /** The member id (hex) its server printed when it started; empty before. */
    String idHex() {
        return idHex;
    }

    void idHex(String id) {
        this.idHex = id;
    }

    /** The JVM running now (or the last one, if it was killed). */
    JavaProcess process() {
        if (runs.isEmpty()) {
            throw new IllegalStateException(name + " was never started");
        }
        return runs.get(runs.size() - 1);
    }

    boolean isRunning() {
        return !runs.isEmpty() && process().isAlive();
    }

    List<JavaProcess> runs() {
        return runs;
    }

    /** The label of the next run's files: {@code n1-1}, {@code n1-2}, ... */
    String nextLabel() {
        return name + "-" + (runs.size() + 1);
    }

    @Override
    public String toString() {
        return name + "{peer " + peer() + ", client " + endpoint() + (idHex.isEmpty() ? "" : ", id " + idHex) + "}";
    }
}
