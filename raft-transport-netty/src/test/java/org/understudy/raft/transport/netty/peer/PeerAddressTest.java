package org.understudy.raft.transport.netty.peer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;
import org.understudy.raft.ErrorCode;
import org.understudy.raft.RaftException;

class PeerAddressTest {

    @Test
    void parsesHostsIpv4AndBracketedIpv6() {
        assertThat(PeerAddress.parse("10.0.0.7:7000", false)).isEqualTo(new PeerAddress("10.0.0.7", 7000));
        assertThat(PeerAddress.parse("node-a.example:2380", false)).isEqualTo(new PeerAddress("node-a.example", 2380));
        assertThat(PeerAddress.parse("[::1]:7000", false)).isEqualTo(new PeerAddress("::1", 7000));
        assertThat(PeerAddress.parse("[::1]:7000", false)).hasToString("[::1]:7000");
        assertThat(PeerAddress.parse("127.0.0.1:0", true).port()).isZero();
    }

    @Test
    void refusesWhatIsNotHostColonPortWithInvalidPeerUrl() {
        for (String bad : new String[] {"", "host", "host:", ":7000", "host:port", "::1:7000", "host:70000", "host:0"}) {
            assertThatThrownBy(() -> PeerAddress.parse(bad, false)).as(bad).isInstanceOfSatisfying(RaftException.class,
                    e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_PEER_URL));
        }
    }

    @Test
    void ipLiteralsNeedNoLookupButNamesAreResolvedLater() {
        InetSocketAddress literal = new PeerAddress("127.0.0.1", 9).socketAddress();
        assertThat(literal.isUnresolved()).isFalse();
        assertThat(new PeerAddress("::1", 9).socketAddress().isUnresolved()).isFalse();
        assertThat(new PeerAddress("node-a.invalid", 9).socketAddress().isUnresolved()).isTrue();
    }
}
