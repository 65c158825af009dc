package org.understudy.examples.kv.client;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.understudy.client.balancer.Endpoint;
import org.understudy.client.balancer.InvalidEndpointException;
import org.understudy.client.balancer.Member;
import org.understudy.client.balancer.MemberList;
import org.understudy.client.balancer.spi.MemberSource;
import org.understudy.examples.kv.rpc.KvRpcMethods;
import org.understudy.examples.kv.rpc.proto.KvMember;
import org.understudy.examples.kv.rpc.proto.KvMembersReply;
import org.understudy.examples.kv.rpc.proto.KvMembersRequest;

/**
 * client-balancer's {@link MemberSource} over raft-kv's binary protocol ({@code kv.members}), on
 * the connections of an {@link RpcClientTransport}: every member with its hex id, name, client URLs
 * and learner flag, and the leader's id. Asks the candidates in the balancer's order until one
 * answers. The list's revision is the answering member's last applied membership change, so the
 * balancer never takes a lagging member's older list for a newer one.
 */
public final class RpcMemberSource implements MemberSource {
    private final RpcClientTransport transport;
    private final Duration timeout;

    /** @param timeout how long each candidate gets to answer */
    public RpcMemberSource(RpcClientTransport transport, Duration timeout) {
        this.transport = Objects.requireNonNull(transport, "transport");
        this.timeout = Objects.requireNonNull(timeout, "timeout");
    }

    @Override
    public CompletableFuture<MemberList> fetch(List<Endpoint> candidates) {
        return CandidatesInTurn.ask(candidates, ep -> transport.call(ep, KvRpcMethods.MEMBERS,
                        KvMembersRequest.getDefaultInstance().toByteString(), timeout, "")
                .thenApply(payload -> {
                    try {
                        return toList(KvMembersReply.parseFrom(payload));
                    } catch (com.google.protobuf.InvalidProtocolBufferException e) {
                        throw new IllegalArgumentException("an unreadable member list: " + e.getMessage(), e);
                    }
                }));
    }

    static MemberList toList(KvMembersReply reply) {
        List<Member> members = new ArrayList<>();
        for (KvMember m : reply.getMembersList()) {
            if (m.getId().isEmpty()) {
                throw new IllegalArgumentException("a member without an id in the member list");
            }
            List<Endpoint> endpoints = new ArrayList<>();
            for (String url : m.getClientUrlsList()) {
                try {
                    endpoints.add(Endpoint.parse(url));
                } catch (InvalidEndpointException e) {
                    // an unusable URL is no route; the member is still listed (with its learner flag)
                }
            }
            members.add(new Member(m.getId(), m.getName(), endpoints, m.getLearner()));
        }
        Optional<String> leader = Optional.of(reply.getLeader()).filter(s -> !s.isBlank());
        return new MemberList(members, leader, reply.getRevision() > 0 ? reply.getRevision() : MemberList.UNKNOWN_REVISION);
    }
}
