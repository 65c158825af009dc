package org.understudy.membership.registry;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import java.util.HashSet;
import java.util.Set;
import org.understudy.membership.proto.Member;
import org.understudy.membership.proto.MembershipChange;
import org.understudy.raft.proto.ConfChange;

/**
 * Reads and writes the {@link MembershipChange} carried in {@code ConfChange.context}.
 *
 * <p>Decoding never throws: a context is either a well-formed change, empty (no record changes),
 * or {@linkplain Decoded#problem() malformed}, and the caller decides what a malformed one means
 * (see {@link MemberRegistry#apply(long, ConfChange, org.understudy.raft.proto.ConfState,
 * java.util.function.Consumer)}).
 */
public final class MembershipContext {

    /**
     * A decoded context.
     *
     * @param change the records to upsert and the ids to remove (the default instance when the
     *     context is empty or malformed)
     * @param problem why the context is malformed, or {@code null} when it is not
     */
    public record Decoded(MembershipChange change, String problem) {
        public boolean malformed() {
            return problem != null;
        }
    }

    private MembershipContext() {}

    /** {@code change} with {@code records} as its context. */
    public static ConfChange attach(ConfChange change, MembershipChange records) {
        return change.toBuilder().setContext(records.toByteString()).build();
    }

    /** Decodes a context: empty bytes are an empty change; anything unreadable is reported, not thrown. */
    public static Decoded decode(ByteString context) {
        if (context.isEmpty()) {
            return new Decoded(MembershipChange.getDefaultInstance(), null);
        }
        MembershipChange change;
        try {
            change = MembershipChange.parseFrom(context);
        } catch (InvalidProtocolBufferException e) {
            return malformed("the context (" + context.size() + " bytes) is not a MembershipChange: " + e.getMessage());
        }
        Set<Long> upserted = new HashSet<>();
        for (Member m : change.getUpsertList()) {
            if (m.getId() == 0) {
                return malformed("it upserts a record with id 0 (name '" + m.getName() + "')");
            }
            if (!upserted.add(m.getId())) {
                return malformed("it upserts two records for member " + m.getId());
            }
        }
        for (long id : change.getRemoveList()) {
            if (upserted.contains(id)) {
                return malformed("it both upserts and removes member " + id);
            }
        }
        return new Decoded(change, null);
    }

    private static Decoded malformed(String problem) {
        return new Decoded(MembershipChange.getDefaultInstance(), problem);
    }
}
