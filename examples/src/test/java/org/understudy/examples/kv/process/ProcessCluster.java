package org.understudy.examples.kv.process;

import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.core.ConditionTimeoutException;

/**
 * Real {@code raft-kv server} JVMs on loopback ports from the OS, each with its own data dir under
 * one work dir; kills every process it started on {@link #close()} (and a JVM shutdown hook in
 * {@link JavaProcess} does the same if the test JVM dies).
 *
 * <p>A founding member whose port was taken between picking and binding fails to start with
 * "cannot listen"; since every founder's peer address is in every founder's
 * {@code --initial-cluster}, {@link #found} then stops the whole attempt and starts over with new
 * ports and empty data dirs (a few times at most).
 */
final class ProcessCluster implements AutoCloseable {
    /** A JVM start on a busy two-core machine, several at once, plus Raft's first election. */
    static final Duration START_TIMEOUT = Duration.ofSeconds(90);
    static final Duration ELECTION_TIMEOUT = Duration.ofSeconds(60);
    private static final int FOUND_ATTEMPTS = 3;
    private static final Pattern STARTED = Pattern.compile(
            "raft-kv member '([^']+)' \\(id ([0-9a-f]+), cluster ([^)]+)\\) (started|resumed):");

    /** A server that could not bind one of its ports. */
    static final class BindFailure extends RuntimeException {
        BindFailure(String message) {
            super(message);
        }
    }

    private final Path workDir;
    private final KvHttp http;
    private final Map<String, Member> members = new LinkedHashMap<>();

    private ProcessCluster(Path workDir, KvHttp http) {
        this.workDir = workDir;
        this.http = http;
    }

    /**
     * Founds a cluster of {@code names}, all started at once with {@code --initial-cluster-state
     * new}, and waits until they agree on a leader.
     *
     * @param flags more server flags for every member ({@code --storage}, {@code --snapshot-count}, ...)
     */
    static ProcessCluster found(Path workDir, List<String> names, List<String> flags) {
        return found(workDir, names, flags, new KvHttp());
    }

    /**
     * Like {@link #found(Path, List, List)}, with the client the cluster is watched and driven with
     * ({@link #http()}): an https one for members started with {@code --tls-*}.
     */
    static ProcessCluster found(Path workDir, List<String> names, List<String> flags, KvHttp http) {
        BindFailure last = null;
        for (int attempt = 1; attempt <= FOUND_ATTEMPTS; attempt++) {
            ProcessCluster cluster = new ProcessCluster(workDir.resolve("attempt-" + attempt), http);
            try {
                cluster.foundMembers(names, flags);
                cluster.awaitLeader();
                return cluster;
            } catch (BindFailure e) {
                System.out.println("[process-tests] attempt " + attempt + " to found " + names + " hit a taken port,"
                        + " retrying with new ports: " + e.getMessage());
                cluster.close();
                last = e;
            } catch (RuntimeException | Error e) {
                cluster.close();
                throw e;
            }
        }
        throw new AssertionError("could not found " + names + " in " + FOUND_ATTEMPTS + " attempts", last);
    }

    private void foundMembers(List<String> names, List<String> flags) {
        Map<String, int[]> ports = new LinkedHashMap<>();
        List<String> cluster = new ArrayList<>();
        for (String n : names) {
            int[] p = {FreePorts.pick(), FreePorts.pick()};
            ports.put(n, p);
            cluster.add(n + "=127.0.0.1:" + p[0]);
        }
        List<String> clusterFlags = new ArrayList<>(List.of("--initial-cluster", String.join(",", cluster),
                "--initial-cluster-state", "new"));
        clusterFlags.addAll(flags);
        for (String n : names) {
            members.put(n, new Member(n, ports.get(n)[0], ports.get(n)[1], workDir.resolve("data-" + n), clusterFlags));
        }
        members.values().forEach(this::launch);
        members.values().forEach(this::awaitStarted);
    }

    /**
     * Starts a member that joins this running cluster ({@code --initial-cluster-state existing})
     * after {@code ctl member add}; returns once its server says it started, i.e. once the leader has
     * contacted it and it knows its id.
     */
    Member join(String name, int peerPort, String initialCluster, List<String> flags) {
        List<String> clusterFlags = new ArrayList<>(List.of("--initial-cluster", initialCluster,
                "--initial-cluster-state", "existing"));
        clusterFlags.addAll(flags);
        Member m = new Member(name, peerPort, FreePorts.pick(), workDir.resolve("data-" + name), clusterFlags);
        members.put(name, m);
        launch(m);
        awaitStarted(m);
        return m;
    }

    /** Kills the member's JVM with SIGKILL: it gets no chance to flush or close anything. */
    void kill9(Member m) {
        m.process().kill9();
    }

    /** Kills every running member at once (as a power cut would), then waits until all are gone. */
    void kill9All() {
        List<JavaProcess> running = members.values().stream().filter(Member::isRunning).map(Member::process).toList();
        running.forEach(JavaProcess::sigkill); // every signal first: the members die within microseconds
        running.forEach(JavaProcess::awaitKilled);
    }

    /**
     * Starts the member again with the very same command line and data dir; returns once it says
     * it {@code resumed} (a restart that founds or joins anew would be a bug).
     */
    void restart(Member m) {
        restart(m, List.of());
    }

    /**
     * Like {@link #restart(Member)}, with {@code extraFlags} after the member's command line for
     * this run only (e.g. {@code --force-new-cluster}).
     */
    void restart(Member m, List<String> extraFlags) {
        if (m.isRunning()) {
            throw new IllegalStateException(m.name() + " still runs");
        }
        launch(m, extraFlags);
        String how = awaitStarted(m);
        if (!how.equals("resumed")) {
            throw new AssertionError(m.name() + " was restarted on its data dir but says it " + how + ". "
                    + m.process().stdoutText());
        }
    }

    /** Restarts every member that is not running, all at once. */
    void restartAll() {
        List<Member> down = members.values().stream().filter(m -> !m.isRunning()).toList();
        down.forEach(this::launch);
        for (Member m : down) {
            String how = awaitStarted(m);
            if (!how.equals("resumed")) {
                throw new AssertionError(m.name() + " was restarted on its data dir but says it " + how);
            }
        }
    }

    private void launch(Member m) {
        launch(m, List.of());
    }

    private void launch(Member m, List<String> extraFlags) {
        List<String> args = new ArrayList<>(m.serverArgs());
        args.addAll(extraFlags);
        m.runs().add(JavaProcess.start(workDir, m.nextLabel(), args));
    }

    /** Waits for the server's "started"/"resumed" line; returns which. */
    private String awaitStarted(Member m) {
        JavaProcess p = m.process();
        try {
            await().atMost(START_TIMEOUT).pollInterval(Duration.ofMillis(100))
                    .until(() -> STARTED.matcher(p.stdoutText()).find() || !p.isAlive());
        } catch (ConditionTimeoutException e) {
            throw new AssertionError(m + " printed no start line within " + START_TIMEOUT + ". " + p.stderrTail(40), e);
        }
        Matcher started = STARTED.matcher(p.stdoutText());
        if (!started.find()) {
            String err = p.stderrText();
            if (err.contains("cannot listen")) {
                throw new BindFailure(m + ": " + err.lines().filter(l -> l.contains("cannot listen")).findFirst()
                        .orElse(err));
            }
            throw new AssertionError(m + " ended (exit " + p.waitForExit(Duration.ofSeconds(5)) + ") before it started. "
                    + p.stderrTail(40));
        }
        if (!started.group(1).equals(m.name())) {
            throw new AssertionError("the server started for " + m.name() + " calls itself " + started.group(1));
        }
        if (!m.idHex().isEmpty() && !m.idHex().equals(started.group(2))) {
            throw new AssertionError(m.name() + " came back with id " + started.group(2) + ", not " + m.idHex());
        }
        m.idHex(started.group(2));
        return started.group(4);
    }

    /**
     * Waits until every running member answers its status, exactly one says it is the leader, and
     * all the others name it as their leader; returns it.
     */
    Member awaitLeader() {
        List<Member> running = running();
        try {
            return await().atMost(ELECTION_TIMEOUT).pollInterval(Duration.ofMillis(100))
                    .until(() -> agreedLeader(running), Optional::isPresent).orElseThrow();
        } catch (ConditionTimeoutException e) {
            StringBuilder why = new StringBuilder("the members " + running + " agreed on no leader within "
                    + ELECTION_TIMEOUT + "; their status:");
            running.forEach(m -> why.append("\n  ").append(m.name()).append(": ").append(http.status(m.endpoint())));
            running.forEach(m -> why.append("\n").append(m.process().stderrTail(15)));
            throw new AssertionError(why.toString(), e);
        }
    }

    private Optional<Member> agreedLeader(List<Member> running) {
        String leaderId = null;
        Member leader = null;
        List<String> named = new ArrayList<>();
        for (Member m : running) {
            KvHttp.Reply s = http.status(m.endpoint());
            if (s.status() != 200) {
                return Optional.empty();
            }
            if (s.str("role").equals("leader")) {
                if (leader != null) {
                    return Optional.empty();
                }
                leader = m;
                leaderId = s.str("id");
            }
            named.add(s.str("leader"));
        }
        String id = leaderId;
        return leader != null && named.stream().allMatch(n -> n.equals(id)) ? Optional.of(leader) : Optional.empty();
    }

    Member member(String name) {
        Member m = members.get(name);
        if (m == null) {
            throw new IllegalArgumentException("no member " + name + " in " + members.keySet());
        }
        return m;
    }

    Collection<Member> members() {
        return members.values();
    }

    List<Member> running() {
        return members.values().stream().filter(Member::isRunning).toList();
    }

    /** Every member's client address, comma-separated, as {@code ctl --endpoints} takes them. */
    String endpoints() {
        return String.join(",", members.values().stream().map(Member::endpoint).toList());
    }

    Path workDir() {
        return workDir;
    }

    KvHttp http() {
        return http;
    }

    /** Kills every process this cluster started; keeps the work dir (its logs) for a failure's post-mortem. */
    @Override
    public void close() {
        for (Member m : members.values()) {
            m.runs().forEach(JavaProcess::close);
        }
    }
}
