package org.understudy.examples.kv.rpc;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageLite;
import com.google.protobuf.Parser;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.function.Supplier;
import org.understudy.examples.kv.api.Failures;
import org.understudy.examples.kv.api.KvErrorCode;
import org.understudy.examples.kv.api.KvException;
import org.understudy.examples.kv.api.KvService.Consistency;
import org.understudy.examples.kv.api.KvService;
import org.understudy.examples.kv.rpc.proto.KvDeleteReply;
import org.understudy.examples.kv.rpc.proto.KvDeleteRequest;
import org.understudy.examples.kv.rpc.proto.KvGetReply;
import org.understudy.examples.kv.rpc.proto.KvGetRequest;
import org.understudy.examples.kv.rpc.proto.KvHealthReply;
import org.understudy.examples.kv.rpc.proto.KvMember;
import org.understudy.examples.kv.rpc.proto.KvMembersReply;
import org.understudy.examples.kv.rpc.proto.KvPutReply;
import org.understudy.examples.kv.rpc.proto.KvPutRequest;
import org.understudy.raft.ErrorCode;
import org.understudy.raft.RaftException;
import org.understudy.raft.transport.netty.rpc.RpcContext;
import org.understudy.raft.transport.netty.rpc.RpcHandler;

/**
 * raft-kv's binary protocol ({@code kv_rpc.proto}): the RPC handlers over a {@link KvService}.
 * The same service the HTTP API calls, so both protocols answer alike, with two differences the
 * proto file names: an absent key and a failed compare-and-set are answers, not errors, and a
 * follower answers {@code NOT_LEADER} with the leader's id instead of forwarding (the Java client
 * follows the hint itself).
 *
 * <p>The RPC's request key (stable across a client's retries of one operation) is the service's
 * request id, so a retried write applies once.
 */
public final class KvRpcMethods {
    public static final String PUT = "kv.put";
    public static final String GET = "kv.get";
    public static final String DELETE = "kv.delete";
    public static final String MEMBERS = "kv.members";
    public static final String HEALTH = "kv.health";

    private final KvService service;
    private final int maxValueBytes;

    /** @param maxValueBytes the largest value a put may carry (the HTTP API's body limit, for the same answer) */
    public KvRpcMethods(KvService service, int maxValueBytes) {
        this.service = service;
        this.maxValueBytes = maxValueBytes;
    }

    /** The handlers by method name, for an {@link org.understudy.raft.transport.netty.rpc.RpcService}. */
    public Map<String, RpcHandler> handlers() {
        return Map.of(PUT, this::put, GET, this::get, DELETE, this::delete, MEMBERS, this::members, HEALTH, this::health);
    }

    private CompletableFuture<ByteString> put(RpcContext context, ByteString payload) {
        KvPutRequest request = parse(KvPutRequest.parser(), payload, PUT);
        String key = key(request.getKey());
        if (request.getValue().size() > maxValueBytes) {
            throw new RaftException(ErrorCode.BAD_REQUEST, "the value is " + request.getValue().size()
                    + " bytes, more than this server's limit of " + maxValueBytes + " bytes");
        }
        if (!request.getValue().isValidUtf8()) {
            throw new RaftException(ErrorCode.BAD_REQUEST, "the value must be UTF-8 text");
        }
        if (request.hasPrevRevision() && request.getPrevRevision() < 0) {
            throw new RaftException(ErrorCode.BAD_REQUEST, "prev_revision must be 0 or more, got " + request.getPrevRevision());
        }
        OptionalLong prev = request.hasPrevRevision() ? OptionalLong.of(request.getPrevRevision()) : OptionalLong.empty();
        return answer(() -> service.put(key, request.getValue(), prev, context.requestKey()),
                r -> KvPutReply.newBuilder().setSucceeded(true).setRevision(r.revision()).build(),
                kv -> kv.code() != KvErrorCode.REVISION_MISMATCH ? null
                        : KvPutReply.newBuilder().setSucceeded(false).setRevision(longDetail(kv, "revision")).build());
    }

    private CompletableFuture<ByteString> get(RpcContext context, ByteString payload) {
        KvGetRequest request = parse(KvGetRequest.parser(), payload, GET);
        String key = key(request.getKey());
        Consistency consistency = request.getSerializable() ? Consistency.SERIALIZABLE : Consistency.LINEARIZABLE;
        return answer(() -> service.get(key, consistency),
                r -> KvGetReply.newBuilder().setFound(true).setKey(r.key()).setValue(r.value()).setRevision(r.revision()).build(),
                kv -> kv.code() != KvErrorCode.KEY_NOT_FOUND ? null : KvGetReply.newBuilder().setKey(key).build());
    }

    private CompletableFuture<ByteString> delete(RpcContext context, ByteString payload) {
        KvDeleteRequest request = parse(KvDeleteRequest.parser(), payload, DELETE);
        return answer(() -> service.delete(key(request.getKey()), context.requestKey()),
                r -> KvDeleteReply.newBuilder().setRevision(r.revision()).setDeleted(r.deleted()).build(), kv -> null);
    }

    private CompletableFuture<ByteString> members(RpcContext context, ByteString payload) {
        return answer(service::members, view -> {
            KvMembersReply.Builder reply = KvMembersReply.newBuilder().setLeader(view.leader() == null ? "" : view.leader())
                    .setRevision(view.revision());
            for (KvService.MemberView m : view.members()) {
                reply.addMembers(KvMember.newBuilder().setId(m.id()).setName(m.name()).addAllPeerUrls(m.peerUrls())
                        .addAllClientUrls(m.clientUrls()).setLearner(m.learner()).setMatchIndex(m.matchIndex())
                        .setLag(m.lag()));
            }
            return reply.build();
        }, kv -> null);
    }

    private CompletableFuture<ByteString> health(RpcContext context, ByteString payload) {
        KvService.HealthView health = service.health();
        return CompletableFuture.completedFuture(KvHealthReply.newBuilder().setHealthy(health.healthy())
                .setReason(health.reason() == null ? "" : health.reason()).build().toByteString());
    }

    /**
     * The reply for a result; for a {@link KvException}, the reply {@code answered} makes of it
     * (null: it stays a failure, sent as the RPC's error). Any other failure is a bug the RPC layer
     * answers {@code UNAVAILABLE} and logs.
     */
    private static <T> CompletableFuture<ByteString> answer(Supplier<CompletableFuture<T>> call,
            Function<T, MessageLite> ok, Function<KvException, MessageLite> answered) {
        CompletableFuture<T> result;
        try {
            result = call.get();
        } catch (KvException e) {
            result = CompletableFuture.failedFuture(e);
        }
        return result.handle((r, failure) -> {
            if (failure == null) {
                return CompletableFuture.completedFuture(ok.apply(r).toByteString());
            }
            Throwable cause = Failures.unwrap(failure);
            if (cause instanceof KvException kv) {
                MessageLite reply = answered.apply(kv);
                return reply != null ? CompletableFuture.completedFuture(reply.toByteString())
                        : CompletableFuture.<ByteString>failedFuture(KvRpcErrors.toRaft(kv));
            }
            return CompletableFuture.<ByteString>failedFuture(cause);
        }).thenCompose(f -> f);
    }

    private static <M> M parse(Parser<M> parser, ByteString payload, String method) {
        try {
            return parser.parseFrom(payload);
        } catch (InvalidProtocolBufferException e) {
            throw new RaftException(ErrorCode.BAD_REQUEST, "the request of " + method + " is not a valid message: "
                    + e.getMessage());
        }
    }

    private static String key(String key) {
        if (key.isEmpty()) {
            throw new RaftException(ErrorCode.BAD_REQUEST, "the key must not be empty");
        }
        return key;
    }

    private static long longDetail(KvException kv, String name) {
        Object v = kv.details().get(name);
        if (v instanceof Number n) {
            return n.longValue();
        }
        try {
            return v == null ? 0 : Long.parseLong(String.valueOf(v));
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
