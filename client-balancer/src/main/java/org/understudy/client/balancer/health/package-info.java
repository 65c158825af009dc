/**
 * Health per endpoint: a circuit breaker that opens after consecutive failures, waits an
 * exponentially growing, jittered time, lets one probe through, and closes on success.
 */
package org.understudy.client.balancer.health;
