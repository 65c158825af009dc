package org.understudy.examples.kv.local;

import java.util.Map;

/**
 * One member's {@code GET /v1/status} (RAFT-KV.md): what it says about itself and the cluster.
 *
 * @param id its member id (hex)
 * @param role {@code leader}, {@code follower}, {@code candidate} or {@code learner}
 * @param leader the leader's id (hex) as this member knows it; empty when it knows none
 */
public record MemberStatus(String id, String name, String role, long term, String leader, long commitIndex,
        long appliedIndex, long lastIndex, boolean learner) {

    /** Reads the JSON object of a {@code /v1/status} answer. */
    static MemberStatus fromJson(Map<String, Object> json) {
        return new MemberStatus(text(json, "id"), text(json, "name"), text(json, "role"), number(json, "term"),
                text(json, "leader"), number(json, "commitIndex"), number(json, "appliedIndex"),
                number(json, "lastIndex"), Boolean.TRUE.equals(json.get("learner")));
    }

    public boolean isLeader() {
        return role.equals("leader");
    }

    private static String text(Map<String, Object> json, String field) {
        Object v = json.get(field);
        return v == null ? "" : v.toString();
    }

    private static long number(Map<String, Object> json, String field) {
        if (!(json.get(field) instanceof Number n)) {
            throw new IllegalArgumentException("'" + field + "' is not a number in the status " + json);
        }
        return n.longValue();
    }
}
