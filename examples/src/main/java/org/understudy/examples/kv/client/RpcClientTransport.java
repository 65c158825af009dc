package org.understudy.examples.kv.client;

import com.google.protobuf.ByteString;
import com.google.protobuf.MessageLite;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import org.understudy.client.balancer.Endpoint;
import org.understudy.client.balancer.RequestKind;
import org.understudy.client.balancer.spi.ClientTransport;
import org.understudy.client.balancer.spi.Reply;
import org.understudy.client.balancer.spi.TransportRequest;
import org.understudy.examples.kv.rpc.KvRpcMethods;
import org.understudy.examples.kv.rpc.proto.KvDeleteRequest;
import org.understudy.examples.kv.rpc.proto.KvGetRequest;
import org.understudy.examples.kv.rpc.proto.KvHealthReply;
import org.understudy.examples.kv.rpc.proto.KvHealthRequest;
import org.understudy.examples.kv.rpc.proto.KvPutRequest;
import org.understudy.raft.transport.netty.rpc.RpcClient;
import org.understudy.raft.transport.netty.rpc.RpcClientOptions;

/**
 * client-balancer's {@link ClientTransport} over raft-kv's binary protocol ({@code kv_rpc.proto}
 * on the client port, through raft-transport-netty's {@link RpcClient}): one multiplexed connection
 * per endpoint, opened at its first request. A payload written by {@link KvOperation#encode()}
 * becomes {@code kv.put}, {@code kv.get} (serializable for a serializable read) or
 * {@code kv.delete}; the request id travels as the RPC's request key on every attempt, so the
 * server applies a retried write once. An answer is {@link Reply.Ok} with the method's reply
 * message ({@code KvPutReply}, {@code KvGetReply}, {@code KvDeleteReply}) as its payload; failures
 * map as {@link KvRpcReplies} says. {@link #probe} is {@code kv.health}.
 *
 * <p>Never blocks; close it to close its connections and their event loops.
 */
public final class RpcClientTransport implements ClientTransport, AutoCloseable {
    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(2);

    private final Function<Endpoint, RpcClientOptions> options;
    private final Map<Endpoint, RpcClient> clients = new ConcurrentHashMap<>();
    private final AtomicBoolean closed = new AtomicBoolean();

    /** Plain TCP, default {@link RpcClientOptions} (1 I/O thread per endpoint), client name {@code raft-kv-java}. */
    public RpcClientTransport() {
        this(ep -> RpcClientOptions.builder(ep.host(), ep.port()).ioThreads(1).clientName("raft-kv-java").build());
    }

    /** @param options the RPC client options for an endpoint (TLS, timeouts, frame limit) */
    public RpcClientTransport(Function<Endpoint, RpcClientOptions> options) {
        this.options = Objects.requireNonNull(options, "options");
    }

    @Override
    public CompletableFuture<Reply> send(Endpoint endpoint, TransportRequest request) {
        KvOperation op;
        try {
            op = KvOperation.decode(request.payloadBytes());
        } catch (IllegalArgumentException e) {
            // The caller's bug, the same on every endpoint: a final answer, never a retry.
            return CompletableFuture.completedFuture(Reply.error("BAD_REQUEST", e.getMessage()));
        }
        String method;
        MessageLite message;
        switch (op.op()) {
            case PUT -> {
                KvPutRequest.Builder put = KvPutRequest.newBuilder().setKey(op.key()).setValue(ByteString.copyFrom(op.value()));
                op.prevRevision().ifPresent(put::setPrevRevision);
                method = KvRpcMethods.PUT;
                message = put.build();
            }
            case GET -> {
                method = KvRpcMethods.GET;
                message = KvGetRequest.newBuilder().setKey(op.key())
                        .setSerializable(request.kind() == RequestKind.SERIALIZABLE_READ).build();
            }
            default -> {
                method = KvRpcMethods.DELETE;
                message = KvDeleteRequest.newBuilder().setKey(op.key()).build();
            }
        }
        return call(endpoint, method, message.toByteString(), Duration.ofMillis(Math.max(1, request.timeoutMillis())),
                request.requestId().orElse(""))
                .handle((payload, failure) -> failure != null ? KvRpcReplies.ofFailure(failure)
                        : new Reply.Ok(payload.asReadOnlyByteBuffer()));
    }

    @Override
    public CompletableFuture<Reply> probe(Endpoint endpoint) {
        return call(endpoint, KvRpcMethods.HEALTH, KvHealthRequest.getDefaultInstance().toByteString(), PROBE_TIMEOUT, "")
                .handle((payload, failure) -> {
                    if (failure != null) {
                        return KvRpcReplies.ofFailure(failure);
                    }
                    try {
                        KvHealthReply health = KvHealthReply.parseFrom(payload);
                        return health.getHealthy() ? new Reply.Ok(payload.asReadOnlyByteBuffer())
                                : Reply.error("UNAVAILABLE", "not healthy: " + health.getReason());
                    } catch (com.google.protobuf.InvalidProtocolBufferException e) {
                        return Reply.error("UNAVAILABLE", "an unreadable health answer: " + e.getMessage());
                    }
                });
    }

    /** Calls {@code method} on {@code endpoint}'s connection (opened if need be). */
    CompletableFuture<ByteString> call(Endpoint endpoint, String method, ByteString request, Duration timeout,
            String requestKey) {
        RpcClient client;
        try {
            client = client(endpoint);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e); // e.g. TLS material that does not load
        }
        return client.call(method, request, timeout, requestKey);
    }

    private RpcClient client(Endpoint endpoint) {
        if (closed.get()) {
            throw new IllegalStateException("the RPC transport is closed");
        }
        RpcClient client = clients.computeIfAbsent(endpoint, ep -> new RpcClient(options.apply(ep)));
        if (closed.get()) {
            close(); // lost a race with close(): do not leave this one open
        }
        return client;
    }

    /** Closes every connection (their calls in flight fail) and the transport; idempotent. */
    @Override
    public void close() {
        closed.set(true);
        for (Endpoint ep : clients.keySet()) {
            RpcClient c = clients.remove(ep);
            if (c != null) {
                c.close();
            }
        }
    }
}
