package org.understudy.raft.transport.netty.rpc;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.understudy.raft.ErrorCode;
import org.understudy.raft.RaftException;
import org.understudy.raft.transport.netty.rpc.proto.RpcError;

/**
 * {@link RaftException} to {@link RpcError} and back, and the RPC layer's own failures.
 *
 * <p>Every failure the RPC layer makes itself carries the detail {@value #OUTCOME} that tells a
 * caller whether retrying is safe: {@value #NOT_SENT} (the server never saw the call),
 * {@value #NOT_EXECUTED} (the server saw it but did not start it) or {@value #UNKNOWN} (the server
 * may have carried it out: retry only idempotent calls).
 */
final class RpcErrors {
    /** The detail that says what became of a failed call. */
    static final String OUTCOME = "outcome";
    static final String NOT_SENT = "not-sent";
    static final String NOT_EXECUTED = "not-executed";
    static final String UNKNOWN = "unknown";
    /** The detail carrying a server's error code that this client does not know. */
    static final String SERVER_CODE = "serverCode";
    private static final String LEADER_HINT = "leaderHint";

    private RpcErrors() {}

    static RaftException unavailable(String message, String outcome) {
        return new RaftException(ErrorCode.UNAVAILABLE, message, Map.of(OUTCOME, outcome));
    }

    /** The wire form of {@code e}; the details travel verbatim, the leader hint also as a number. */
    static RpcError toWire(RaftException e) {
        RpcError.Builder b = RpcError.newBuilder().setCode(e.code().name())
                .setMessage(e.getMessage() == null ? "" : e.getMessage()).putAllDetails(e.details());
        String hint = e.details().get(LEADER_HINT);
        if (hint != null) {
            try {
                b.setLeaderHint(Long.parseUnsignedLong(hint));
            } catch (NumberFormatException ignored) {
                // a malformed hint still travels in the details
            }
        }
        return b.build();
    }

    /**
     * The exception a caller sees for a server's error: same code, message and details. A code this
     * build does not know (a newer server) becomes {@code UNAVAILABLE} with the original in the
     * {@value #SERVER_CODE} detail.
     */
    static RaftException fromWire(RpcError error) {
        Map<String, String> details = new HashMap<>(error.getDetailsMap());
        if (error.getLeaderHint() != 0) {
            details.putIfAbsent(LEADER_HINT, Long.toUnsignedString(error.getLeaderHint()));
        }
        ErrorCode code;
        String message = error.getMessage();
        try {
            code = ErrorCode.valueOf(error.getCode());
        } catch (IllegalArgumentException unknown) {
            code = ErrorCode.UNAVAILABLE;
            details.put(SERVER_CODE, error.getCode());
            message = "the server answered with error code '" + error.getCode() + "', unknown to this client: "
                    + message;
        }
        return new RaftException(code, message, details);
    }

    /**
     * The error a handler's failure is answered with: a {@link RaftException} as it is, anything
     * else as {@code UNAVAILABLE} naming the exception (ErrorCode has no code for a server's own
     * bug; UNAVAILABLE says "try elsewhere or later", the closest fit).
     */
    static RaftException fromHandlerFailure(String method, Throwable failure) {
        Throwable cause = unwrap(failure);
        if (cause instanceof RaftException raft) {
            return raft;
        }
        return new RaftException(ErrorCode.UNAVAILABLE, "the server failed to handle '" + method + "': "
                + cause.getClass().getName() + (cause.getMessage() == null ? "" : ": " + cause.getMessage()),
                Map.of(OUTCOME, UNKNOWN));
    }

    static Throwable unwrap(Throwable t) {
        Throwable c = t;
        while ((c instanceof CompletionException || c instanceof ExecutionException) && c.getCause() != null) {
            c = c.getCause();
        }
        return c;
    }

    /** The innermost cause's class and message, for log lines and error messages. */
    static String describe(Throwable cause) {
        Throwable root = cause;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String msg = root.getMessage();
        return root.getClass().getSimpleName() + (msg == null ? "" : ": " + msg);
    }
}
