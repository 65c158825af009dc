/**
 * The member registry: records carried in {@code ConfChange.context}, folded into an immutable
 * {@link org.understudy.membership.registry.MemberRegistry} on every node, and written into every
 * snapshot by {@link org.understudy.membership.registry.MembershipStateMachine}, a decorator of the
 * user's state machine. The log is the registry's one durable source of truth.
 */
package org.understudy.membership.registry;
