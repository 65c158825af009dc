package org.understudy.raft.transport.netty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.understudy.raft.core.RaftConfig;
import org.understudy.raft.memory.MemoryLogStorage;
import org.understudy.raft.memory.MemorySnapshotStore;
import org.understudy.raft.proto.Entry;
import org.understudy.raft.runtime.RaftNode;
import org.understudy.raft.runtime.RaftNodeOptions;
import org.understudy.raft.runtime.StartMode;
import org.understudy.raft.spi.StateMachine;
import org.understudy.raft.transport.netty.peer.NettyTransport;
import org.understudy.raft.transport.netty.peer.NettyTransportOptions;

/** The README's plain-constructor example, kept compiling and working: if this changes, change the README. */
class ReadmeExampleTest {

    /** Counts commands; enough for the example. */
    static final class Counter implements StateMachine<Long> {
        private long count;

        @Override
        public synchronized Long apply(Entry entry) {
            return entry.getData().isEmpty() ? count : ++count;
        }

        @Override
        public synchronized void snapshot(OutputStream out) throws IOException {
            new java.io.DataOutputStream(out).writeLong(count);
        }

        @Override
        public synchronized void restore(InputStream in) throws IOException {
            count = new java.io.DataInputStream(in).readLong();
        }
    }

    private final List<RaftNode<Long>> nodes = new ArrayList<>();

    @AfterEach
    void stop() {
        nodes.forEach(RaftNode::close); // each node closes its transport
    }

    @Test
    void threeNodesOverNetty() throws Exception {
        List<Long> voters = List.of(1L, 2L, 3L);
        List<NettyTransport> transports = new ArrayList<>();
        for (long id : voters) {
            // in production: .listen("10.0.0.<id>", 7001).tls(TlsSettings.builder(chain, key, ca).build())
            transports.add(new NettyTransport(NettyTransportOptions.builder("example-cluster", id)
                    .listen("127.0.0.1", 0) // port 0: the OS picks; transport.address() tells which
                    .meterRegistry(new SimpleMeterRegistry())
                    .build()));
        }
        for (NettyTransport t : transports) {
            for (int i = 0; i < voters.size(); i++) {
                t.updatePeer(voters.get(i), transports.get(i).address()); // its own id is ignored
            }
        }
        for (int i = 0; i < voters.size(); i++) {
            RaftNodeOptions options = RaftNodeOptions.builder(RaftConfig.builder(voters.get(i)).build(),
                    StartMode.found(voters, List.of())).build();
            RaftNode<Long> node = RaftNode.create(options, new MemoryLogStorage(), new MemorySnapshotStore(),
                    transports.get(i), new Counter());
            node.start(); // starts the transport too; node.close() closes it
            nodes.add(node);
        }

        await().atMost(Duration.ofSeconds(30)).until(() -> nodes.stream().anyMatch(n -> n.status().isLeader()));
        RaftNode<Long> leader = nodes.stream().filter(n -> n.status().isLeader()).findFirst().orElseThrow();
        assertThat(leader.propose(ByteString.copyFromUtf8("hello")).get(10, TimeUnit.SECONDS)).isEqualTo(1L);
    }
}
