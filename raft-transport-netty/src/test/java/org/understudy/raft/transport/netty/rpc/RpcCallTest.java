package org.understudy.raft.transport.netty.rpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.understudy.raft.transport.netty.rpc.RpcFixture.ECHO;
import static org.understudy.raft.transport.netty.rpc.RpcFixture.WAIT;
import static org.understudy.raft.transport.netty.rpc.RpcFixture.bytes;
import static org.understudy.raft.transport.netty.rpc.RpcFixture.count;
import static org.understudy.raft.transport.netty.rpc.RpcFixture.failure;
import static org.understudy.raft.transport.netty.rpc.RpcFixture.result;

import com.google.protobuf.ByteString;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.understudy.raft.ErrorCode;
import org.understudy.raft.RaftException;
import org.understudy.raft.transport.netty.peer.IoKind;

/** Calls over loopback: round trips, multiplexing, timeouts, deadlines, typed errors, limits. */
class RpcCallTest {
    private final RpcFixture fixture = new RpcFixture();

    @AfterEach
    void closeAll() {
        fixture.close();
    }

    @Test
    void anEchoRoundTripCarriesPayloadRequestKeyAndDeadline() throws Exception {
        List<RpcContext> contexts = Collections.synchronizedList(new ArrayList<>());
        RpcServer server = fixture.server(Map.of("echo", (ctx, request) -> {
            contexts.add(ctx);
            return CompletableFuture.completedFuture(request.concat(bytes("!")));
        }));
        RpcClient client = fixture.client(server);

        assertThat(result(client.call("echo", bytes("hello"), Duration.ofSeconds(10), "put-42"))).isEqualTo("hello!");
        assertThat(result(client.call("echo", ByteString.EMPTY, Duration.ofSeconds(10)))).isEqualTo("!");

        assertThat(client.isConnected()).isTrue();
        assertThat(contexts).hasSize(2);
        RpcContext first = contexts.get(0);
        assertThat(first.method()).isEqualTo("echo");
        assertThat(first.requestKey()).contains("put-42");
        assertThat(contexts.get(1).requestKey()).isEmpty();
        assertThat(first.timeRemaining()).hasValueSatisfying(d -> assertThat(d).isLessThanOrEqualTo(Duration.ofSeconds(10)));
        assertThat(first.requestId()).isNotEqualTo(contexts.get(1).requestId());
        assertThat(count(server, "calls", "method", "echo", "code", "OK")).isEqualTo(2);
    }

    @Test
    void nioWorksAsWellAsEpoll() throws Exception {
        RpcServer server = fixture.server(b -> b.preferNativeTransport(false), Map.of("echo", ECHO));
        RpcClient client = fixture.client(server, b -> b.preferNativeTransport(false));
        assertThat(server.ioKind()).isEqualTo(IoKind.NIO);
        assertThat(client.ioKind()).isEqualTo(IoKind.NIO);
        assertThat(result(client.call("echo", bytes("over NIO"), WAIT))).isEqualTo("over NIO");
    }

    @Test
    void aHostNameIsResolvedAndAnUnknownOneFailsAsNotSent() throws Exception {
        RpcServer server = fixture.server(Map.of("echo", ECHO));
        // the callback executor is the event loop here: lookups have threads of their own
        RpcClient client = fixture.add(new RpcClient(RpcClientOptions.builder("localhost", server.localAddress().getPort())
                .callbackExecutor(Runnable::run).build()));
        assertThat(result(client.call("echo", bytes("by name"), WAIT))).isEqualTo("by name");
        RpcClient nowhere = fixture.add(new RpcClient(RpcClientOptions.builder("no-such-host.invalid", 1).build()));
        RaftException e = failure(nowhere.call("echo", bytes("?"), WAIT));
        assertThat(e.getMessage()).contains("cannot resolve host 'no-such-host.invalid'");
        assertThat(e.details()).containsEntry("outcome", "not-sent");
    }

    @Test
    void aThousandConcurrentCallsShareOneConnectionAndAreMatchedWhateverTheAnswerOrder() throws Exception {
        long seed = Long.getLong("rpc.seed", new Random().nextLong());
        int calls = 1000;
        record Held(String request, CompletableFuture<ByteString> answer, SocketAddress from) {}
        ConcurrentLinkedQueue<Held> held = new ConcurrentLinkedQueue<>();
        RpcServer server = fixture.server(b -> b.maxInFlightPerConnection(2 * calls), Map.of("hold", (ctx, request) -> {
            CompletableFuture<ByteString> answer = new CompletableFuture<>();
            held.add(new Held(request.toStringUtf8(), answer, ctx.remoteAddress()));
            return answer;
        }));
        // complete futures on the event loop, so the completion order is the order responses arrived
        RpcClient client = fixture.client(server, b -> b.callbackExecutor(Runnable::run));

        List<String> sent = new ArrayList<>();
        List<String> arrived = Collections.synchronizedList(new ArrayList<>());
        List<CompletableFuture<ByteString>> futures = new ArrayList<>();
        for (int i = 0; i < calls; i++) {
            String request = "call-" + i;
            sent.add(request);
            CompletableFuture<ByteString> f = client.call("hold", bytes(request), WAIT);
            f.thenAccept(r -> arrived.add(r.toStringUtf8()));
            futures.add(f);
        }
        await().atMost(WAIT).until(() -> held.size() == calls); // all in flight at once

        List<Held> answerOrder = new ArrayList<>(held);
        Collections.shuffle(answerOrder, new Random(seed));
        for (Held h : answerOrder) {
            h.answer().complete(bytes("re:" + h.request()));
        }
        for (int i = 0; i < calls; i++) {
            assertThat(result(futures.get(i))).as("seed %d", seed).isEqualTo("re:" + sent.get(i));
        }
        assertThat(arrived).as("responses arrive in the server's order (seed %d)", seed)
                .containsExactlyElementsOf(answerOrder.stream().map(h -> "re:" + h.request()).toList());
        assertThat(arrived).as("seed %d", seed).isNotEqualTo(sent.stream().map(s -> "re:" + s).toList());
        Set<SocketAddress> connections = new HashSet<>();
        held.forEach(h -> connections.add(h.from()));
        assertThat(connections).as("one connection carried every call").hasSize(1);
        assertThat(client.pendingCalls()).isZero();
    }

    @Test
    void aCallThatGetsNoAnswerTimesOutAndIsForgotten() throws Exception {
        ConcurrentLinkedQueue<CompletableFuture<ByteString>> hanging = new ConcurrentLinkedQueue<>();
        RpcServer server = fixture.server(Map.of("echo", ECHO, "hang", (ctx, request) -> {
            CompletableFuture<ByteString> never = new CompletableFuture<>();
            hanging.add(never);
            return never;
        }));
        RpcClient client = fixture.client(server);
        assertThat(result(client.call("echo", bytes("warm-up"), WAIT))).isEqualTo("warm-up");

        long start = System.nanoTime();
        RaftException e = failure(client.call("hang", bytes("x"), Duration.ofMillis(200)));
        long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

        assertThat(e.code()).isEqualTo(ErrorCode.UNAVAILABLE);
        assertThat(e.getMessage()).startsWith("timed out after 200 ms").contains("'hang'", "outcome is unknown");
        assertThat(e.details()).containsEntry("outcome", "unknown");
        assertThat(tookMillis).isBetween(190L, 5_000L);
        assertThat(client.pendingCalls()).isZero();
        // the server gave up at the deadline too and answered UNAVAILABLE (dropped by the client)
        await().atMost(WAIT).until(() -> count(server, "calls", "method", "hang", "code", "UNAVAILABLE") == 1);

        hanging.forEach(f -> f.complete(bytes("too late"))); // nobody waits: dropped on both sides
        assertThat(result(client.call("echo", bytes("after"), WAIT))).isEqualTo("after");
        assertThat(count(server, "calls", "method", "hang", "code", "OK")).isZero();
    }

    @Test
    void workWhoseDeadlinePassedBeforeAHandlerThreadWasFreeIsNeverStarted() throws Exception {
        ExecutorService oneThread = Executors.newSingleThreadExecutor();
        fixture.add(oneThread::shutdownNow);
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger started = new AtomicInteger();
        RpcServer server = fixture.server(b -> b.handlerExecutor(oneThread), Map.of(
                "block", (ctx, request) -> {
                    try {
                        release.await(); // a handler that blocks its thread
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    return CompletableFuture.completedFuture(request);
                },
                "count", (ctx, request) -> {
                    started.incrementAndGet();
                    return CompletableFuture.completedFuture(request);
                }));
        RpcClient client = fixture.client(server);
        CompletableFuture<ByteString> blocker = client.call("block", bytes("b"), WAIT);
        await().atMost(WAIT).until(() -> server.inFlight() == 1);

        RaftException e = failure(client.call("count", bytes("c"), Duration.ofMillis(150)));
        assertThat(e.code()).isEqualTo(ErrorCode.UNAVAILABLE);
        await().atMost(WAIT).until(() -> count(server, "calls", "method", "count", "code", "UNAVAILABLE") == 1);

        release.countDown();
        assertThat(result(blocker)).isEqualTo("b");
        oneThread.submit(() -> { }).get(10, TimeUnit.SECONDS); // the queued "count" task has run by now
        assertThat(started).as("the expired request's handler never ran").hasValue(0);
    }

    @Test
    void aNotLeaderErrorArrivesWithItsCodeMessageAndLeaderHint() throws Exception {
        RaftException notLeader = RaftException.notLeader(2, 3);
        RaftException lag = new RaftException(ErrorCode.LEARNER_NOT_READY, "learner 4 is 1200 entries behind",
                Map.of("lag", "1200"));
        RpcServer server = fixture.server(Map.of(
                "put", (ctx, request) -> CompletableFuture.failedFuture(notLeader),
                "promote", (ctx, request) -> { throw lag; }));
        RpcClient client = fixture.client(server);

        RaftException e = failure(client.call("put", bytes("k=v"), WAIT));
        assertThat(e.code()).isEqualTo(ErrorCode.NOT_LEADER);
        assertThat(e.leaderHint()).isEqualTo(3);
        assertThat(e.getMessage()).isEqualTo(notLeader.getMessage());
        assertThat(e.details()).isEqualTo(notLeader.details());

        RaftException l = failure(client.call("promote", bytes("4"), WAIT));
        assertThat(l.code()).isEqualTo(ErrorCode.LEARNER_NOT_READY);
        assertThat(l.details()).containsEntry("lag", "1200");
        assertThat(l.getMessage()).isEqualTo("learner 4 is 1200 entries behind");
    }

    @Test
    void anUnknownMethodIsABadRequestAndAFailingHandlerIsUnavailable() throws Exception {
        RpcServer server = fixture.server(Map.of("echo", ECHO,
                "broken", (ctx, request) -> CompletableFuture.failedFuture(new IllegalStateException("disk on fire")),
                "null", (ctx, request) -> null));
        RpcClient client = fixture.client(server);

        RaftException unknown = failure(client.call("no.such.method", bytes("?"), WAIT));
        assertThat(unknown.code()).isEqualTo(ErrorCode.BAD_REQUEST);
        assertThat(unknown.getMessage()).contains("unknown method 'no.such.method'", "echo");

        RaftException broken = failure(client.call("broken", bytes("?"), WAIT));
        assertThat(broken.code()).isEqualTo(ErrorCode.UNAVAILABLE);
        assertThat(broken.getMessage()).contains("'broken'", "IllegalStateException", "disk on fire");

        assertThat(failure(client.call("null", bytes("?"), WAIT)).code()).isEqualTo(ErrorCode.UNAVAILABLE);
        assertThat(result(client.call("echo", bytes("still fine"), WAIT))).isEqualTo("still fine");
        assertThat(count(server, "calls", "method", "unknown", "code", "BAD_REQUEST")).isEqualTo(1);
    }

    @Test
    void limitsFailFastWithoutSendingAnything() throws Exception {
        RpcServer server = fixture.server(b -> b.maxFrameBytes(64 << 10), Map.of("echo", ECHO,
                "hang", (ctx, request) -> new CompletableFuture<>()));
        RpcClient client = fixture.client(server, b -> b.maxPendingCalls(3));

        List<CompletableFuture<ByteString>> hanging = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            hanging.add(client.call("hang", bytes("h" + i), WAIT));
        }
        RaftException full = failure(client.call("echo", bytes("one too many"), WAIT));
        assertThat(full.code()).isEqualTo(ErrorCode.UNAVAILABLE);
        assertThat(full.getMessage()).contains("3 calls", "already pending");
        assertThat(full.details()).containsEntry("outcome", "not-sent");
        assertThat(hanging).noneMatch(CompletableFuture::isDone);
        client.close(); // fails the pending calls
        assertThat(hanging).allSatisfy(f -> assertThat(failure(f).code()).isEqualTo(ErrorCode.UNAVAILABLE));
        assertThat(failure(client.call("echo", bytes("closed"), WAIT)).getMessage()).contains("closed");

        // the client's own limit is its default 4 MiB; the server announced 64 KiB in its hello
        RpcClient other = fixture.client(server);
        assertThat(result(other.call("echo", bytes("small"), WAIT))).isEqualTo("small");
        RaftException tooLarge = failure(other.call("echo", ByteString.copyFrom(new byte[100 << 10]), WAIT));
        assertThat(tooLarge.code()).isEqualTo(ErrorCode.BAD_REQUEST);
        assertThat(tooLarge.getMessage()).contains("exceeds the maximum frame of 65536 bytes");
        RaftException overClientLimit = failure(other.call("echo", ByteString.copyFrom(new byte[5 << 20]), WAIT));
        assertThat(overClientLimit.code()).isEqualTo(ErrorCode.BAD_REQUEST);
        assertThatThrownBy(() -> other.call("", bytes("x"), WAIT)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> other.call("echo", bytes("x"), Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
    }
}
