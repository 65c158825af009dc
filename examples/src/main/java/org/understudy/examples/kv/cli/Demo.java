package org.understudy.examples.kv.cli;

import com.google.protobuf.ByteString;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.stream.Stream;
import org.understudy.examples.kv.api.KvException;
import org.understudy.examples.kv.api.KvService.Consistency;
import org.understudy.examples.kv.api.KvService.MemberView;
import org.understudy.examples.kv.api.KvService.MembersView;
import org.understudy.examples.kv.di.KvNodes;
import org.understudy.examples.kv.node.HostPort;
import org.understudy.examples.kv.node.InitialCluster;
import org.understudy.examples.kv.node.KvConfig;
import org.understudy.examples.kv.node.KvNode;

/**
 * The learner lifecycle of issue 7, on a local cluster in one process, printed step by step: three
 * members found a cluster, keys are written, a fourth member is added as a learner, promoted too
 * early (refused, with its lag), started, watched as it catches up, asked to write (refused) and to
 * read (served, serializable), promoted, and finally a voter is removed. Members talk over the
 * real peer transport on loopback ports chosen by the OS; storage is in memory. Talks to the
 * members' {@code KvService} directly, the interface behind the HTTP API.
 */
final class Demo {
    private static final Duration STEP_TIMEOUT = Duration.ofSeconds(20);
    private static final long SNAPSHOT_COUNT = 500; // small, so the learner catches up from a snapshot, then the log

    private final PrintWriter out;
    private final int keys;
    private final Map<String, KvNode> nodes = new LinkedHashMap<>();
    private final Map<String, HostPort> peers = new LinkedHashMap<>();
    private final Map<String, HostPort> clients = new LinkedHashMap<>();
    private Path dir;
    private long started;

    Demo(PrintWriter out, int keys) {
        this.out = out;
        this.keys = keys;
    }

    int run() throws Exception {
        started = System.nanoTime();
        dir = Files.createTempDirectory("raft-kv-demo");
        try {
            for (String n : List.of("n1", "n2", "n3", "n4")) {
                peers.put(n, new HostPort("127.0.0.1", freePort()));
                clients.put(n, new HostPort("127.0.0.1", freePort()));
            }
            foundCluster();
            KvNode leader = awaitLeader();
            writeKeys(leader);
            long n4 = addLearner(leader);
            promoteTooEarly(leader, n4);
            KvNode learner = startLearner();
            watchCatchUp(n4);
            learnerRefusesWrites(learner);
            promote(n4);
            removeVoter();
            step("Done in " + seconds() + " s. The same steps against real processes: see the README's quick start.");
            return 0;
        } catch (KvException e) {
            out.println("The demo failed: " + e.code() + ": " + e.getMessage());
            return 1;
        } finally {
            for (KvNode n : nodes.values()) {
                n.close();
            }
            deleteQuietly(dir);
            out.flush();
        }
    }

    private void foundCluster() {
        step("Starting a 3-member cluster in this process: n1, n2, n3 (memory storage, loopback ports from the OS)");
        String initial = "n1=" + peers.get("n1") + ",n2=" + peers.get("n2") + ",n3=" + peers.get("n3");
        say("each member starts with --initial-cluster " + initial);
        for (String n : List.of("n1", "n2", "n3")) {
            nodes.put(n, KvNodes.start(config(n).initialCluster(InitialCluster.parse(initial)).build()));
        }
    }

    private KvConfig.Builder config(String name) {
        return KvConfig.builder(name, dir.resolve(name)).storage("memory").listenPeer(peers.get(name))
                .listenClient(clients.get(name)).snapshotCount(SNAPSHOT_COUNT).tickMillis(50);
    }

    private KvNode awaitLeader() throws InterruptedException {
        long deadline = System.nanoTime() + STEP_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            Optional<KvNode> leader = leader();
            if (leader.isPresent()) {
                var s = leader.get().status();
                say("elected: " + s.name() + " leads (id " + s.id() + ", term " + s.term() + ")");
                return leader.get();
            }
            Thread.sleep(50);
        }
        throw new IllegalStateException("no leader was elected within " + STEP_TIMEOUT.toSeconds() + " s");
    }

    private Optional<KvNode> leader() {
        return nodes.values().stream().filter(n -> n.status().role().equals("leader")).findFirst();
    }

    private void writeKeys(KvNode leader) throws Exception {
        step("Writing " + keys + " keys through the leader (pipelined)");
        long last = 0;
        List<CompletableFuture<org.understudy.examples.kv.api.KvService.PutResult>> window = new ArrayList<>();
        for (int i = 0; i < keys; i++) {
            window.add(leader.put(String.format("key-%05d", i), utf8("value " + i), OptionalLong.empty(),
                    Optional.empty()));
            if (window.size() == 200 || i == keys - 1) {
                for (var f : window) {
                    last = Math.max(last, get(f).revision());
                }
                window.clear();
            }
        }
        var put = get(leader.put("greeting", utf8("hello, learners"), OptionalLong.empty(), Optional.empty()));
        say("wrote " + keys + " keys and 'greeting'; the last revision (= log index) is " + Math.max(last, put.revision())
                + "; snapshots every " + SNAPSHOT_COUNT + " entries compact the log");
    }

    private long addLearner(KvNode leader) throws Exception {
        step("Adding n4 as a LEARNER (raft-kv ctl member add n4 --peer-url " + peers.get("n4") + ")");
        var added = get(leader.addMember("n4", List.of(peers.get("n4").toString()), true));
        say("n4 got id " + added.member().id() + "; it does not vote, so the quorum stays 2 of 3");
        say("start it with --initial-cluster-state existing --initial-cluster " + added.initialCluster());
        return Long.parseUnsignedLong(added.member().id(), 16);
    }

    private void promoteTooEarly(KvNode leader, long n4) throws InterruptedException {
        step("Promoting n4 right away, before it has even started: refused");
        try {
            get(leader.promote(n4));
            say("unexpectedly accepted");
        } catch (KvException e) {
            say(e.code() + ": " + e.getMessage());
            say("lag = " + e.details().get("lag") + " entries (promotion needs fewer than "
                    + e.details().getOrDefault("threshold", SNAPSHOT_COUNT / 10) + ")");
        }
    }

    private KvNode startLearner() throws Exception {
        step("Starting n4 with --initial-cluster-state existing: it learns its id from the leader's first contact");
        String initial = String.join(",", peers.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList());
        KvNode n4 = KvNodes.start(config("n4").initialCluster(InitialCluster.parse(initial))
                .initialClusterState(KvConfig.ClusterState.EXISTING).build());
        nodes.put("n4", n4);
        say("n4 is running (id " + n4.status().id() + ") and receives the leader's snapshot, then the log");
        return n4;
    }

    private void watchCatchUp(long n4) throws Exception {
        step("Watching n4 catch up (raft-kv ctl member add ... --wait shows the same bar)");
        String hex = Long.toHexString(n4);
        long deadline = System.nanoTime() + STEP_TIMEOUT.toNanos();
        String last = "";
        while (System.nanoTime() < deadline) {
            KvNode leader = leader().orElse(null);
            if (leader != null) {
                MemberView m = get(leader.members()).members().stream().filter(v -> v.id().equals(hex)).findFirst()
                        .orElseThrow();
                String line = ProgressBar.render(m.matchIndex(), m.lag());
                if (!line.equals(last)) {
                    say("n4 " + line);
                    last = line;
                }
                if (m.matchIndex() > 0 && m.lag() == 0) {
                    say("n4 has caught up: it holds every entry, the snapshot's keys included ("
                            + nodes.get("n4").status().appliedIndex() + " applied)");
                    return;
                }
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("n4 did not catch up within " + STEP_TIMEOUT.toSeconds() + " s");
    }

    private void learnerRefusesWrites(KvNode learner) throws InterruptedException {
        step("Asking the learner n4 to write: refused (it has no vote)");
        try {
            get(learner.put("from-learner", utf8("x"), OptionalLong.empty(), Optional.empty()));
            say("unexpectedly accepted");
        } catch (KvException e) {
            say(e.code() + ": " + e.getMessage());
        }
        step("Asking n4 for a serializable read: served from its own copy");
        var r = get(learner.get("greeting", Consistency.SERIALIZABLE));
        say("greeting = '" + r.value().toStringUtf8() + "' (revision " + r.revision() + ")");
        try {
            get(learner.get("greeting", Consistency.LINEARIZABLE));
        } catch (KvException e) {
            say("a linearizable read is refused: " + e.code() + " (start with --learner-reads linearizable to allow it)");
        }
    }

    private void promote(long n4) throws Exception {
        step("Promoting n4 now that it has caught up (raft-kv ctl member promote " + Long.toHexString(n4) + ")");
        get(leader().orElseThrow().promote(n4));
        say("n4 is a voter: the quorum is now 3 of 4");
        printMembers();
    }

    private void removeVoter() throws Exception {
        KvNode leader = leader().orElseThrow();
        String victim = nodes.entrySet().stream()
                .filter(e -> !e.getValue().status().role().equals("leader") && !e.getKey().equals("n4"))
                .map(Map.Entry::getKey).findFirst().orElseThrow();
        KvNode gone = nodes.get(victim);
        step("Removing " + victim + " (raft-kv ctl member remove " + Long.toHexString(gone.memberId()) + ")");
        get(leader.removeMember(gone.memberId()));
        nodes.remove(victim).close();
        say(victim + " is gone; the quorum is 2 of 3 again");
        var w = get(leader().orElseThrow().put("after-remove", utf8("still writable"), OptionalLong.empty(),
                Optional.empty()));
        say("a write after the change committed at revision " + w.revision());
        printMembers();
    }

    private void printMembers() throws Exception {
        MembersView view = get(leader().orElseThrow().members());
        Table t = new Table("ID", "NAME", "ROLE", "PEER", "MATCH", "LAG");
        view.members().stream().sorted(Comparator.comparing(MemberView::name)).forEach(m -> t.row(m.id(), m.name(),
                (m.learner() ? "learner" : "voter") + (m.id().equals(view.leader()) ? " (leader)" : ""),
                String.join(",", m.peerUrls()), m.matchIndex() < 0 ? "-" : m.matchIndex(), m.lag() < 0 ? "-" : m.lag()));
        out.println();
        t.print(out);
    }

    private void step(String text) {
        out.println();
        out.println("[" + seconds() + " s] ==> " + text);
        out.flush();
    }

    private void say(String text) {
        out.println("    " + text);
        out.flush();
    }

    private String seconds() {
        return String.format("%.1f", (System.nanoTime() - started) / 1e9);
    }

    private static <T> T get(CompletableFuture<T> f) throws InterruptedException {
        try {
            return f.get(STEP_TIMEOUT.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (ExecutionException | CompletionException e) {
            Throwable c = e.getCause();
            if (c instanceof KvException kv) {
                throw kv;
            }
            throw new IllegalStateException(c);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("no answer within " + STEP_TIMEOUT.toSeconds() + " s", e);
        }
    }

    private static ByteString utf8(String s) {
        return ByteString.copyFrom(s, StandardCharsets.UTF_8);
    }

    /** A port the OS says is free now (bound and released; the members bind it a moment later). */
    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        }
    }

    private static void deleteQuietly(Path root) {
        if (root == null) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a temp dir left behind is harmless
        }
    }
}
