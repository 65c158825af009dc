package org.understudy.raft.example;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.understudy.raft.core.ConfChanges;
import org.understudy.raft.core.RaftConfig;
import org.understudy.raft.memory.MemoryLogStorage;
import org.understudy.raft.memory.MemoryNetwork;
import org.understudy.raft.memory.MemorySnapshotStore;
import org.understudy.raft.proto.Entry;
import org.understudy.raft.runtime.RaftNode;
import org.understudy.raft.runtime.RaftNodeOptions;
import org.understudy.raft.runtime.StartMode;
import org.understudy.raft.spi.StateMachine;

/** raft-core/README.md's example, kept compiling and working: if this changes, change the README too. */
class ReadmeExampleTest {

    /** The README's state machine: upper-cases each command and remembers it. */
    static final class UpperCaseMachine implements StateMachine<String> {
        private final List<String> applied = new ArrayList<>();

        @Override
        public String apply(Entry entry) {
            String s = entry.getData().toStringUtf8().toUpperCase(Locale.ROOT);
            applied.add(s);
            return s;
        }

        @Override
        public void snapshot(OutputStream out) throws IOException {
            DataOutputStream data = new DataOutputStream(out);
            data.writeInt(applied.size());
            for (String s : applied) {
                data.writeUTF(s);
            }
            data.flush();
        }

        @Override
        public void restore(InputStream in) throws IOException {
            DataInputStream data = new DataInputStream(in);
            applied.clear();
            for (int n = data.readInt(); n > 0; n--) {
                applied.add(data.readUTF());
            }
        }
    }

    private final MemoryNetwork network = new MemoryNetwork();
    private final List<RaftNode<String>> nodes = new ArrayList<>();

    @AfterEach
    void stop() {
        nodes.forEach(RaftNode::close);
        network.close();
    }

    @Test
    void threeNodesReplicateAndALearnerCatchesUp() throws Exception {
        for (long id = 1; id <= 3; id++) {
            RaftNodeOptions options = RaftNodeOptions
                    .builder(RaftConfig.builder(id).build(), StartMode.found(List.of(1L, 2L, 3L), List.of()))
                    .tickMillis(20)
                    .build();
            RaftNode<String> node = RaftNode.create(options, new MemoryLogStorage(), new MemorySnapshotStore(),
                    network.transport(id), new UpperCaseMachine());
            node.start();
            nodes.add(node);
        }

        await().atMost(Duration.ofSeconds(30)).until(() -> nodes.stream().anyMatch(n -> n.status().isLeader()));
        RaftNode<String> leader = nodes.stream().filter(n -> n.status().isLeader()).findFirst().orElseThrow();
        String result = leader.propose(ByteString.copyFromUtf8("hello")).get(10, TimeUnit.SECONDS);
        assertThat(result).isEqualTo("HELLO");

        RaftNode<String> learner = RaftNode.create(
                RaftNodeOptions.builder(RaftConfig.builder(4).build(), StartMode.join()).tickMillis(20).build(),
                new MemoryLogStorage(), new MemorySnapshotStore(), network.transport(4), new UpperCaseMachine());
        learner.start();
        nodes.add(learner);
        leader.changeMembership(ConfChanges.addLearner(4)).get(10, TimeUnit.SECONDS);

        await().atMost(Duration.ofSeconds(30)).until(() -> learner.status().appliedIndex()
                >= leader.status().commitIndex());
        assertThat(learner.status().isLearner()).isTrue();
        assertThat(leader.status().progress().get(4L).learner()).isTrue();
    }
}
