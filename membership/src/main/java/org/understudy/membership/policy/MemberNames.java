package org.understudy.membership.policy;

import java.util.Collection;
import java.util.Map;
import org.understudy.membership.proto.Member;
import org.understudy.raft.ErrorCode;
import org.understudy.raft.RaftException;

/**
 * Checks a new member's name. Names are free-form for humans, with two limits: they must fit the
 * {@code initial-cluster} format ({@code name=url,...}, so no {@code '='} or {@code ','}) and they
 * must be unique, because operators and the initial-cluster value address members by name.
 * Refusals are {@link ErrorCode#BAD_REQUEST}: retrying the same name fails again.
 */
public final class MemberNames {

    /** Longest accepted name, in characters. */
    public static final int MAX_LENGTH = 128;

    private MemberNames() {}

    /**
     * @throws RaftException {@code BAD_REQUEST} when the name is blank, too long, or contains
     *     whitespace, a control character, {@code '='} or {@code ','}
     */
    public static String requireValid(String name) {
        if (name == null || name.isEmpty()) {
            throw bad(name, "a member needs a name");
        }
        if (name.length() > MAX_LENGTH) {
            throw bad(name, "member name is " + name.length() + " characters long; at most " + MAX_LENGTH
                    + " are allowed");
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (Character.isWhitespace(c) || Character.isISOControl(c)) {
                throw bad(name, "member name '" + name + "' contains whitespace or a control character at position " + i);
            }
            if (c == '=' || c == ',') {
                throw bad(name, "member name '" + name + "' contains '" + c
                        + "', which the initial-cluster format (name=url,...) cannot carry");
            }
        }
        return name;
    }

    /**
     * @param exceptId a member allowed to keep its own name (when updating it), or 0
     * @throws RaftException {@code BAD_REQUEST} naming the member that already has the name
     */
    public static void requireUnique(String name, Collection<Member> members, long exceptId) {
        for (Member m : members) {
            if (m.getId() != exceptId && m.getName().equals(name)) {
                throw bad(name, "member name '" + name + "' is already used by member " + m.getId()
                        + "; names must be unique");
            }
        }
    }

    private static RaftException bad(String name, String message) {
        return new RaftException(ErrorCode.BAD_REQUEST, message, Map.of("name", name == null ? "" : name));
    }
}
