package org.understudy.raft.transport.netty.rpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class RpcClientOptionsTest {

    @Test
    void addressesParseAsHostAndPort() {
        assertThat(RpcClientOptions.builder("10.0.0.1:2379").build().address()).isEqualTo("10.0.0.1:2379");
        RpcClientOptions v6 = RpcClientOptions.builder("[::1]:2379").build();
        assertThat(v6.host()).isEqualTo("::1");
        assertThat(v6.address()).isEqualTo("[::1]:2379");
        assertThat(RpcClientOptions.builder("http://node1.example:2379").build().host()).isEqualTo("node1.example");
    }

    @Test
    void badAddressesAndKnobsAreRefusedAtOnce() {
        for (String bad : new String[] {"node1", "node1:", ":2379", "node1:http", "::1:2379", "node1:70000"}) {
            assertThatThrownBy(() -> RpcClientOptions.builder(bad).build()).as(bad)
                    .isInstanceOf(IllegalArgumentException.class);
        }
        assertThatThrownBy(() -> RpcClientOptions.builder("h", 1).reconnectBackoff(Duration.ofSeconds(2),
                Duration.ofSeconds(1)).build()).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RpcServerOptions.builder().maxInFlightPerConnection(0).build())
                .isInstanceOf(IllegalArgumentException.class);
    }
}
