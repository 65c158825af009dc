package org.understudy.examples.kv.bench;

import com.google.protobuf.InvalidProtocolBufferException;
import java.time.Duration;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import org.understudy.client.balancer.BalancerException;
import org.understudy.client.balancer.ClientBalancer;
import org.understudy.client.balancer.FailureReason;
import org.understudy.client.balancer.Request;
import org.understudy.client.balancer.Response;
import org.understudy.examples.kv.api.Failures;
import org.understudy.examples.kv.client.KvOperation;
import org.understudy.examples.kv.rpc.proto.KvGetReply;

/**
 * Sends a run's operations through a {@link ClientBalancer}, as an application would: a put is a
 * write marked idempotent (putting the same value twice has the effect of once, so the balancer may
 * repeat it after an ambiguous failure, as any client of a plain put would want), a read is a
 * linearizable read; both with the run's deadline. Only the balancer's asynchronous
 * {@link ClientBalancer#submit} is used, so nothing here blocks the transport's threads.
 */
public final class BalancerTarget implements LoadTarget {
    /** The server's code for a read of an absent key over HTTP (the binary protocol answers {@code found=false}). */
    static final String KEY_NOT_FOUND = "KEY_NOT_FOUND";
    /** A failure that is not the balancer's typed one: a bug in this process, counted rather than hidden. */
    static final String CLIENT_EXCEPTION = "CLIENT_EXCEPTION";

    private final ClientBalancer balancer;
    private final BenchProtocol protocol;
    private final Duration deadline;

    public BalancerTarget(ClientBalancer balancer, BenchProtocol protocol, Duration deadline) {
        this.balancer = Objects.requireNonNull(balancer, "balancer");
        this.protocol = Objects.requireNonNull(protocol, "protocol");
        this.deadline = Objects.requireNonNull(deadline, "deadline");
    }

    @Override
    public CompletableFuture<OpOutcome> execute(BenchOp op) {
        Request request = op.kind() == OpKind.WRITE
                ? Request.write(new KvOperation(KvOperation.Op.PUT, op.key(), op.value(), OptionalLong.empty()).encode())
                        .idempotent().deadline(deadline).build()
                : Request.linearizableRead(KvOperation.get(op.key()).encode()).deadline(deadline).build();
        return balancer.submit(request).handle((response, failure) -> failure == null ? answered(op, response)
                : failed(failure));
    }

    private OpOutcome answered(BenchOp op, Response response) {
        if (op.kind() == OpKind.WRITE || protocol == BenchProtocol.HTTP) {
            return OpOutcome.OK; // HTTP answers an absent key with 404, which arrives as a failure
        }
        try {
            return KvGetReply.parseFrom(response.payload()).getFound() ? OpOutcome.OK : OpOutcome.NOT_FOUND;
        } catch (InvalidProtocolBufferException e) {
            return OpOutcome.error("UNREADABLE_REPLY");
        }
    }

    /**
     * How a failed operation is counted: a deadline is a timeout; a put that may have been applied
     * is unknown; an absent key is a successful read; any other failure is an error under the
     * server's code when the server gave the final answer, else under the balancer's reason
     * ({@code ATTEMPTS_EXHAUSTED}, {@code IN_FLIGHT_LIMIT}, {@code CLOSED}, ...), which says more
     * than the {@code UNAVAILABLE} code they all share.
     */
    static OpOutcome failed(Throwable failure) {
        Throwable t = Failures.unwrap(failure);
        if (!(t instanceof BalancerException e)) {
            return OpOutcome.error(CLIENT_EXCEPTION);
        }
        if (e.reason() == FailureReason.DEADLINE_EXCEEDED) {
            return OpOutcome.TIMEOUT;
        }
        if (e.mayHaveBeenApplied()) {
            return OpOutcome.UNKNOWN;
        }
        if (e.reason() == FailureReason.SERVER_ERROR) {
            return KEY_NOT_FOUND.equals(e.code()) ? OpOutcome.NOT_FOUND : OpOutcome.error(e.code());
        }
        return OpOutcome.error(e.reason().name());
    }
}
