package org.understudy.client.balancer.spi;

import java.util.concurrent.CompletableFuture;
import org.understudy.client.balancer.Endpoint;

/**
 * Sends one request to one endpoint. The balancer decides where and whether to retry; the
 * transport only reports, truthfully, what happened to this one send.
 *
 * <p>Contract:
 * <ul>
 *   <li>{@link #send} must not block and should not throw. A throw is taken to mean the
 *       request was not sent ({@link Reply.Delivery#NOT_SENT}); a future completed
 *       exceptionally is taken as {@link Reply.Delivery#AMBIGUOUS}.</li>
 *   <li>Honour {@link TransportRequest#timeoutMillis()} and complete the future by then. The
 *       balancer also stops waiting at that time (and counts the attempt as an ambiguous
 *       timeout), so a transport that forgets cannot hang a request, but it keeps the
 *       endpoint's in-flight count up until its future completes.</li>
 *   <li>Map the server's typed failures to {@link Reply.ServerError} with the code string
 *       unchanged, and a {@code NOT_LEADER}'s leader to {@code leaderHint} as a member id.</li>
 *   <li>It may be called from any thread, concurrently, and its futures may complete on any
 *       thread; the balancer's callbacks are short and never block.</li>
 * </ul>
 */
public interface ClientTransport {

    /** Sends {@code request} to {@code endpoint}. */
    CompletableFuture<Reply> send(Endpoint endpoint, TransportRequest request);

    /**
     * A cheap health check (e.g. raft-kv's {@code GET /health} or a ping frame), used to
     * half-open a circuit without risking a caller's request. Any {@link Reply.Ok} or
     * {@link Reply.ServerError} other than {@code UNAVAILABLE} counts as healthy.
     *
     * @return the probe's outcome, or {@code null} if this transport has no probe, in which
     *     case the next suitable request to the endpoint is the probe
     */
    default CompletableFuture<Reply> probe(Endpoint endpoint) {
        return null;
    }
}
