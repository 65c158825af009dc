package org.understudy.examples.kv.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.understudy.client.balancer.BalancerException;
import org.understudy.client.balancer.ClientBalancer;
import org.understudy.client.balancer.Endpoint;
import org.understudy.client.balancer.FailureReason;
import org.understudy.client.balancer.Request;
import org.understudy.client.balancer.Response;
import org.understudy.client.balancer.spi.MemberSource;
import org.understudy.examples.kv.api.KvService.AddMemberResult;
import org.understudy.examples.kv.api.KvService.MemberView;
import org.understudy.examples.kv.di.KvNodes;
import org.understudy.examples.kv.http.KvHttpServer;
import org.understudy.examples.kv.http.KvHttpServerOptions;
import org.understudy.examples.kv.node.HostPort;
import org.understudy.examples.kv.node.InitialCluster;
import org.understudy.examples.kv.node.KvConfig;
import org.understudy.examples.kv.node.KvNode;
import org.understudy.examples.kv.node.TestPorts;
import org.understudy.examples.kv.rpc.proto.KvGetReply;

/**
 * Issue 6's integration test: real raft-kv members (in this JVM, memory storage, HTTP and peer
 * ports from the OS) behind the client balancer, with the HTTP adapters and with the binary-protocol
 * adapters (the same port), under client load from
 * several threads while the cluster goes through add-learner → start it → promote → remove an old
 * voter. Checks: no request ever reaches the learner (every send is recorded with the member's role
 * at that moment); every request succeeds, or fails only after bounded retries; no acknowledged
 * write is lost; and the promoted member does receive requests afterwards (so the first check can
 * fail). The load's random choices come from a seed printed on failure ({@code -Dbalancer.it.seed=N}).
 */
class BalancerMembershipChangeTest {
    private static final int MAX_ATTEMPTS = 10;
    private static final List<String> FOUNDERS = List.of("n1", "n2", "n3");

    @TempDir
    Path dir;

    private final Map<String, KvNode> nodes = new ConcurrentHashMap<>();
    private final Map<String, KvHttpServer> servers = new ConcurrentHashMap<>();
    private final Map<String, HostPort> peers = new ConcurrentHashMap<>();
    private final Map<String, HostPort> clients = new ConcurrentHashMap<>();
    private ClientBalancer balancer;
    private RpcClientTransport rpc;
    private ExecutorService load;

    @AfterEach
    void close() {
        if (load != null) {
            load.shutdownNow();
        }
        if (balancer != null) {
            balancer.close();
        }
        if (rpc != null) {
            rpc.close();
        }
        servers.values().forEach(KvHttpServer::close);
        nodes.values().forEach(KvNode::close);
    }

    private KvConfig.Builder config(String name) {
        peers.computeIfAbsent(name, n -> new HostPort("127.0.0.1", TestPorts.free()));
        clients.computeIfAbsent(name, n -> new HostPort("127.0.0.1", TestPorts.free()));
        return KvConfig.builder(name, dir.resolve(name)).storage("memory").listenPeer(peers.get(name))
                .listenClient(clients.get(name)).tickMillis(50);
    }

    private KvNode start(KvConfig config) {
        KvNode node = KvNodes.start(config);
        nodes.put(config.name(), node);
        servers.put(config.name(), KvHttpServer.start(node, KvHttpServerOptions.builder().name(config.name())
                .listen(config.listenClient().host(), config.listenClient().port()).build()));
        return node;
    }

    private void stop(String name) {
        servers.remove(name).close();
        nodes.remove(name).close();
    }

    private KvNode leader() {
        return await().atMost(Duration.ofSeconds(10)).until(() -> nodes.values().stream()
                .filter(n -> n.status().role().equals("leader")).findFirst(), Optional::isPresent).orElseThrow();
    }

    private static Endpoint endpoint(HostPort hp) {
        return Endpoint.of(hp.host(), hp.port());
    }

    /** Whether the member serving {@code ep} is a learner now, as the member itself says. */
    private boolean isLearnerNow(Endpoint ep) {
        for (var e : clients.entrySet()) {
            if (endpoint(e.getValue()).equals(ep)) {
                KvNode n = nodes.get(e.getKey());
                return n != null && n.status().learner();
            }
        }
        return false;
    }

    private static <T> T join(java.util.concurrent.CompletableFuture<T> f) throws Exception {
        return f.get(15, TimeUnit.SECONDS);
    }

    /** The two client protocols of a raft-kv port, each with its adapters. */
    enum Protocol { HTTP, RPC }

    @ParameterizedTest
    @EnumSource(Protocol.class)
    void noRequestReachesALearnerDuringAddPromoteRemove(Protocol protocol) throws Exception {
        long seed = Long.getLong("balancer.it.seed", System.nanoTime());
        String context = "seed " + seed + " (replay with -Dbalancer.it.seed=" + seed + ")";
        Random random = new Random(seed);

        FOUNDERS.forEach(this::config); // chooses the ports
        InitialCluster initial = InitialCluster.parse(String.join(",", FOUNDERS.stream()
                .map(n -> n + "=" + peers.get(n)).toList()));
        for (String n : FOUNDERS) {
            start(config(n).initialCluster(initial).build());
        }
        leader();
        // Every voter's client URL is published (the balancer learns voters from the member list).
        await().atMost(Duration.ofSeconds(10)).until(() -> join(leader().members()).members().stream()
                .allMatch(m -> !m.clientUrls().isEmpty()));

        RecordingTransport transport;
        MemberSource memberSource;
        if (protocol == Protocol.HTTP) {
            transport = new RecordingTransport(new HttpClientTransport(), this::isLearnerNow);
            memberSource = new HttpMemberSource(Duration.ofSeconds(2));
        } else {
            rpc = new RpcClientTransport();
            transport = new RecordingTransport(rpc, this::isLearnerNow);
            memberSource = new RpcMemberSource(rpc, Duration.ofSeconds(2));
        }
        balancer = ClientBalancer.builder()
                .transport(transport)
                .memberSource(memberSource)
                .seedEndpoints(FOUNDERS.stream().map(n -> endpoint(clients.get(n))).toList())
                .syncInterval(Duration.ofMillis(300))
                .minSyncInterval(Duration.ofMillis(100))
                .deadline(Duration.ofSeconds(10))
                .attemptTimeout(Duration.ofSeconds(2))
                .maxAttempts(MAX_ATTEMPTS)
                .random(new Random(seed))
                .clientName("it")
                .build();

        // Client load: writers (each write with a request id, so a retry after an ambiguous failure is safe)
        // and readers of acknowledged keys, linearizable and serializable.
        Map<String, String> acknowledged = new ConcurrentHashMap<>();
        List<String> ackedKeys = java.util.Collections.synchronizedList(new ArrayList<>());
        List<BalancerException> failures = java.util.Collections.synchronizedList(new ArrayList<>());
        List<String> wrongReads = java.util.Collections.synchronizedList(new ArrayList<>());
        AtomicInteger ok = new AtomicInteger();
        AtomicBoolean running = new AtomicBoolean(true);
        load = Executors.newFixedThreadPool(4);
        List<Future<?>> workers = new ArrayList<>();
        for (int w = 0; w < 2; w++) {
            int writer = w;
            long writerSeed = random.nextLong();
            workers.add(load.submit(() -> {
                Random r = new Random(writerSeed);
                for (int i = 0; running.get(); i++) {
                    String key = "w" + writer + "/k" + i;
                    String value = "v" + r.nextInt(1_000_000);
                    Request put = Request.write(KvOperation.put(key, value).encode())
                            .requestId("it-" + seed + "-" + key).retryAfterAmbiguousFailure().build();
                    if (outcome(put, failures, ok) != null) {
                        acknowledged.put(key, value);
                        ackedKeys.add(key);
                    }
                }
                return null;
            }));
        }
        for (int rd = 0; rd < 2; rd++) {
            long readerSeed = random.nextLong();
            workers.add(load.submit(() -> {
                Random r = new Random(readerSeed);
                while (running.get()) {
                    String key;
                    synchronized (ackedKeys) {
                        if (ackedKeys.isEmpty()) {
                            key = null;
                        } else {
                            key = ackedKeys.get(r.nextInt(ackedKeys.size()));
                        }
                    }
                    if (key == null) {
                        Thread.onSpinWait();
                        continue;
                    }
                    Request read = r.nextBoolean() ? Request.linearizableRead(KvOperation.get(key).encode()).build()
                            : Request.serializableRead(KvOperation.get(key).encode()).build();
                    Response got = outcome(read, failures, ok);
                    if (got != null && read.kind().name().equals("LINEARIZABLE_READ")) {
                        String value = readValue(protocol, got.payloadBytes());
                        if (!acknowledged.get(key).equals(value)) {
                            wrongReads.add(key + " -> " + value);
                        }
                    }
                }
                return null;
            }));
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> acknowledged.size() >= 20);

        // add-learner: the learner exists (and, once started, publishes its client URL) but gets nothing.
        KvNode leader = leader();
        config("n4"); // chooses its ports
        AddMemberResult added = join(leader.addMember("n4", List.of(peers.get("n4").toString()), true));
        long n4Id = Long.parseUnsignedLong(added.member().id(), 16);
        KvNode n4 = start(config("n4").initialCluster(InitialCluster.parse(added.initialCluster()))
                .initialClusterState(KvConfig.ClusterState.EXISTING).build());
        Set<Endpoint> n4Endpoint = Set.of(endpoint(clients.get("n4")));
        // Its client URL reaches the member list, so the balancer sees a learner with an endpoint.
        await().atMost(Duration.ofSeconds(15)).until(() -> join(leader().members()).members().stream()
                .anyMatch(m -> m.name().equals("n4") && m.learner() && !m.clientUrls().isEmpty()
                        && m.lag() == 0 && m.matchIndex() > 0));
        int mark = transport.sends.size(); // then a few hundred requests (several member syncs) with the learner listed
        await().atMost(Duration.ofSeconds(15)).until(() -> transport.sends.size() > mark + 300);
        assertThat(transport.sendsTo(n4Endpoint)).as("requests sent to the learner n4; %s", context).isZero();

        // promote once ready (a refusal for lag is retried), then remove a founder that does not lead.
        long promoteStart = System.nanoTime();
        await().atMost(Duration.ofSeconds(15)).ignoreExceptions().until(() -> {
            MemberView m = join(leader().promote(n4Id));
            return !m.learner();
        });
        await().atMost(Duration.ofSeconds(10)).until(() -> !n4.status().learner());
        String victim = FOUNDERS.stream().filter(n -> !nodes.get(n).status().role().equals("leader")).findFirst()
                .orElseThrow();
        long victimId = nodes.get(victim).memberId();
        await().atMost(Duration.ofSeconds(15)).ignoreExceptions().until(() -> {
            join(leader().removeMember(victimId));
            return true;
        });
        stop(victim);
        // The promoted member now takes requests (so the "never to a learner" check can see a send).
        long before = transport.sendsTo(n4Endpoint);
        await().atMost(Duration.ofSeconds(15)).until(() -> transport.sendsTo(n4Endpoint) > before + 5);
        long ackedBeforeStop = acknowledged.size();
        await().atMost(Duration.ofSeconds(10)).until(() -> acknowledged.size() >= ackedBeforeStop + 20);
        running.set(false);
        for (Future<?> f : workers) {
            f.get(30, TimeUnit.SECONDS);
        }

        // Never to a learner: no send reached a member while it was a learner, and none reached n4 before its promotion.
        assertThat(transport.sends).as(context).noneMatch(RecordingTransport.Send::toLearner);
        assertThat(transport.sends).as(context).filteredOn(s -> n4Endpoint.contains(s.endpoint()))
                .allMatch(s -> s.atNanos() > promoteStart);
        // Bounded retries only: every failure is a balancer verdict within the attempt budget, never a server refusal.
        for (BalancerException e : failures) {
            assertThat(e.attempts().size()).as("%s: %s", context, e.getMessage()).isLessThanOrEqualTo(MAX_ATTEMPTS);
            assertThat(e.reason()).as("%s: %s", context, e.getMessage()).isNotEqualTo(FailureReason.SERVER_ERROR);
        }
        assertThat(failures.size()).as("%s: failures %s of %s successes", context, failures, ok.get())
                .isLessThanOrEqualTo(ok.get() / 100);
        assertThat(wrongReads).as(context).isEmpty();

        // No acknowledged write is lost: every one reads back, linearizably, from the new cluster.
        KvNode now = leader();
        for (Map.Entry<String, String> e : acknowledged.entrySet()) {
            var got = join(now.get(e.getKey(), org.understudy.examples.kv.api.KvService.Consistency.LINEARIZABLE));
            assertThat(got.value().toStringUtf8()).as("%s: key %s", context, e.getKey()).isEqualTo(e.getValue());
        }
        System.out.printf("balancer IT (%s): %d ok, %d failed, %d acknowledged writes, sends %d, replies %s%n", context,
                ok.get(), failures.size(), acknowledged.size(), transport.sends.size(), transport.replies);
    }

    /** The value in a successful read's answer: JSON over HTTP, a {@code KvGetReply} over the binary protocol. */
    private static String readValue(Protocol protocol, byte[] payload) {
        if (protocol == Protocol.HTTP) {
            String body = new String(payload, StandardCharsets.UTF_8);
            int at = body.indexOf("\"value\":\"");
            return at < 0 ? body : body.substring(at + 9, body.indexOf('"', at + 9));
        }
        try {
            KvGetReply reply = KvGetReply.parseFrom(payload);
            return reply.getFound() ? reply.getValue().toStringUtf8() : "(absent)";
        } catch (com.google.protobuf.InvalidProtocolBufferException e) {
            return "(unreadable: " + e.getMessage() + ")";
        }
    }

    /** Submits and waits; a failure must be a {@link BalancerException} and is recorded. */
    private Response outcome(Request request, List<BalancerException> failures, AtomicInteger ok) {
        try {
            Response r = balancer.submit(request).get(30, TimeUnit.SECONDS);
            ok.incrementAndGet();
            return r;
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof BalancerException b) {
                if (b.reason() != FailureReason.CLOSED) {
                    failures.add(b);
                }
                return null;
            }
            throw new AssertionError("a request failed with something other than a BalancerException", e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        } catch (java.util.concurrent.TimeoutException e) {
            throw new AssertionError("a request did not complete within 30 s (its deadline is 10 s)", e);
        }
    }

}
