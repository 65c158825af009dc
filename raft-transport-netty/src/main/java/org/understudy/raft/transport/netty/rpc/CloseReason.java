package org.understudy.raft.transport.netty.rpc;

import java.util.Locale;

/**
 * Why the server closed a connection: the {@code reason} tag of
 * {@code understudy.rpc.server.connections.closed} and the reason in its log line.
 */
enum CloseReason {
    /** A frame too long, or one that is not the expected message: garbage or another protocol. */
    MALFORMED(true),
    /** The first frame was not a hello, the hello was refused, or a request had no id. */
    PROTOCOL(true),
    /** No hello within the hello timeout (a half-open connection, or a client that never speaks). */
    HELLO_TIMEOUT(true),
    /** The TLS handshake failed: no client certificate, an untrusted one, or not TLS at all. */
    TLS(true),
    /** Nothing in flight and nothing received for the idle timeout. Routine: logged at DEBUG. */
    IDLE(false),
    /** A socket error, or an error in the pipeline. */
    ERROR(false);

    private final boolean badInput;

    CloseReason(boolean badInput) {
        this.badInput = badInput;
    }

    /** Whether this is the client's fault: logged at WARN (throttled), not only at DEBUG. */
    boolean badInput() {
        return badInput;
    }

    /** The metric and log form, e.g. {@code hello-timeout}. */
    String code() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
