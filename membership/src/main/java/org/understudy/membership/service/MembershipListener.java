package org.understudy.membership.service;

/**
 * Receives {@link MembershipEvent}s. Called on the thread that caused the event (a caller's, the
 * node's, or the service's ticker): it must be quick and must not wait on the service or the node.
 */
@FunctionalInterface
public interface MembershipListener {

    void on(MembershipEvent event);
}
