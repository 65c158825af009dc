package org.understudy.examples.kv.state;

import java.io.IOException;

/**
 * The bytes handed to {@link KvStateMachine#restore} are not a valid raft-kv snapshot: wrong magic,
 * a version this build can not read, a CRC mismatch, a truncated stream or an impossible field.
 * The message says which, for the operator; the state machine keeps the state it had.
 */
public final class KvSnapshotFormatException extends IOException {
    private static final long serialVersionUID = 1L;

    public KvSnapshotFormatException(String message) {
        super(message);
    }

    public KvSnapshotFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
