package org.understudy.membership.registry;

import org.understudy.membership.proto.Member;
import org.understudy.membership.proto.MembershipChange;
import org.understudy.raft.proto.ConfChange;
import org.understudy.raft.proto.ConfState;

/** Small builders for registry tests. */
final class Records {
    private Records() {}

    static Member member(long id, String name) {
        return Member.newBuilder().setId(id).setName(name)
                .addPeerUrls("tcp://10.0.0." + id + ":7001").addClientUrls("http://10.0.0." + id + ":8001").build();
    }

    static ConfChange withRecords(ConfChange change, Member... upserts) {
        return MembershipContext.attach(change, MembershipChange.newBuilder()
                .addAllUpsert(java.util.List.of(upserts)).setReason("test").build());
    }

    static ConfChange withRemoval(ConfChange change, long... removed) {
        MembershipChange.Builder b = MembershipChange.newBuilder().setReason("test");
        for (long id : removed) {
            b.addRemove(id);
        }
        return MembershipContext.attach(change, b.build());
    }

    static ConfState conf(long[] voters, long[] learners) {
        ConfState.Builder b = ConfState.newBuilder();
        for (long v : voters) {
            b.addVoters(v);
        }
        for (long l : learners) {
            b.addLearners(l);
        }
        return b.build();
    }

    static long[] ids(long... ids) {
        return ids;
    }
}
