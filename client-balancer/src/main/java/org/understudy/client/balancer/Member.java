package org.understudy.client.balancer;

import java.util.List;
import java.util.Objects;

/**
 * A cluster member as the client sees it: its id (a string, as raft-kv writes ids: hex, never
 * a JSON number), its name, the endpoints clients may use, and whether it is a learner.
 * A learner is never routed to (DESIGN.md §4 rule 9) unless a serializable read opts in.
 */
public record Member(String id, String name, List<Endpoint> clientEndpoints, boolean learner) {

    public Member {
        if (id == null || id.isBlank()) {
            throw new IllegalArgumentException("a member id must be non-empty");
        }
        name = name == null ? "" : name;
        clientEndpoints = List.copyOf(Objects.requireNonNull(clientEndpoints, "clientEndpoints"));
    }

    public static Member voter(String id, Endpoint... endpoints) {
        return new Member(id, id, List.of(endpoints), false);
    }

    public static Member learner(String id, Endpoint... endpoints) {
        return new Member(id, id, List.of(endpoints), true);
    }

    public Member withLearner(boolean isLearner) {
        return new Member(id, name, clientEndpoints, isLearner);
    }
}
