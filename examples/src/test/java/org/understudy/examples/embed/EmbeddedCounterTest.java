package org.understudy.examples.embed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.understudy.raft.proto.Entry;

/** The root README's embedding example: if this changes, change the README's snippet too. */
class EmbeddedCounterTest {

    @TempDir
    Path dataDir;

    @Test
    void whatMainDoesReplicatesTheCounterToEveryMember() throws Exception {
        assertThat(EmbeddedCounter.run(dataDir)).containsExactly(42L, 42L, 42L);
    }

    @Test
    void everyMemberAppliesTheAddsAndARestartKeepsTheValue() throws Exception {
        try (EmbeddedCounter cluster = EmbeddedCounter.start(dataDir, List.of(1L, 2L, 3L))) {
            cluster.leaderElected().get(30, TimeUnit.SECONDS);
            assertThat(cluster.add(5).get(10, TimeUnit.SECONDS)).isEqualTo(5L);
            assertThat(cluster.add(-2).get(10, TimeUnit.SECONDS)).isEqualTo(3L);
            await().atMost(Duration.ofSeconds(10)).until(() -> cluster.localValues().equals(List.of(3L, 3L, 3L)));
        }
        // Same directories, new ports: the members resume from their logs and re-apply them.
        try (EmbeddedCounter cluster = EmbeddedCounter.start(dataDir, List.of(1L, 2L, 3L))) {
            cluster.leaderElected().get(30, TimeUnit.SECONDS);
            assertThat(cluster.read(2).get(10, TimeUnit.SECONDS)).isEqualTo(3L);
            assertThat(cluster.add(10).get(10, TimeUnit.SECONDS)).isEqualTo(13L);
            await().atMost(Duration.ofSeconds(10)).until(() -> cluster.localValues().equals(List.of(13L, 13L, 13L)));
        }
    }

    @Test
    void theStateMachineSkipsWhatItCannotReadAndSnapshotsItsValue() throws Exception {
        CounterStateMachine counter = new CounterStateMachine();
        assertThat(counter.apply(entry(1, CounterStateMachine.add(7)))).isEqualTo(7L);
        assertThat(counter.apply(entry(2, ByteString.EMPTY))).isEqualTo(7L); // a new leader's no-op
        assertThat(counter.apply(entry(3, ByteString.copyFrom(new byte[] {1, 2, 3})))).isEqualTo(7L); // not a command
        assertThat(counter.apply(entry(4, CounterStateMachine.add(-10)))).isEqualTo(-3L);

        ByteArrayOutputStream snapshot = new ByteArrayOutputStream();
        counter.snapshot(snapshot);
        CounterStateMachine restored = new CounterStateMachine();
        restored.restore(new ByteArrayInputStream(snapshot.toByteArray()));
        assertThat(restored.value()).isEqualTo(-3L);
    }

    private static Entry entry(long index, ByteString data) {
        return Entry.newBuilder().setIndex(index).setTerm(1).setData(data).build();
    }
}
