package org.understudy.examples.kv.api;

import java.util.Map;
import java.util.Objects;

/**
 * A failure a raft-kv client can act on: a stable {@link KvErrorCode}, a sentence for a human, and
 * details (e.g. {@code lag} for {@code LEARNER_NOT_READY}, {@code leader} for {@code NOT_LEADER},
 * {@code revision} for {@code REVISION_MISMATCH}) that the HTTP layer adds to the JSON error.
 */
public final class KvException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final KvErrorCode code;
    private final transient Map<String, Object> details;

    public KvException(KvErrorCode code, String message) {
        this(code, message, Map.of(), null);
    }

    public KvException(KvErrorCode code, String message, Map<String, Object> details) {
        this(code, message, details, null);
    }

    public KvException(KvErrorCode code, String message, Map<String, Object> details, Throwable cause) {
        super(message, cause);
        this.code = Objects.requireNonNull(code, "code");
        this.details = Map.copyOf(details);
    }

    public KvErrorCode code() {
        return code;
    }

    public Map<String, Object> details() {
        return details;
    }
}
