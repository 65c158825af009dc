package org.understudy.raft.transport.netty.rpc;

import com.google.protobuf.ByteString;
import io.netty.channel.EventLoop;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.handler.ssl.SslContext;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.understudy.raft.ErrorCode;
import org.understudy.raft.RaftException;
import org.understudy.raft.transport.netty.TransportException;
import org.understudy.raft.transport.netty.peer.IoKind;

/**
 * The client side of the client RPC: calls to one server, multiplexed on one connection.
 *
 * <pre>{@code
 * try (RpcClient client = new RpcClient(RpcClientOptions.builder("10.0.0.1:2379").build())) {
 *     ByteString answer = client.call("kv.get", request, Duration.ofSeconds(2)).get();
 * }
 * }</pre>
 *
 * <h2>Calls</h2>
 * Each call gets an id (increasing, never reused by this client, so unique on every connection);
 * many calls share the connection and their answers may come back in any order. A call's future
 * completes with the server's payload, or fails with a {@link RaftException}:
 * <ul>
 *   <li>the server's error as it sent it: code, message and details (a {@code NOT_LEADER} keeps its
 *       {@linkplain RaftException#leaderHint() leader hint});</li>
 *   <li>{@code UNAVAILABLE} "timed out after ..." when no answer came within the timeout (the id is
 *       forgotten: a late answer is dropped);</li>
 *   <li>{@code UNAVAILABLE} when the connection is lost with the call in flight, when connecting
 *       fails, during the reconnect backoff, or when {@code maxPendingCalls} are outstanding;</li>
 *   <li>{@code BAD_REQUEST} when the request is larger than the maximum frame.</li>
 * </ul>
 * Every failure made here carries the detail {@code outcome}: {@code not-sent} (safe to retry
 * anywhere), {@code not-executed} (the server refused it before starting) or {@code unknown} (the
 * server may have carried it out: retry only idempotent calls, or use a request key).
 *
 * <h2>Connection</h2>
 * Opened by the first call, not by the constructor; reopened by the next call after a loss, and
 * after a failed attempt by the first call once the backoff has passed (calls in between fail at
 * once). Closed after {@code idleTimeout} with nothing pending.
 *
 * <h2>Threads</h2>
 * {@code call} never blocks: it reserves a slot, queues the call and wakes the client's event loop
 * ({@code understudy-rpc-client-*}), which writes everything queued and flushes once per turn.
 * Futures are completed on the {@code callbackExecutor}, never on the event loop, unless configured
 * so. Thread-safe.
 */
public final class RpcClient implements AutoCloseable {
    private static final long MAX_TIMEOUT_NANOS = TimeUnit.MILLISECONDS.toNanos(0xFFFF_FFFFL);

    private final RpcClientOptions options;
    private final IoKind io;
    private final MultiThreadIoEventLoopGroup group;
    private final EventLoop loop;
    private final ClientConnection connection;
    private final AtomicLong ids = new AtomicLong();
    private final AtomicBoolean closed = new AtomicBoolean();

    /**
     * Starts the client's event loop; connects at the first call.
     *
     * @throws TransportException of kind {@code TLS_MATERIAL} if the TLS files do not load
     */
    public RpcClient(RpcClientOptions options) {
        this.options = Objects.requireNonNull(options, "options");
        SslContext tls = options.tls() == null ? null : options.tls().clientContext();
        this.io = RpcEventLoops.select(options.preferNativeTransport());
        this.group = RpcEventLoops.group(io, options.ioThreads(), "understudy-rpc-client");
        this.loop = group.next(); // one connection: one loop owns it
        this.connection = new ClientConnection(options, loop, io, tls);
    }

    /** {@link #call(String, ByteString, Duration, String)} without a request key. */
    public CompletableFuture<ByteString> call(String method, ByteString request, Duration timeout) {
        return call(method, request, timeout, "");
    }

    /**
     * Calls {@code method} with {@code request}, waiting at most {@code timeout} for the answer (the
     * server gets the time left and does not start work whose deadline passed).
     *
     * @param requestKey names the operation across retries, for servers that deduplicate; "" for none
     * @return the answer's payload, or a {@link RaftException} as described in the class comment
     * @throws IllegalArgumentException if {@code method} is empty or {@code timeout} not positive
     */
    public CompletableFuture<ByteString> call(String method, ByteString request, Duration timeout, String requestKey) {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(request, "request");
        Objects.requireNonNull(timeout, "timeout");
        Objects.requireNonNull(requestKey, "requestKey");
        if (method.isEmpty()) {
            throw new IllegalArgumentException("the method name must not be empty");
        }
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("the timeout must be positive, got " + timeout);
        }
        if (closed.get()) {
            return CompletableFuture.failedFuture(RpcErrors.unavailable("the RPC client of " + options.address()
                    + " is closed", RpcErrors.NOT_SENT));
        }
        long id = ids.incrementAndGet();
        int size = PendingCall.maxEncodedSize(id, method, request, requestKey);
        if (size > options.maxFrameBytes()) {
            return CompletableFuture.failedFuture(new RaftException(ErrorCode.BAD_REQUEST, "a request of " + size
                    + " bytes for '" + method + "' exceeds the maximum frame of " + options.maxFrameBytes() + " bytes",
                    Map.of(RpcErrors.OUTCOME, RpcErrors.NOT_SENT)));
        }
        if (!connection.reserve()) {
            return CompletableFuture.failedFuture(RpcErrors.unavailable(options.maxPendingCalls()
                    + " calls to " + options.address() + " are already pending; '" + method + "' was not sent",
                    RpcErrors.NOT_SENT));
        }
        long timeoutNanos = timeout.compareTo(Duration.ofNanos(MAX_TIMEOUT_NANOS)) > 0 ? MAX_TIMEOUT_NANOS
                : timeout.toNanos();
        PendingCall call = new PendingCall(id, method, request, requestKey, timeoutNanos, System.nanoTime());
        connection.submit(call);
        return call.future;
    }

    /** The server this client calls, as {@code host:port}. */
    public String address() {
        return options.address();
    }

    public RpcClientOptions options() {
        return options;
    }

    /** Whether epoll or NIO does the I/O. */
    public IoKind ioKind() {
        return io;
    }

    /** Calls made and not yet completed. */
    public int pendingCalls() {
        return connection.outstanding();
    }

    /** Whether a connection is open and past its hello right now. */
    public boolean isConnected() {
        return connection.isConnected();
    }

    /**
     * Fails every pending call with {@code UNAVAILABLE}, closes the connection and stops the event
     * loop (waiting for it unless called from it). Idempotent.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        CountDownLatch done = new CountDownLatch(1);
        boolean onLoop = false;
        for (var l : group) {
            onLoop |= l.inEventLoop();
        }
        try {
            loop.execute(() -> {
                connection.close();
                done.countDown();
            });
        } catch (RejectedExecutionException alreadyDown) {
            done.countDown();
        }
        if (!onLoop) {
            try {
                done.await(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        var stopping = group.shutdownGracefully(0, 2, TimeUnit.SECONDS);
        if (!onLoop) {
            stopping.awaitUninterruptibly(10, TimeUnit.SECONDS);
        }
    }

    @Override
    public String toString() {
        return "RpcClient{" + options.address() + (closed.get() ? ", closed" : "") + "}";
    }
}
