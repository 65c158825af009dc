package org.understudy.client.balancer;

import java.util.List;
import java.util.Optional;

/**
 * The one way a request fails: a stable {@link #code()} (DESIGN.md §7, or the server's own
 * code for {@link FailureReason#SERVER_ERROR}), the {@link #reason()} the balancer stopped,
 * every {@link #attempts() attempt} it made, and whether a write {@link #mayHaveBeenApplied()}.
 *
 * <p>It has no stack trace on purpose: it is built on a timer or transport thread, where the
 * stack says nothing; the attempts say what happened.
 */
public final class BalancerException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String code;
    private final FailureReason reason;
    private final transient List<Attempt> attempts;
    private final boolean mayHaveBeenApplied;
    private final String requestId;

    public BalancerException(String code, FailureReason reason, String message, List<Attempt> attempts,
                             boolean mayHaveBeenApplied, String requestId) {
        super(message, null, false, false);
        this.code = code;
        this.reason = reason;
        this.attempts = List.copyOf(attempts);
        this.mayHaveBeenApplied = mayHaveBeenApplied;
        this.requestId = requestId;
    }

    /** The stable code: {@code UNAVAILABLE} unless the server's answer was final, then the server's code. */
    public String code() {
        return code;
    }

    public FailureReason reason() {
        return reason;
    }

    /** Every send, in order (empty when the request never left, e.g. no voter was known). */
    public List<Attempt> attempts() {
        return attempts;
    }

    /**
     * True when a write was sent and its fate is unknown (connection lost after sending, a
     * timeout, UNAVAILABLE from the server): it may be applied now or later. Always false for
     * reads. When false for a write, no attempt can have applied it.
     */
    public boolean mayHaveBeenApplied() {
        return mayHaveBeenApplied;
    }

    public Optional<String> requestId() {
        return Optional.ofNullable(requestId);
    }
}
