package org.understudy.membership.sim;

import java.util.List;
import org.understudy.membership.proto.Member;
import org.understudy.membership.proto.MembershipChange;
import org.understudy.membership.registry.MembershipContext;
import org.understudy.raft.proto.ConfChange;

/** Member records and record-carrying changes for simulator tests. */
public final class SimRecords {
    private SimRecords() {}

    public static Member member(long id) {
        return Member.newBuilder().setId(id).setName("n" + id)
                .addPeerUrls("tcp://10.0.0." + id + ":7001").addClientUrls("http://10.0.0." + id + ":8001").build();
    }

    public static List<Member> founders(long... ids) {
        return java.util.Arrays.stream(ids).mapToObj(SimRecords::member).toList();
    }

    /** {@code change} carrying {@code upserts} and {@code removed}. */
    public static ConfChange with(ConfChange change, List<Member> upserts, long... removed) {
        MembershipChange.Builder b = MembershipChange.newBuilder().addAllUpsert(upserts).setReason("test");
        for (long id : removed) {
            b.addRemove(id);
        }
        return MembershipContext.attach(change, b.build());
    }
}
