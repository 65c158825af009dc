package org.understudy.raft.transport.netty.rpc;

import org.understudy.raft.transport.netty.support.LogThrottle;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.handler.ssl.SslContext;
import io.netty.util.NetUtil;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.understudy.raft.ErrorCode;
import org.understudy.raft.RaftException;
import org.understudy.raft.transport.netty.peer.IoKind;
import org.understudy.raft.transport.netty.rpc.proto.RpcHelloReply;
import org.understudy.raft.transport.netty.rpc.proto.RpcRequest;
import org.understudy.raft.transport.netty.rpc.proto.RpcResponse;

/**
 * An {@link RpcClient}'s one connection and every call on it. Callers hand calls in through a
 * lock-free queue ({@link #submit}); everything else happens on one event loop, which owns the
 * state below without locks.
 *
 * <pre>
 *   IDLE ──call──► CONNECTING ──hello accepted──► READY ──lost──► IDLE
 *                      │                            └──idle, nothing pending──► IDLE
 *                      └──failed──► BACKOFF ──call after the delay──► CONNECTING
 * </pre>
 *
 * <ul>
 *   <li>Calls are written only in READY, all that arrived in one loop turn, then one flush; while
 *       the channel is not writable they wait here (bounded by {@code maxPendingCalls}).</li>
 *   <li>A failed attempt fails the calls waiting for it ({@code outcome=not-sent}); calls during
 *       the backoff fail at once the same way, so that a caller with other servers (the client
 *       balancer) moves on instead of waiting. The first call after the backoff dials again.</li>
 *   <li>A lost connection fails every call written to it with {@code outcome=unknown}: the server
 *       may have carried them out.</li>
 * </ul>
 */
final class ClientConnection {
    private static final Logger log = LoggerFactory.getLogger(ClientConnection.class);

    enum State { IDLE, CONNECTING, READY, BACKOFF, CLOSED }

    private final RpcClientOptions options;
    private final EventLoop loop;
    private final IoKind io;
    private final SslContext tls;
    private final String server;
    private final Queue<PendingCall> submitted = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean drainScheduled = new AtomicBoolean();
    private final AtomicInteger outstanding = new AtomicInteger();
    private final LogThrottle failureLog = new LogThrottle(30, TimeUnit.SECONDS);
    private volatile boolean connected;

    // event loop only
    private final ArrayDeque<PendingCall> unsent = new ArrayDeque<>();
    private final Map<Long, PendingCall> sent = new HashMap<>();
    private State state = State.IDLE;
    private Channel channel;
    private long attempt;
    private int serverMaxFrameBytes;
    private long backoffBaseNanos;
    private long notBeforeNanos;
    private long lastFailureNanos;
    private String lastFailure = "";
    private long lateResponses;

    ClientConnection(RpcClientOptions options, EventLoop loop, IoKind io, SslContext tls) {
        this.options = options;
        this.loop = loop;
        this.io = io;
        this.tls = tls;
        this.server = options.address();
    }

    /** Takes one of {@code maxPendingCalls} slots; false when all are taken. Any thread. */
    boolean reserve() {
        while (true) {
            int n = outstanding.get();
            if (n >= options.maxPendingCalls()) {
                return false;
            }
            if (outstanding.compareAndSet(n, n + 1)) {
                return true;
            }
        }
    }

    int outstanding() {
        return outstanding.get();
    }

    boolean isConnected() {
        return connected;
    }

    /** Queues a call (its slot reserved) and makes sure the loop will look at it. Any thread. */
    void submit(PendingCall call) {
        submitted.add(call);
        if (drainScheduled.compareAndSet(false, true)) {
            try {
                loop.execute(this::drain);
            } catch (RejectedExecutionException closed) {
                // the client is closed and its loop gone: nothing else will touch these calls
                PendingCall c;
                while ((c = submitted.poll()) != null) {
                    fail(c, closedError());
                }
            }
        }
    }

    /** Closes the connection and fails every call. Event loop only. */
    void close() {
        state = State.CLOSED;
        connected = false;
        if (channel != null) {
            channel.close();
            channel = null;
        }
        RaftException closed = closedError();
        drainSubmitted();
        failAll(unsent, closed);
        List<PendingCall> inFlight = new ArrayList<>(sent.values());
        sent.clear();
        for (PendingCall c : inFlight) {
            fail(c, RpcErrors.unavailable("the client was closed while '" + c.method + "' was in flight to "
                    + server + "; the outcome is unknown", RpcErrors.UNKNOWN));
        }
    }

    private RaftException closedError() {
        return RpcErrors.unavailable("the RPC client of " + server + " is closed", RpcErrors.NOT_SENT);
    }

    private void drain() {
        drainScheduled.set(false);
        drainSubmitted();
        proceed();
    }

    /** Moves submitted calls into {@link #unsent}, starting their timeout timers. */
    private void drainSubmitted() {
        long now = System.nanoTime();
        PendingCall c;
        while ((c = submitted.poll()) != null) {
            PendingCall call = c;
            if (state != State.CLOSED) {
                c.timer = loop.schedule(() -> timedOut(call), c.deadlineNanos - now, TimeUnit.NANOSECONDS);
            }
            unsent.add(c);
        }
    }

    private void proceed() {
        switch (state) {
            case READY -> writeUnsent();
            case CONNECTING -> { } // written once the hello is answered
            case IDLE -> {
                if (hasUnsent()) {
                    connect();
                }
            }
            case BACKOFF -> {
                if (hasUnsent()) {
                    if (System.nanoTime() - notBeforeNanos >= 0) {
                        connect();
                    } else {
                        failAll(unsent, notConnectedError());
                    }
                }
            }
            case CLOSED -> failAll(unsent, closedError());
        }
    }

    private boolean hasUnsent() {
        while (!unsent.isEmpty() && unsent.peek().done) {
            unsent.poll();
        }
        return !unsent.isEmpty();
    }

    /** Writes what waits while the channel takes it, then flushes once. */
    private void writeUnsent() {
        boolean wrote = false;
        long now = System.nanoTime();
        PendingCall c;
        while (channel.isWritable() && (c = unsent.poll()) != null) {
            if (c.done) {
                continue;
            }
            RpcRequest request = c.request(now);
            if (request.getSerializedSize() > serverMaxFrameBytes) {
                fail(c, new RaftException(ErrorCode.BAD_REQUEST, "a request of " + request.getSerializedSize()
                        + " bytes for '" + c.method + "' exceeds the maximum frame of " + serverMaxFrameBytes
                        + " bytes of " + server, java.util.Map.of(RpcErrors.OUTCOME, RpcErrors.NOT_SENT)));
                continue;
            }
            c.sent = true;
            sent.put(c.id, c);
            channel.write(request, channel.voidPromise());
            wrote = true;
        }
        if (wrote) {
            channel.flush();
        }
    }

    private void connect() {
        state = State.CONNECTING;
        long thisAttempt = ++attempt;
        String host = options.host();
        if (NetUtil.isValidIpV4Address(host) || NetUtil.isValidIpV6Address(host)) {
            dial(new InetSocketAddress(NetUtil.createInetAddressFromIpAddressString(host), options.port()));
            return;
        }
        // a name lookup may block: never on the event loop
        NameLookups.resolve(host, options.port())
                .whenComplete((address, failure) -> execute(() -> {
                    if (state != State.CONNECTING || attempt != thisAttempt) {
                        return;
                    }
                    if (failure != null || address.isUnresolved()) {
                        setupFailed(null, "cannot resolve host '" + host + "'");
                    } else {
                        dial(address);
                    }
                }));
    }

    private void dial(InetSocketAddress address) {
        ChannelFuture connecting = new Bootstrap().group(loop).channel(RpcEventLoops.socketChannel(io))
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE,
                        options.connectTimeout().toMillis()))
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.SO_KEEPALIVE, true)
                .handler(new RpcClientPipeline(options, tls, this))
                .connect(address);
        channel = connecting.channel();
        connecting.addListener(f -> {
            if (!f.isSuccess()) {
                setupFailed(connecting.channel(), RpcErrors.describe(f.cause()));
            }
        });
    }

    /** The server accepted the hello on {@code ch}. */
    void ready(Channel ch, RpcHelloReply reply) {
        if (ch != channel || state != State.CONNECTING) {
            return;
        }
        state = State.READY;
        connected = true;
        backoffBaseNanos = 0;
        serverMaxFrameBytes = reply.getMaxFrameBytes() == 0 ? options.maxFrameBytes()
                : Math.min(options.maxFrameBytes(), reply.getMaxFrameBytes());
        log.debug("rpc client: connected to {} (server handles {} requests at a time)", server, reply.getMaxInFlight());
        writeUnsent();
    }

    /** Setting up {@code ch} (or resolving, when null) failed before the server accepted the hello. */
    void setupFailed(Channel ch, String reason) {
        if (state != State.CONNECTING || (ch != null && ch != channel)) {
            return;
        }
        if (ch != null) {
            ch.close();
        }
        channel = null;
        state = State.BACKOFF;
        long delay = nextBackoffNanos();
        lastFailureNanos = System.nanoTime();
        notBeforeNanos = lastFailureNanos + delay;
        lastFailure = reason;
        if (failureLog.allow()) {
            log.warn("rpc client: cannot connect to {}: {}; calls fail at once for {} ms, then the next one retries "
                    + "(further failures are logged at DEBUG for 30 s)", server, reason,
                    TimeUnit.NANOSECONDS.toMillis(delay));
        } else {
            log.debug("rpc client: cannot connect to {}: {}", server, reason);
        }
        failAll(unsent, RpcErrors.unavailable("cannot connect to " + server + ": " + reason
                + "; the call was not sent", RpcErrors.NOT_SENT));
    }

    /** {@code ch} closed (for any reason). */
    void closed(Channel ch, Throwable cause) {
        if (ch != channel) {
            return;
        }
        String why = cause == null ? "closed by the server" : RpcErrors.describe(cause);
        if (state == State.CONNECTING) {
            setupFailed(ch, "the connection closed during set-up (" + why + ")");
            return;
        }
        if (state != State.READY) {
            return;
        }
        channel = null;
        state = State.IDLE;
        connected = false;
        log.info("rpc client: lost the connection to {} ({}); {} calls in flight fail, the next call reconnects",
                server, why, sent.size());
        List<PendingCall> inFlight = new ArrayList<>(sent.values());
        sent.clear();
        for (PendingCall c : inFlight) {
            fail(c, RpcErrors.unavailable("the connection to " + server + " was lost while '" + c.method
                    + "' was in flight (" + why + "); the outcome is unknown: the server may have carried it out, "
                    + "so retry only if the call is idempotent", RpcErrors.UNKNOWN));
        }
        proceed(); // calls that waited for writability go on a new connection
    }

    /** Nothing happened on {@code ch} for the idle timeout: close it if nothing is pending. */
    void idle(Channel ch) {
        if (ch != channel || state != State.READY || !sent.isEmpty() || hasUnsent()) {
            return;
        }
        channel = null;
        state = State.IDLE;
        connected = false;
        log.debug("rpc client: closing the idle connection to {}", server);
        ch.close();
    }

    void writable(Channel ch) {
        if (ch == channel && state == State.READY) {
            writeUnsent();
        }
    }

    void response(Channel ch, RpcResponse response) {
        if (ch != channel) {
            return;
        }
        PendingCall c = sent.remove(response.getId());
        if (c == null) {
            lateResponses++; // its call timed out and was forgotten
            log.trace("rpc client: response {} from {} matches no call (timed out?); {} so far", response.getId(),
                    server, lateResponses);
            return;
        }
        switch (response.getResultCase()) {
            case PAYLOAD -> complete(c, response.getPayload());
            case ERROR -> fail(c, RpcErrors.fromWire(response.getError()));
            default -> fail(c, RpcErrors.unavailable("the server's answer to '" + c.method
                    + "' carried neither a result nor an error; the outcome is unknown", RpcErrors.UNKNOWN));
        }
    }

    private void timedOut(PendingCall c) {
        if (c.done) {
            return;
        }
        c.timer = null;
        String detail;
        if (c.sent) {
            sent.remove(c.id);
            detail = "; the outcome is unknown";
        } else {
            detail = state == State.CONNECTING ? "; it was not sent: still connecting" : "; it was not sent";
        }
        fail(c, RpcErrors.unavailable("timed out after " + c.timeoutMillis() + " ms waiting for '" + c.method
                + "' from " + server + detail, c.sent ? RpcErrors.UNKNOWN : RpcErrors.NOT_SENT));
    }

    private RaftException notConnectedError() {
        long ago = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - lastFailureNanos);
        long next = Math.max(0, TimeUnit.NANOSECONDS.toMillis(notBeforeNanos - System.nanoTime()));
        return RpcErrors.unavailable("not connected to " + server + ": the last attempt " + ago + " ms ago failed ("
                + lastFailure + "); a call after " + next + " ms tries again. The call was not sent",
                RpcErrors.NOT_SENT);
    }

    private void failAll(ArrayDeque<PendingCall> calls, RaftException error) {
        PendingCall c;
        while ((c = calls.poll()) != null) {
            fail(c, error);
        }
    }

    private void complete(PendingCall c, com.google.protobuf.ByteString payload) {
        if (finish(c)) {
            callback(() -> c.future.complete(payload));
        }
    }

    private void fail(PendingCall c, RaftException error) {
        if (finish(c)) {
            callback(() -> c.future.completeExceptionally(error));
        }
    }

    private boolean finish(PendingCall c) {
        if (c.done) {
            return false;
        }
        c.done = true;
        if (c.timer != null) {
            c.timer.cancel(false);
            c.timer = null;
        }
        outstanding.decrementAndGet();
        return true;
    }

    private void callback(Runnable completion) {
        try {
            options.callbackExecutor().execute(completion);
        } catch (RejectedExecutionException e) {
            completion.run(); // a shut-down executor must not leave a caller waiting forever
        }
    }

    private void execute(Runnable task) {
        try {
            loop.execute(task);
        } catch (RejectedExecutionException closed) {
            // the client is closed
        }
    }

    private long nextBackoffNanos() {
        long min = options.reconnectBackoffMin().toNanos();
        long max = options.reconnectBackoffMax().toNanos();
        long base = backoffBaseNanos == 0 ? min : Math.min(max, backoffBaseNanos > max / 2 ? max : backoffBaseNanos * 2);
        backoffBaseNanos = base;
        long half = base / 2;
        return half + ThreadLocalRandom.current().nextLong(base - half + 1);
    }
}
