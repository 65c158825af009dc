package org.understudy.client.balancer.routing;

import org.understudy.client.balancer.Endpoint;

/**
 * Where one attempt goes.
 *
 * @param memberId the member owning the endpoint (null if unknown)
 * @param probe the attempt is the half-open probe of an open circuit
 * @param learner the endpoint is a learner's (only for serializable reads that allow it)
 */
public record Route(Endpoint endpoint, String memberId, boolean probe, boolean learner) {
}
