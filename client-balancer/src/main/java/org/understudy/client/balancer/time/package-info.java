/**
 * The balancer's only source of time and timers, injected so tests run on a manual clock
 * (no sleeps, no flakiness) and production runs on one daemon thread.
 */
package org.understudy.client.balancer.time;
