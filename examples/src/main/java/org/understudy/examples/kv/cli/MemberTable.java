package org.understudy.examples.kv.cli;

import java.util.List;
import java.util.Map;

/** {@code member list} as a table: one row per member, the leader marked, learners with their lag. */
final class MemberTable {

    private MemberTable() {}

    static Table of(Map<String, Object> json) {
        String leader = String.valueOf(json.getOrDefault("leader", ""));
        Table t = new Table("ID", "NAME", "ROLE", "PEER URLS", "CLIENT URLS", "MATCH", "LAG");
        for (Map<String, Object> m : members(json)) {
            String id = String.valueOf(m.get("id"));
            String role = Boolean.TRUE.equals(m.get("learner")) ? "learner" : "voter";
            if (id.equals(leader)) {
                role += " (leader)";
            }
            t.row(id, m.get("name"), role, String.join(",", CtlCommand.list(m.get("peerUrls"))),
                    String.join(",", CtlCommand.list(m.get("clientUrls"))), unknownIfNegative(m.get("matchIndex")),
                    unknownIfNegative(m.get("lag")));
        }
        return t;
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> members(Map<String, Object> json) {
        Object members = json.get("members");
        return members instanceof List<?> l ? (List<Map<String, Object>>) l : List.of();
    }

    static long number(Object o) {
        return o instanceof Number n ? n.longValue() : -1;
    }

    private static String unknownIfNegative(Object o) {
        long v = number(o);
        return v < 0 ? "-" : Long.toString(v);
    }
}
