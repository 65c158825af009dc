package org.understudy.examples.kv.local;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.understudy.examples.kv.local.LocalClusterException.Reason;

/**
 * raft-kv members as processes on this machine: each {@code raft-kv server} its own JVM
 * ({@link ServerProcess}), on 127.0.0.1 ports from the OS ({@link FreePort}), with a data dir
 * under one work dir. For benchmarks, chaos drivers and multi-process tests.
 *
 * <p><b>Ports.</b> A picked port is not reserved, so a server may find it taken and exit with
 * "cannot listen". {@link #found} then stops the whole attempt and starts over in a fresh
 * {@code attempt-N} dir with new ports (every founder's peer address is in every founder's
 * {@code --initial-cluster}, so one member cannot be moved alone); {@link #join} starts the member
 * again on a new client port (its peer port was registered by {@code member add} and cannot change).
 *
 * <p><b>Stopping.</b> {@link #close()} sends SIGTERM to every running member, then SIGKILL to any
 * still running after {@link LocalClusterOptions#stopGrace()}; a JVM shutdown hook kills what is
 * left if this JVM dies first. The work dir is left as it is (its logs are the post-mortem): the
 * caller deletes it.
 */
public final class LocalCluster implements AutoCloseable {
    private static final int FOUND_ATTEMPTS = 3;
    private static final int JOIN_ATTEMPTS = 3;
    private static final Duration POLL = Duration.ofMillis(100);
    private static final Pattern STARTED = Pattern.compile(
            "raft-kv member '([^']+)' \\(id ([0-9a-f]+), cluster ([^)]+)\\) (started|resumed):");

    private final Path workDir;
    private final LocalClusterOptions options;
    private final StatusProbe probe = new StatusProbe(Duration.ofSeconds(3));
    private final Map<String, LocalMember> members = new LinkedHashMap<>();

    private LocalCluster(Path workDir, LocalClusterOptions options) {
        this.workDir = workDir;
        this.options = options;
    }

    /**
     * Founds a cluster of {@code names}, all started at once with {@code --initial-cluster-state
     * new}, and returns once they agree on a leader.
     *
     * @param flags more server flags for every member ({@code --snapshot-count}, {@code --storage}, ...)
     * @throws LocalClusterException when a member does not start (after {@value #FOUND_ATTEMPTS}
     *     attempts if ports were taken) or no leader is elected; every process started is stopped
     */
    public static LocalCluster found(Path workDir, List<String> names, List<String> flags, LocalClusterOptions options) {
        LocalClusterException last = null;
        for (int attempt = 1; attempt <= FOUND_ATTEMPTS; attempt++) {
            LocalCluster cluster = new LocalCluster(workDir.resolve("attempt-" + attempt), options);
            try {
                cluster.foundMembers(names, flags);
                cluster.awaitLeader();
                return cluster;
            } catch (LocalClusterException e) {
                cluster.close();
                if (e.reason() != Reason.PORT_TAKEN) {
                    throw e;
                }
                last = e;
            } catch (RuntimeException | Error e) {
                cluster.close();
                throw e;
            }
        }
        throw last;
    }

    private void foundMembers(List<String> names, List<String> flags) {
        Map<String, int[]> ports = new LinkedHashMap<>();
        List<String> initial = new ArrayList<>();
        for (String n : names) {
            int[] p = {FreePort.pick(), FreePort.pick()};
            ports.put(n, p);
            initial.add(n + "=127.0.0.1:" + p[0]);
        }
        List<String> clusterFlags = new ArrayList<>(List.of("--initial-cluster", String.join(",", initial),
                "--initial-cluster-state", "new"));
        clusterFlags.addAll(flags);
        List<LocalMember> founders = new ArrayList<>();
        for (String n : names) {
            founders.add(add(new LocalMember(n, ports.get(n)[0], ports.get(n)[1], workDir.resolve("data-" + n),
                    clusterFlags)));
        }
        founders.forEach(m -> launch(m, List.of()));
        founders.forEach(this::awaitStarted);
    }

    /**
     * Starts a member that joins this running cluster ({@code --initial-cluster-state existing}),
     * after {@code member add} registered it with peer address {@code 127.0.0.1:peerPort}; returns
     * once its server printed its start line (the leader has contacted it and it knows its id).
     *
     * @param initialCluster the {@code initialCluster} that {@code member add} answered
     */
    public LocalMember join(String name, int peerPort, String initialCluster, List<String> flags) {
        List<String> clusterFlags = new ArrayList<>(List.of("--initial-cluster", initialCluster,
                "--initial-cluster-state", "existing"));
        clusterFlags.addAll(flags);
        LocalClusterException last = null;
        for (int attempt = 1; attempt <= JOIN_ATTEMPTS; attempt++) {
            LocalMember m = add(new LocalMember(name, peerPort, FreePort.pick(), workDir.resolve("data-" + name),
                    clusterFlags));
            launch(m, List.of());
            try {
                awaitStarted(m);
                return m;
            } catch (LocalClusterException e) {
                m.process().stop(options.stopGrace());
                if (e.reason() != Reason.PORT_TAKEN || !e.getMessage().contains("--listen-client")) {
                    throw e;
                }
                last = e; // only the client port was taken: try another (the data dir is resumed)
            }
        }
        throw last;
    }

    /**
     * Starts a stopped member again with the very same command line and data dir; returns once it
     * says it {@code resumed} (a restart that founds or joins anew would be a bug).
     */
    public void restart(LocalMember m) {
        if (m.isRunning()) {
            throw new IllegalStateException(m.name() + " still runs");
        }
        launch(m, List.of());
        String how = awaitStarted(m);
        if (!how.equals("resumed")) {
            throw new IllegalStateException(m.name() + " was restarted on its data dir but says it " + how);
        }
    }

    /** SIGTERM, then SIGKILL after the stop grace; returns the exit status. */
    public int stop(LocalMember m) {
        return m.process().stop(options.stopGrace());
    }

    /** SIGKILL: the member gets no chance to flush or close anything. */
    public int kill9(LocalMember m) {
        return m.process().kill9();
    }

    /**
     * Waits until every running member answers its status, exactly one says it leads, and all
     * the others name it as their leader; returns it.
     */
    public LocalMember awaitLeader() {
        List<LocalMember> running = running();
        AtomicReference<LocalMember> leader = new AtomicReference<>();
        if (!Poll.until(options.electionTimeout(), POLL, () -> {
            agreedLeader(running).ifPresent(leader::set);
            return leader.get() != null;
        })) {
            StringBuilder why = new StringBuilder("the members " + running + " agreed on no leader within "
                    + options.electionTimeout() + "; their status:");
            running.forEach(m -> why.append("\n  ").append(m.name()).append(": ").append(probe.status(m.endpoint())));
            throw new LocalClusterException(Reason.NO_LEADER, why.toString());
        }
        return leader.get();
    }

    private Optional<LocalMember> agreedLeader(List<LocalMember> running) {
        LocalMember leader = null;
        List<String> named = new ArrayList<>();
        String leaderId = null;
        for (LocalMember m : running) {
            Optional<MemberStatus> s = probe.status(m.endpoint());
            if (s.isEmpty()) {
                return Optional.empty();
            }
            if (s.get().isLeader()) {
                if (leader != null) {
                    return Optional.empty();
                }
                leader = m;
                leaderId = s.get().id();
            }
            named.add(s.get().leader());
        }
        String id = leaderId;
        return leader != null && named.stream().allMatch(n -> n.equals(id)) ? Optional.of(leader) : Optional.empty();
    }

    private void launch(LocalMember m, List<String> extraArgs) {
        List<String> args = new ArrayList<>(m.serverArgs());
        args.addAll(extraArgs);
        m.started(ServerProcess.start(workDir, m.nextLabel(), options, args));
    }

    /** Waits for the server's start line; returns {@code started} or {@code resumed}. */
    private String awaitStarted(LocalMember m) {
        ServerProcess p = m.process();
        Poll.until(options.startTimeout(), POLL, () -> STARTED.matcher(p.stdoutText()).find() || !p.isAlive());
        Matcher started = STARTED.matcher(p.stdoutText());
        if (!started.find()) {
            if (p.isAlive()) {
                throw new LocalClusterException(Reason.NO_START_LINE, m + " printed no start line within "
                        + options.startTimeout() + ". " + p.stderrTail(30));
            }
            String err = p.stderrText();
            Optional<String> portTaken = err.lines().filter(l -> l.contains("cannot listen")).findFirst();
            if (portTaken.isPresent()) {
                throw new LocalClusterException(Reason.PORT_TAKEN, m + ": " + portTaken.get());
            }
            throw new LocalClusterException(Reason.EXITED_AT_START, m + " ended (exit "
                    + p.waitForExit(Duration.ofSeconds(10)) + ") before it started. " + p.stderrTail(60));
        }
        if (!started.group(1).equals(m.name())) {
            throw new IllegalStateException("the server started for " + m.name() + " calls itself " + started.group(1));
        }
        if (!m.idHex().isEmpty() && !m.idHex().equals(started.group(2))) {
            throw new IllegalStateException(m.name() + " came back with id " + started.group(2) + ", not " + m.idHex());
        }
        m.idHex(started.group(2));
        return started.group(4);
    }

    private synchronized LocalMember add(LocalMember m) {
        members.put(m.name(), m);
        return m;
    }

    public synchronized LocalMember member(String name) {
        LocalMember m = members.get(name);
        if (m == null) {
            throw new IllegalArgumentException("no member " + name + " in " + members.keySet());
        }
        return m;
    }

    /** Every member ever started here, in the order they were added. */
    public synchronized List<LocalMember> members() {
        return List.copyOf(members.values());
    }

    public synchronized List<LocalMember> running() {
        return members.values().stream().filter(LocalMember::isRunning).toList();
    }

    /** Every member's client address, comma-separated, as {@code ctl --endpoints} takes them. */
    public String endpoints() {
        return String.join(",", members().stream().map(LocalMember::endpoint).toList());
    }

    /** Where this cluster's data dirs and process output are (an {@code attempt-N} dir below the one given to {@link #found}). */
    public Path workDir() {
        return workDir;
    }

    public StatusProbe probe() {
        return probe;
    }

    /**
     * Stops every process this cluster started: SIGTERM to all at once, then each gets the stop
     * grace before SIGKILL. Keeps the work dir.
     */
    @Override
    public void close() {
        List<ServerProcess> all = new ArrayList<>();
        for (LocalMember m : members()) {
            all.addAll(m.runs());
        }
        all.stream().filter(ServerProcess::isAlive).forEach(ServerProcess::terminate);
        for (ServerProcess p : all) {
            p.stop(options.stopGrace());
        }
    }
}
