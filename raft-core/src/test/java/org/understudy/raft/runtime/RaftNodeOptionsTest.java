package org.understudy.raft.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.understudy.raft.core.RaftConfig;

class RaftNodeOptionsTest {

    @Test
    void defaultsAreTheDocumentedOnes() {
        RaftNodeOptions o = RaftNodeOptions.builder(RaftConfig.builder(3).build(), StartMode.join()).build();
        assertThat(o.id()).isEqualTo(3);
        assertThat(o.tickMillis()).isEqualTo(100);
        assertThat(o.inboxCapacity()).isEqualTo(10_000);
        assertThat(o.snapshotCount()).isEqualTo(10_000);
        assertThat(o.entriesKeptAfterSnapshot()).isEqualTo(5_000);
        assertThat(o.snapshotChunkBytes()).isEqualTo(1 << 20);
        assertThat(o.snapshotInflightChunks()).isEqualTo(4);
        assertThat(o.snapshotTransferTimeoutMillis()).isEqualTo(10_000);
        assertThat(o.electionTimeoutMillis()).isEqualTo(1_000);
        assertThat(o.requestTimeoutMillis()).isEqualTo(2_000);
        assertThat(o.forceNewCluster()).isFalse();
        assertThat(o.toBuilder().build()).isEqualTo(o);
        RaftNodeOptions forced = o.toBuilder().forceNewCluster(true).build();
        assertThat(forced.toBuilder().build()).isEqualTo(forced);
    }

    @Test
    void nonsenseIsRefused() {
        RaftNodeOptions.Builder b = RaftNodeOptions.builder(RaftConfig.builder(1).build(), StartMode.join());
        assertThatThrownBy(() -> b.tickMillis(0).build()).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> b.tickMillis(10).inboxCapacity(0).build()).hasMessageContaining("inboxCapacity");
        assertThatThrownBy(() -> b.inboxCapacity(1).entriesKeptAfterSnapshot(-1).build())
                .hasMessageContaining("entriesKeptAfterSnapshot");
    }

    @Test
    void foundingMembersAreValidatedAndSorted() {
        StartMode.Found found = (StartMode.Found) StartMode.found(List.of(3L, 1L, 2L), List.of(5L));
        assertThat(found.voters()).containsExactly(1L, 2L, 3L);
        assertThat(found.learners()).containsExactly(5L);
        assertThatThrownBy(() -> StartMode.found(List.of())).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> StartMode.found(List.of(1L), List.of(1L))).isInstanceOf(IllegalArgumentException.class);
    }
}
