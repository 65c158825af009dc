package org.understudy.examples.kv.api;

import com.google.protobuf.ByteString;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;

/**
 * What one raft-kv member offers its clients: the operations behind the HTTP/JSON API of
 * {@code RAFT-KV.md}, independent of HTTP. The HTTP layer calls it; the node implements it.
 *
 * <p>Every method returns at once (never blocks the caller, which may be an event loop). A future
 * that fails completes exceptionally with a {@link KvException} carrying a stable code
 * ({@link KvErrorCode}); anything else is a bug and is answered as {@code UNAVAILABLE}.
 *
 * <p>Who does what (DESIGN.md §4): writes and membership changes need the leader, so a follower
 * answers them with {@code NOT_LEADER} (details: {@code leader} = the leader's hex id and
 * {@code leaderClientUrl} when known) and the HTTP layer forwards them once; a linearizable read
 * is served by any voter through a read index; a learner answers writes and linearizable reads with
 * {@code UNSUPPORTED_ON_LEARNER} (unless started with {@code --learner-reads linearizable}) and
 * serves serializable reads and status.
 */
public interface KvService {

    /**
     * Writes {@code value} under {@code key}. With {@code prevRevision} present, only if the key's
     * current revision equals it (0 = the key must not exist), else {@code REVISION_MISMATCH}
     * (details: {@code revision} = the current one, 0 if absent). {@code requestId}, when present,
     * makes a retried write apply once: a second write with the same id returns the first result.
     */
    CompletableFuture<PutResult> put(String key, ByteString value, OptionalLong prevRevision, Optional<String> requestId);

    /** Reads {@code key}; absent: {@code KEY_NOT_FOUND}. */
    CompletableFuture<GetResult> get(String key, Consistency consistency);

    /** Deletes {@code key} (absent: {@code deleted = false}); {@code requestId} as for {@link #put}. */
    CompletableFuture<DeleteResult> delete(String key, Optional<String> requestId);

    /** The members with their roles and lag, and the leader's id (hex, empty when unknown). */
    CompletableFuture<MembersView> members();

    /**
     * Adds a member (a learner unless {@code learner} is false); errors {@code TOO_MANY_LEARNERS},
     * {@code INVALID_PEER_URL}, {@code CONF_CHANGE_IN_PROGRESS}, {@code BAD_REQUEST}.
     */
    CompletableFuture<AddMemberResult> addMember(String name, List<String> peerUrls, boolean learner);

    /** Promotes a learner; {@code LEARNER_NOT_READY} (details: {@code lag}, {@code reason}), {@code NOT_A_LEARNER}, {@code MEMBER_NOT_FOUND}. */
    CompletableFuture<MemberView> promote(long memberId);

    /** Removes a member; {@code MEMBER_NOT_FOUND}. */
    CompletableFuture<Void> removeMember(long memberId);

    /**
     * Puts {@code clientUrl} ({@code host:port}) into member {@code memberId}'s record, so that
     * clients find every member (RAFT-KV.md lists only peer addresses at start). Members call it
     * on the leader for themselves; a follower answers {@code NOT_LEADER}. Idempotent.
     */
    CompletableFuture<Void> publishClientUrl(long memberId, String clientUrl);

    /** This member's view of itself and the cluster, from local state (never forwarded). */
    StatusView status();

    /** Healthy when a leader is known and this member has applied everything it knows committed. */
    HealthView health();

    /** The metrics in Prometheus' text format. */
    String metricsText();

    /** The leader's first client URL ({@code host:port}), when this member knows it. */
    Optional<String> leaderClientUrl();

    /** How a read is served. */
    enum Consistency {
        /** After a read index confirmed by a quorum: never stale. The default. */
        LINEARIZABLE,
        /** From this member's applied state: may lag the leader. */
        SERIALIZABLE
    }

    /** A write's outcome: the key's new revision. */
    record PutResult(long revision) {}

    /** A read's outcome. */
    record GetResult(String key, ByteString value, long revision) {}

    /** A delete's outcome: the revision of the delete, and whether the key existed. */
    record DeleteResult(long revision, boolean deleted) {}

    /** One member; ids are hex strings on the wire (RAFT-KV.md). */
    record MemberView(String id, String name, List<String> peerUrls, List<String> clientUrls, boolean learner,
            long matchIndex, long lag) {}

    /**
     * The member list, the leader's hex id ("" when unknown) and the list's revision: the Raft index
     * of the last membership change this member has applied, the same on every member for the same
     * list, so a client can tell a newer list from an older one (a lagging member's).
     */
    record MembersView(String leader, List<MemberView> members, long revision) {}

    /** An added member and the {@code --initial-cluster} value to start it with. */
    record AddMemberResult(MemberView member, String initialCluster) {}

    /** {@code GET /v1/status}; role is one of leader, follower, candidate, learner. */
    record StatusView(String id, String name, String role, long term, String leader, long commitIndex, long appliedIndex,
            long lastIndex, boolean learner) {}

    /** {@code GET /health}. */
    record HealthView(boolean healthy, String reason) {}
}
