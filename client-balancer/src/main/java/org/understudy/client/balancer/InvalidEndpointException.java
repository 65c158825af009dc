package org.understudy.client.balancer;

/**
 * An endpoint string could not be parsed. Carries the input and what is wrong with it, so a
 * command line or a config loader can say exactly which value to fix.
 */
public final class InvalidEndpointException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    /** What is wrong with the input. */
    public enum Problem {
        /** Nothing was given. */
        EMPTY,
        /** A scheme other than http, https, tcp or tls. */
        UNKNOWN_SCHEME,
        /** A path, query or fragment after the port: an endpoint is only a host and a port. */
        HAS_PATH,
        /** No {@code :port}. */
        MISSING_PORT,
        /** The port is not a number. */
        BAD_PORT,
        /** The port is outside 1..65535. */
        PORT_OUT_OF_RANGE,
        /** The host is empty, has whitespace, or is an IPv6 address without brackets. */
        BAD_HOST
    }

    private final String input;
    private final Problem problem;

    public InvalidEndpointException(String input, Problem problem, String message) {
        super("invalid endpoint '" + input + "': " + message);
        this.input = input;
        this.problem = problem;
    }

    /** The text that was rejected. */
    public String input() {
        return input;
    }

    public Problem problem() {
        return problem;
    }

    /** The stable error code of DESIGN.md §7: a malformed endpoint is a bad request. */
    public String code() {
        return ErrorCodes.BAD_REQUEST;
    }
}
