package org.understudy.raft.transport.netty;

import java.util.Objects;

/**
 * A transport could not be set up: the listening port is unusable or the TLS material does not
 * load. (Network trouble after start-up is never thrown: {@code send} drops and counts, as the
 * {@code Transport} contract says.) The {@link Kind} tells an operator what to fix.
 */
public class TransportException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** What went wrong, in terms an operator can act on. The names are stable. */
    public enum Kind {
        /** Binding the listen address failed: the port is taken, or the host is not an address of this machine. */
        CANNOT_LISTEN,
        /** A certificate, key or trust file is missing, unreadable or not valid PEM of the expected kind. */
        TLS_MATERIAL
    }

    private final Kind kind;

    public TransportException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = Objects.requireNonNull(kind, "kind");
    }

    /** What went wrong. */
    public Kind kind() {
        return kind;
    }

    @Override
    public String toString() {
        return "TransportException[" + kind + "]: " + getMessage();
    }
}
