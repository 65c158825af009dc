/**
 * Client-side routing for an Understudy cluster (DESIGN.md §4 rule 9): requests go to voters
 * only, writes to the leader, reads spread over healthy voters; the member list is synced
 * from the cluster and learners are dropped from it; failing endpoints are skipped behind a
 * circuit breaker; retries never repeat a write that may already have been applied unless
 * the caller made that safe.
 *
 * <p>The entry point is {@link org.understudy.client.balancer.ClientBalancer}. The cluster
 * is reached through two small SPIs in {@code spi}: {@code ClientTransport} (send one request
 * to one endpoint) and {@code MemberSource} (fetch the member list). This module depends on
 * no server module, only on SLF4J and Micrometer.
 */
package org.understudy.client.balancer;
