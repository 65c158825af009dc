package org.understudy.membership.service;

/**
 * Receives {@link MembershipEvent}s. Called on the thread that caused the event (a caller's, the
 * node's, or the service's ticker), sometimes while the service decides (a refusal is reported as it
 * is made): it must be quick and must not call back into the service or wait on the node.
 */
@FunctionalInterface
public interface MembershipListener {

    void on(MembershipEvent event);
}
