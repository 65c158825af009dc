package org.understudy.examples.kv.local;

/** A local raft-kv process that did not start, or a cluster that did not elect a leader; {@link #reason()} says which. */
public final class LocalClusterException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** What went wrong. */
    public enum Reason {
        /** The JVM could not be launched at all (no {@code java}, work dir not writable). */
        LAUNCH_FAILED,
        /** The server could not bind one of its ports (another process took it after it was picked). */
        PORT_TAKEN,
        /** The server ended before printing its start line (bad flags, a data dir of another cluster...). */
        EXITED_AT_START,
        /** The server still ran but printed no start line within the start timeout. */
        NO_START_LINE,
        /** The running members did not agree on a leader within the election timeout. */
        NO_LEADER,
        /** A process did not end within the time it was given. */
        DID_NOT_STOP
    }

    private final Reason reason;

    public LocalClusterException(Reason reason, String message) {
        super(reason + ": " + message);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
