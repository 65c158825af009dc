package org.understudy.client.balancer;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * One request to the cluster: an opaque payload (the transport and server know what it
 * means), its {@link RequestKind}, and the caller's answers to the questions the balancer
 * cannot answer itself: may it be repeated, may a learner serve it, how long may it take.
 *
 * <p>Immutable; the payload is copied once when built and handed out read-only.
 *
 * <pre>{@code
 * Request.write(bytes).build()                                   // never repeated once it may have been applied
 * Request.write(bytes).idempotent().build()                      // "set x=1": repeating is harmless
 * Request.write(bytes).requestId(uuid).retryAfterAmbiguousFailure().build()  // server deduplicates by id
 * Request.serializableRead(bytes).allowLearner().build()         // a learner may answer
 * Request.linearizableRead(bytes).deadline(Duration.ofSeconds(2)).build()
 * }</pre>
 */
public final class Request {

    private final byte[] payload;
    private final RequestKind kind;
    private final boolean idempotent;
    private final String requestId;
    private final boolean retryAfterAmbiguousFailure;
    private final boolean allowLearner;
    private final Duration deadline;

    private Request(Builder b) {
        this.payload = b.payload;
        this.kind = b.kind;
        this.idempotent = b.idempotent;
        this.requestId = b.requestId;
        this.retryAfterAmbiguousFailure = b.retryAfterAmbiguousFailure;
        this.allowLearner = b.allowLearner;
        this.deadline = b.deadline;
    }

    public static Builder write(byte[] payload) {
        return new Builder(RequestKind.WRITE, payload);
    }

    public static Builder linearizableRead(byte[] payload) {
        return new Builder(RequestKind.LINEARIZABLE_READ, payload);
    }

    public static Builder serializableRead(byte[] payload) {
        return new Builder(RequestKind.SERIALIZABLE_READ, payload);
    }

    public static Builder builder(RequestKind kind, byte[] payload) {
        return new Builder(kind, payload);
    }

    /** A read-only view of the payload; each call returns an independent position. */
    public ByteBuffer payload() {
        return ByteBuffer.wrap(payload).asReadOnlyBuffer();
    }

    /** A copy of the payload. */
    public byte[] payloadBytes() {
        return payload.clone();
    }

    public RequestKind kind() {
        return kind;
    }

    /** The caller said that applying this request twice has the same effect as once. */
    public boolean idempotent() {
        return idempotent;
    }

    /** An id the server can deduplicate with; sent on every attempt. */
    public Optional<String> requestId() {
        return Optional.ofNullable(requestId);
    }

    /** The caller opted in to repeating a write after an ambiguous failure (needs a request id). */
    public boolean retryAfterAmbiguousFailure() {
        return retryAfterAmbiguousFailure;
    }

    /** A serializable read that a learner may serve. */
    public boolean allowLearner() {
        return allowLearner;
    }

    /** The caller's deadline, or empty for the balancer's default. */
    public Optional<Duration> deadline() {
        return Optional.ofNullable(deadline);
    }

    /**
     * Whether sending this request again after a failure that may have applied it is safe:
     * reads always; writes only if idempotent or deduplicated by the server through the id.
     */
    public boolean mayRepeatAfterAmbiguousFailure() {
        return kind.isRead() || idempotent || retryAfterAmbiguousFailure;
    }

    @Override
    public String toString() {
        return kind + "(" + payload.length + " bytes" + (requestId != null ? ", id=" + requestId : "")
                + (idempotent ? ", idempotent" : "") + ")";
    }

    /** Builds a {@link Request}; {@link #build()} rejects contradictory choices. */
    public static final class Builder {
        private final RequestKind kind;
        private final byte[] payload;
        private boolean idempotent;
        private String requestId;
        private boolean retryAfterAmbiguousFailure;
        private boolean allowLearner;
        private Duration deadline;

        private Builder(RequestKind kind, byte[] payload) {
            this.kind = Objects.requireNonNull(kind, "kind");
            this.payload = Objects.requireNonNull(payload, "payload").clone();
        }

        /** Applying the request twice is the same as once (a plain put of a value is; an increment is not). */
        public Builder idempotent() {
            this.idempotent = true;
            return this;
        }

        /** An id, unique per logical request, that the server may use to apply it at most once. */
        public Builder requestId(String id) {
            if (id == null || id.isBlank()) {
                throw new IllegalArgumentException("a request id must be non-empty");
            }
            this.requestId = id;
            return this;
        }

        /**
         * Allow the balancer to send this write again after a failure that may have applied
         * it (a connection lost after sending, a timeout, UNAVAILABLE). Only safe when the
         * server deduplicates by {@link #requestId}, so a request id is required.
         */
        public Builder retryAfterAmbiguousFailure() {
            this.retryAfterAmbiguousFailure = true;
            return this;
        }

        /** Let a learner serve this serializable read (it may be further behind than a voter). */
        public Builder allowLearner() {
            this.allowLearner = true;
            return this;
        }

        /** The total time for all attempts, retries and waits; overrides the balancer's default. */
        public Builder deadline(Duration d) {
            if (d == null || d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException("a deadline must be positive, was " + d);
            }
            this.deadline = d;
            return this;
        }

        public Request build() {
            if (retryAfterAmbiguousFailure && requestId == null) {
                throw new IllegalArgumentException("retryAfterAmbiguousFailure needs a requestId: without one the"
                        + " server cannot tell a repeat from a new write and may apply it twice");
            }
            if (allowLearner && kind != RequestKind.SERIALIZABLE_READ) {
                throw new IllegalArgumentException("allowLearner is only for serializable reads: a learner rejects "
                        + kind + " with UNSUPPORTED_ON_LEARNER (DESIGN.md §4 rule 7)");
            }
            return new Request(this);
        }
    }
}
