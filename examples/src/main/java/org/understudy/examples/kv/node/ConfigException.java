package org.understudy.examples.kv.node;

/**
 * A server that cannot start as configured: a bad flag value, a port already taken, a data
 * directory of another member or cluster. The message is written for the operator who typed the
 * command line and says what to change; the CLI prints it and exits non-zero.
 */
public final class ConfigException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ConfigException(String message) {
        super(message);
    }

    public ConfigException(String message, Throwable cause) {
        super(message, cause);
    }
}
