package org.understudy.raft.core.confchange;

/**
 * A configuration change that can't be applied: it is not allowed from the current configuration
 * (entering a joint configuration twice, changing two voters without one), or it would break an
 * invariant of the configuration. The message says which and shows the configuration involved.
 * Nothing was changed when this is thrown.
 */
public final class ConfChangeException extends Exception {

    private static final long serialVersionUID = 1L;

    public ConfChangeException(String message) {
        super(message);
    }
}
