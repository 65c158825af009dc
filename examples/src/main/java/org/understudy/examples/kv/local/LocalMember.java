package org.understudy.examples.kv.local;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * One member of a {@link LocalCluster}: its name, loopback ports, data dir and the exact
 * {@code raft-kv server} command line it runs with. A restart reuses the command line, as a
 * service manager would; {@link #runs()} holds every JVM started for it, the last one current.
 */
public final class LocalMember {
    private final String name;
    private final int peerPort;
    private final int clientPort;
    private final Path dataDir;
    private final List<String> serverArgs;
    private final List<ServerProcess> runs = new ArrayList<>();
    private volatile String idHex = "";

    /**
     * @param clusterFlags {@code --initial-cluster ... --initial-cluster-state ...} and any other
     *     server flags, after the member's own name, data dir and addresses
     */
    LocalMember(String name, int peerPort, int clientPort, Path dataDir, List<String> clusterFlags) {
        this.name = name;
        this.peerPort = peerPort;
        this.clientPort = clientPort;
        this.dataDir = dataDir;
        List<String> args = new ArrayList<>(List.of("server", "--name", name, "--data-dir", dataDir.toString(),
                "--listen-peer", peer(), "--listen-client", endpoint()));
        args.addAll(clusterFlags);
        this.serverArgs = List.copyOf(args);
    }

    public String name() {
        return name;
    }

    /** {@code 127.0.0.1:PORT} of its Raft transport. */
    public String peer() {
        return "127.0.0.1:" + peerPort;
    }

    public int peerPort() {
        return peerPort;
    }

    /** {@code 127.0.0.1:PORT} of its HTTP API. */
    public String endpoint() {
        return "127.0.0.1:" + clientPort;
    }

    public Path dataDir() {
        return dataDir;
    }

    /** {@code server ...}: what follows the main class on its command line. */
    public List<String> serverArgs() {
        return serverArgs;
    }

    /** The member id (hex) its server printed when it started; empty before. */
    public String idHex() {
        return idHex;
    }

    void idHex(String id) {
        this.idHex = id;
    }

    /** The JVM running now, or the last one if it ended. */
    public synchronized ServerProcess process() {
        if (runs.isEmpty()) {
            throw new IllegalStateException(name + " was never started");
        }
        return runs.get(runs.size() - 1);
    }

    public synchronized boolean isRunning() {
        return !runs.isEmpty() && process().isAlive();
    }

    /** Every JVM started for this member, oldest first. */
    public synchronized List<ServerProcess> runs() {
        return List.copyOf(runs);
    }

    synchronized void started(ServerProcess p) {
        runs.add(p);
    }

    /** The label of the next run's files: {@code n1-1}, {@code n1-2}, ... */
    synchronized String nextLabel() {
        return name + "-" + (runs.size() + 1);
    }

    @Override
    public String toString() {
        return name + "{peer " + peer() + ", client " + endpoint() + (idHex.isEmpty() ? "" : ", id " + idHex) + "}";
    }
}
