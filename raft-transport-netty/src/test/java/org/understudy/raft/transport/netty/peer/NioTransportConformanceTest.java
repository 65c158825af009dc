package org.understudy.raft.transport.netty.peer;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The same contract with epoll turned off: the NIO fallback used where epoll is unavailable. */
class NioTransportConformanceTest extends NettyTransportConformanceTest {

    @Override
    protected NettyTransportOptions.Builder options(long id) {
        return super.options(id).preferNativeTransport(false);
    }

    @Test
    void usesNio() {
        startWarmCluster(2);
        assertThat(((NettyTransport) transport(1)).ioKind()).isEqualTo(IoKind.NIO);
    }
}
