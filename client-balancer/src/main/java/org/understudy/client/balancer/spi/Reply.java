package org.understudy.client.balancer.spi;

import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.Optional;

/**
 * What became of one send. Exactly one of:
 * <ul>
 *   <li>{@link Ok}: the server answered successfully;</li>
 *   <li>{@link ServerError}: the server answered with a typed failure (a DESIGN.md §7 code
 *       such as {@code NOT_LEADER}, with the leader's id as a hint when the server knows it);</li>
 *   <li>{@link ConnectionFailure}: no answer. The transport must say whether the request
 *       {@link Delivery#NOT_SENT definitely never reached} the server (connect refused, no
 *       connection, written to no socket) or whether it is {@link Delivery#AMBIGUOUS} (written,
 *       then the connection broke or no reply came). The balancer repeats a non-idempotent write
 *       after NOT_SENT, but after AMBIGUOUS only if the caller made that safe: when unsure,
 *       say AMBIGUOUS.</li>
 * </ul>
 */
public sealed interface Reply {

    /** Whether a failed request could have reached the server. */
    enum Delivery {
        /** The request never left this process or was refused before the server read it. */
        NOT_SENT,
        /** The request may have been read, and a write may have been applied. */
        AMBIGUOUS
    }

    /** A successful answer. */
    record Ok(ByteBuffer payload) implements Reply {
        public Ok {
            payload = payload.asReadOnlyBuffer();
        }

        public byte[] payloadBytes() {
            return Payloads.copyOf(payload);
        }
    }

    /**
     * A typed failure the server answered with.
     *
     * @param leaderHint for {@code NOT_LEADER}: the id of the member the server believes leads
     */
    record ServerError(String code, String message, Optional<String> leaderHint) implements Reply {
        public ServerError {
            if (code == null || code.isBlank()) {
                throw new IllegalArgumentException("a server error needs a code");
            }
            message = message == null ? "" : message;
            leaderHint = Objects.requireNonNull(leaderHint, "leaderHint");
        }
    }

    /** No answer; {@code delivery} says whether the request could have reached the server. */
    record ConnectionFailure(Delivery delivery, String message) implements Reply {
        public ConnectionFailure {
            Objects.requireNonNull(delivery, "delivery");
            message = message == null ? "" : message;
        }
    }

    static Reply ok(byte[] payload) {
        return new Ok(ByteBuffer.wrap(payload.clone()));
    }

    static Reply error(String code, String message) {
        return new ServerError(code, message, Optional.empty());
    }

    /** {@code NOT_LEADER} with the leader's member id, or null when the server knows no leader. */
    static Reply notLeader(String leaderHint, String message) {
        return new ServerError("NOT_LEADER", message, Optional.ofNullable(leaderHint));
    }

    static Reply notSent(String message) {
        return new ConnectionFailure(Delivery.NOT_SENT, message);
    }

    static Reply ambiguous(String message) {
        return new ConnectionFailure(Delivery.AMBIGUOUS, message);
    }
}
