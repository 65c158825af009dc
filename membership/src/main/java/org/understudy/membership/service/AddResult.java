package org.understudy.membership.service;

import org.understudy.membership.proto.Member;
import org.understudy.membership.registry.MemberRegistry;

/**
 * What an add did and what the new member needs to start.
 *
 * @param member the new member's record, with its id
 * @param registry the registry once the change was applied on the node that made it
 * @param initialCluster every member as {@code name=peerUrl,...} (etcd's {@code initial-cluster}
 *     format), the new one included: start the new member with it, joining the existing cluster
 * @param quorumGrows {@code true} when a voter was added: the quorum grew at once, and until the new
 *     member runs and catches up the cluster tolerates one failure fewer (or none: seed figures 6–7)
 * @param note a sentence for the operator about what happens next
 */
public record AddResult(Member member, MemberRegistry registry, String initialCluster, boolean quorumGrows,
        String note) {

    public long id() {
        return member.getId();
    }
}
