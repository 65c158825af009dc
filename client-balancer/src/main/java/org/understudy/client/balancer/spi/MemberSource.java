package org.understudy.client.balancer.spi;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.understudy.client.balancer.Endpoint;
import org.understudy.client.balancer.MemberList;

/**
 * Fetches the cluster's member list (raft-kv: {@code GET /v1/members}). Called periodically
 * and after errors that suggest the list is out of date; never twice at once.
 *
 * <p>Return every member with its learner flag: the balancer drops learners itself, and
 * keeps them aside only for serializable reads that allow a learner. Fill
 * {@link MemberList#revision()} with the configuration index when the server has it, so an
 * answer from a lagging node can never replace a newer list.
 */
public interface MemberSource {

    /**
     * Starts a fetch.
     *
     * @param candidates endpoints worth asking, best first: the known leader, voters with
     *     closed circuits, the other voters, learners, then the seed endpoints. The source may ignore them
     *     (e.g. a fixed discovery service).
     * @return the list, or a future failed with any exception; a failure is logged and the
     *     current list is kept
     */
    CompletableFuture<MemberList> fetch(List<Endpoint> candidates);
}
