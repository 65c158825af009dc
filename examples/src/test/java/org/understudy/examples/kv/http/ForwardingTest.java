package org.understudy.examples.kv.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.understudy.examples.kv.api.KvService.Consistency;
import org.understudy.examples.kv.http.FakeKvService.AddCall;
import org.understudy.examples.kv.http.FakeKvService.GetCall;
import org.understudy.examples.kv.http.FakeKvService.PutCall;

/**
 * A follower whose store answers {@code NOT_LEADER} forwards the request once to the leader's
 * client URL and relays the answer; a forwarded request is never forwarded again.
 */
class ForwardingTest {
    private static final String LEADER_ID = "8e9e05c52164694d";

    private FakeKvService leaderService;
    private FakeKvService followerService;
    private KvHttpServer leader;
    private KvHttpServer follower;
    private ApiClient client; // talks to the follower

    @BeforeEach
    void start() {
        leaderService = new FakeKvService();
        leader = TestServers.start(leaderService);
        followerService = new FakeKvService();
        followerService.failEverythingWith(FakeKvService.notLeader(LEADER_ID, leader.address()));
        follower = TestServers.start(followerService);
        client = new ApiClient(follower);
    }

    @AfterEach
    void stop() {
        follower.close();
        leader.close();
    }

    @Test
    void writesReadsAndMemberChangesReachTheLeader() {
        ApiClient.Reply put = client.send("PUT", "/v1/kv/a%2Fb?prev_revision=0", "über", KvHttpHeaders.REQUEST_ID, "r-1");
        assertThat(put.status()).isEqualTo(200);
        assertThat(put.body()).isEqualTo("{\"revision\":1}");
        assertThat(leaderService.callsOf(PutCall.class))
                .containsExactly(new PutCall("a/b", "über", OptionalLong.of(0), Optional.of("r-1")));

        ApiClient.Reply get = client.get("/v1/kv/a%2Fb?consistency=serializable");
        assertThat(get.body()).isEqualTo("{\"key\":\"a/b\",\"value\":\"über\",\"revision\":1}");
        assertThat(leaderService.callsOf(GetCall.class)).containsExactly(new GetCall("a/b", Consistency.SERIALIZABLE));

        ApiClient.Reply added = client.send("POST", "/v1/members", "{\"name\":\"n4\",\"peerUrls\":[\"h:4\"]}",
                "Content-Type", "application/json");
        assertThat(added.status()).isEqualTo(201);
        assertThat(leaderService.callsOf(AddCall.class)).containsExactly(new AddCall("n4", List.of("h:4"), true));

        // the follower tried each once itself and forwarded; local routes are never forwarded
        assertThat(followerService.calls).hasSize(3);
        assertThat(client.get("/v1/status").status()).isEqualTo(200);
    }

    @Test
    void theLeadersErrorsAreRelayedAsTheyAre() {
        leaderService.onPut = c -> CompletableFuture.failedFuture(new org.understudy.examples.kv.api.KvException(
                org.understudy.examples.kv.api.KvErrorCode.REVISION_MISMATCH, "key k is at revision 5", Map.of("revision", 5)));
        ApiClient.Reply reply = client.send("PUT", "/v1/kv/k?prev_revision=3", "v");
        assertThat(reply.status()).isEqualTo(412);
        assertThat(reply.contentType()).isEqualTo("application/json");
        assertThat(reply.body()).isEqualTo("{\"code\":\"REVISION_MISMATCH\",\"message\":\"key k is at revision 5\",\"revision\":5}");
    }

    @Test
    void aForwardedRequestIsNeverForwardedAgain() {
        // the "leader" thinks the follower leads: without the header the two would bounce the request
        leaderService.failEverythingWith(FakeKvService.notLeader("00000000000000ab", follower.address()));
        ApiClient.Reply reply = client.send("PUT", "/v1/kv/k", "v");
        assertThat(reply.status()).isEqualTo(503);
        assertThat(reply.code()).isEqualTo("NOT_LEADER");
        assertThat(followerService.calls).hasSize(1);
        assertThat(leaderService.calls).hasSize(1);
    }

    @Test
    void aRequestMarkedForwardedIsAnsweredNotLeader() {
        ApiClient.Reply reply = client.send("PUT", "/v1/kv/k", "v", KvHttpHeaders.FORWARDED, "1");
        assertThat(reply.status()).isEqualTo(503);
        assertThat(reply.json()).containsEntry("code", "NOT_LEADER").containsEntry("leader", LEADER_ID)
                .containsEntry("leaderClientUrl", leader.address());
        assertThat(leaderService.calls).isEmpty();
    }

    @Test
    void anUnreachableLeaderIs503NamingIt() throws IOException {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        followerService.failEverythingWith(FakeKvService.notLeader(LEADER_ID, "http://127.0.0.1:" + closedPort));
        ApiClient.Reply reply = client.send("DELETE", "/v1/kv/k", "");
        assertThat(reply.status()).isEqualTo(503);
        assertThat(reply.code()).isEqualTo("UNAVAILABLE");
        assertThat(reply.message()).contains(LEADER_ID).contains("127.0.0.1:" + closedPort);
    }

    @Test
    void withoutALeaderUrlTheServiceIsAskedThenNotLeaderIsAnswered() {
        followerService.failEverythingWith(FakeKvService.notLeader(LEADER_ID, null));
        assertThat(client.send("PUT", "/v1/kv/k", "v").code()).isEqualTo("NOT_LEADER");

        followerService.onLeaderClientUrl = () -> Optional.of(leader.address());
        assertThat(client.send("PUT", "/v1/kv/k", "v").status()).isEqualTo(200);
        assertThat(leaderService.callsOf(PutCall.class)).hasSize(1);
    }
}
