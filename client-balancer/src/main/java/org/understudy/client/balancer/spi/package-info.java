/**
 * The two things a user plugs into the balancer: a {@link org.understudy.client.balancer.spi.ClientTransport}
 * (send one request to one endpoint, say what happened) and a
 * {@link org.understudy.client.balancer.spi.MemberSource} (fetch the member list). Both are
 * asynchronous and must never block the calling thread.
 */
package org.understudy.client.balancer.spi;
