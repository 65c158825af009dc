package org.understudy.examples.kv.bench;

import java.util.Objects;

/**
 * How one operation ended, as the run counts it.
 *
 * @param code for {@link Status#ERROR}, the error code it is counted under; else empty
 */
public record OpOutcome(Status status, String code) {
    /** What happened. */
    public enum Status {
        /** Done: a put acknowledged, a read answered with the key's value. */
        OK,
        /** A read answered that the key does not exist (yet): a successful read, counted apart. */
        NOT_FOUND,
        /** A final failure that did not apply the operation (a server's error code, or the client's reason). */
        ERROR,
        /** No answer by the operation's deadline. */
        TIMEOUT,
        /** A put whose fate is unknown (the connection broke after sending it): it may have been applied. */
        UNKNOWN
    }

    public static final OpOutcome OK = new OpOutcome(Status.OK, "");
    public static final OpOutcome NOT_FOUND = new OpOutcome(Status.NOT_FOUND, "");
    public static final OpOutcome TIMEOUT = new OpOutcome(Status.TIMEOUT, "");
    public static final OpOutcome UNKNOWN = new OpOutcome(Status.UNKNOWN, "");

    public OpOutcome {
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(code, "code");
        if ((status == Status.ERROR) == code.isEmpty()) {
            throw new IllegalArgumentException("an ERROR outcome has a code and no other outcome has one");
        }
    }

    public static OpOutcome error(String code) {
        return new OpOutcome(Status.ERROR, code);
    }

    /** Whether the operation was served (latency is recorded only for these). */
    public boolean succeeded() {
        return status == Status.OK || status == Status.NOT_FOUND;
    }
}
