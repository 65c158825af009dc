/**
 * What the membership service needs from its surroundings: a {@link
 * org.understudy.membership.spi.RaftGroup} (one Raft node: status, configuration changes, leadership
 * transfer, read index, the local registry) and a {@link org.understudy.membership.spi.LeaderForwarder}
 * (sending a request to the leader).
 */
package org.understudy.membership.spi;
