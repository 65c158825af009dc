package org.understudy.raft.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.understudy.raft.ErrorCode;
import org.understudy.raft.RaftException;
import org.understudy.raft.proto.MessageType;
import org.understudy.raft.sim.Cluster;

/**
 * {@link RaftCore#proposeAll}: many commands in one call reach each follower in one append, commit
 * like single proposals, stop at the uncommitted-bytes limit, and are refused whole by a node that
 * cannot propose.
 */
class ProposeAllTest {

    private static List<ByteString> commands(int n, int bytes) {
        List<ByteString> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(ByteString.copyFrom(new byte[bytes]).concat(ByteString.copyFromUtf8("#" + i)));
        }
        return out;
    }

    @Test
    void manyCommandsTravelInOneAppendPerFollowerAndAllCommit() {
        Cluster c = Cluster.ofVoters(1, 2, 3);
        c.elect(1);
        int sentBefore = c.sent().size();
        List<EntryId> ids = c.core(1).proposeAll(commands(50, 10));
        c.stabilize();
        assertThat(ids).hasSize(50);
        for (int i = 1; i < ids.size(); i++) {
            assertThat(ids.get(i).index()).isEqualTo(ids.get(i - 1).index() + 1);
        }
        for (EntryId id : ids) {
            assertThat(c.isApplied(2, id)).isTrue();
            assertThat(c.isApplied(3, id)).isTrue();
        }
        List<Cluster.Sent> appendsWithEntries = c.sent().subList(sentBefore, c.sent().size()).stream()
                .filter(s -> s.message().getType() == MessageType.MSG_APPEND && s.message().getEntriesCount() > 0)
                .toList();
        assertThat(appendsWithEntries).as("one append with all 50 entries to each follower").hasSize(2)
                .allSatisfy(s -> assertThat(s.message().getEntriesCount()).isEqualTo(50));
    }

    @Test
    void theUncommittedBytesLimitCutsTheRunAndProposeSaysWhy() {
        Cluster c = Cluster.builder().voters(1, 2, 3).config(b -> b.maxUncommittedEntriesSize(1000)).build();
        c.elect(1);
        c.isolate(2, 3); // nothing commits: the uncommitted bytes only grow
        List<ByteString> batch = commands(10, 300);
        List<EntryId> ids = c.core(1).proposeAll(batch);
        assertThat(ids).as("300-byte commands up to the 1000-byte limit").hasSize(3);
        assertThatThrownBy(() -> c.core(1).propose(batch.get(3)))
                .isInstanceOfSatisfying(RaftException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.UNAVAILABLE));
    }

    @Test
    void aFollowerRefusesTheWholeRunAndAppendsNothing() {
        Cluster c = Cluster.ofVoters(1, 2, 3);
        c.elect(1);
        long lastBefore = c.core(2).status().lastIndex();
        assertThatThrownBy(() -> c.core(2).proposeAll(commands(5, 10)))
                .isInstanceOfSatisfying(RaftException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.NOT_LEADER));
        assertThat(c.core(2).status().lastIndex()).isEqualTo(lastBefore);
    }
}
