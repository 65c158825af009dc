package org.understudy.membership.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.understudy.membership.proto.Member;
import org.understudy.raft.ErrorCode;
import org.understudy.raft.RaftException;

class PeerUrlsTest {

    @Test
    void acceptsSchemeHostPortAndNormalizesCase() {
        assertThat(PeerUrls.peerUrls(List.of("tcp://10.0.0.4:7001", "HTTPS://Node-1.Example.COM:443",
                "tls://[::1]:7002", "http://db:1/", "tcp://h:65535")))
                .containsExactly("tcp://10.0.0.4:7001", "https://node-1.example.com:443", "tls://[::1]:7002",
                        "http://db:1", "tcp://h:65535");
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
        "10.0.0.4:7001          | no scheme",
        "localhost:7001         | no scheme",
        "ftp://h:21             | unsupported scheme",
        "tcp://h                | no port",
        "tcp://h:               | no port",
        "tcp://h:0              | port out of range",
        "tcp://h:70000          | port out of range",
        "tcp://h:99999999999    | port out of range",
        "tcp://h:8x             | malformed port",
        "tcp://h:-1             | malformed port",
        "tcp://:7001            | no host",
        "tcp:///x               | no host",
        "tcp://my_host:7001     | invalid host",
        "tcp://user:pw@h:7001   | contains user information",
        "tcp://user@my_host:1   | contains user information",
        "tcp://h:7001/raft      | has a path",
        "tcp://h:7001?x=1       | has a query",
        "tcp://h:7001#frag      | has a fragment",
        "tcp://h h:7001         | not a URL",
    })
    void refusesMalformedPeerUrlsSayingWhatIsWrong(String url, String problem) {
        RaftException e = catchThrowableOfType(() -> PeerUrls.peerUrls(List.of(url)), RaftException.class);
        assertThat(e).as(url).isNotNull();
        assertThat(e.code()).isEqualTo(ErrorCode.INVALID_PEER_URL);
        assertThat(e.details()).containsEntry(PeerUrls.DETAIL_URL, url).containsEntry(PeerUrls.DETAIL_PROBLEM, problem);
        assertThat(e.getMessage()).contains(url);
    }

    @Test
    void refusesAnEmptyListABlankUrlAndWhitespace() {
        assertThatThrownBy(() -> PeerUrls.peerUrls(List.of())).isInstanceOf(RaftException.class)
                .hasMessageContaining("at least one peer URL");
        assertThatThrownBy(() -> PeerUrls.peerUrls(List.of(" "))).hasMessageContaining("empty");
        assertThatThrownBy(() -> PeerUrls.peerUrls(List.of(" tcp://h:1"))).hasMessageContaining("whitespace");
    }

    @Test
    void refusesDuplicatesEvenWhenSpelledDifferently() {
        RaftException e = catchThrowableOfType(
                () -> PeerUrls.peerUrls(List.of("tcp://Host:7001", "TCP://host:7001/")), RaftException.class);
        assertThat(e.code()).isEqualTo(ErrorCode.INVALID_PEER_URL);
        assertThat(e.getMessage()).isEqualTo("peer URL TCP://host:7001/ is given twice");
    }

    @Test
    void clientUrlsMayHaveAPathAndMayBeEmpty() {
        assertThat(PeerUrls.clientUrls(List.of())).isEmpty();
        assertThat(PeerUrls.clientUrls(List.of("https://API.example:8443/kv", "http://h:8001/")))
                .containsExactly("https://api.example:8443/kv", "http://h:8001");
        assertThatThrownBy(() -> PeerUrls.clientUrls(List.of("http://h:8001?q"))).isInstanceOf(RaftException.class)
                .hasMessageStartingWith("client URL http://h:8001?q has a query");
    }

    @Test
    void refusesAUrlAnotherMemberAlreadyUses() {
        Member other = Member.newBuilder().setId(3).setName("db-3").addPeerUrls("TCP://10.0.0.3:7001").build();
        List<String> mine = PeerUrls.peerUrls(List.of("tcp://10.0.0.3:7001"));
        RaftException e = catchThrowableOfType(() -> PeerUrls.requireUnused(mine, List.of(other), 0),
                RaftException.class);
        assertThat(e.code()).isEqualTo(ErrorCode.INVALID_PEER_URL);
        assertThat(e.getMessage()).contains("already used by member 3 (db-3)");
        PeerUrls.requireUnused(mine, List.of(other), 3); // the member itself may keep its URL
        PeerUrls.requireUnused(PeerUrls.peerUrls(List.of("tcp://10.0.0.4:7001")), List.of(other), 0);
    }

    @Test
    void initialClusterListsEveryPeerUrlAsNameEqualsUrl() {
        Member a = Member.newBuilder().setId(1).setName("a").addPeerUrls("tcp://h1:7001").build();
        Member b = Member.newBuilder().setId(2).setName("b").addPeerUrls("tcp://h2:7001").addPeerUrls("tls://h2:7002")
                .build();
        Member bare = Member.newBuilder().setId(3).addPeerUrls("tcp://h3:7001").build();
        assertThat(PeerUrls.initialCluster(List.of(a, b, bare)))
                .isEqualTo("a=tcp://h1:7001,b=tcp://h2:7001,b=tls://h2:7002,node-3=tcp://h3:7001");
        assertThat(PeerUrls.initialCluster(List.of())).isEmpty();
        Member bad = Member.newBuilder().setId(4).setName("x=y").addPeerUrls("tcp://h4:1").build();
        assertThatThrownBy(() -> PeerUrls.initialCluster(List.of(bad))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void memberNamesMustFitTheInitialClusterFormatAndBeUnique() {
        assertThat(MemberNames.requireValid("db-1.eu")).isEqualTo("db-1.eu");
        for (String bad : new String[] {"", "a b", "a=b", "a,b", "tab\t", "x".repeat(129)}) {
            RaftException e = catchThrowableOfType(() -> MemberNames.requireValid(bad), RaftException.class);
            assertThat(e).as("'%s'", bad).isNotNull();
            assertThat(e.code()).isEqualTo(ErrorCode.BAD_REQUEST);
        }
        Member m = Member.newBuilder().setId(2).setName("db-2").build();
        assertThatThrownBy(() -> MemberNames.requireUnique("db-2", List.of(m), 0))
                .hasMessageContaining("already used by member 2");
        MemberNames.requireUnique("db-2", List.of(m), 2);
        MemberNames.requireUnique("db-3", List.of(m), 0);
    }
}
