/**
 * Who may receive what: the member view (voters, learners kept apart, the leader, the
 * revision it describes), the rule that keeps an older list from replacing a newer one, and
 * the router that picks an endpoint for each attempt.
 */
package org.understudy.client.balancer.routing;
