package org.understudy.raft.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import java.io.IOException;
import java.io.OutputStream;
import org.junit.jupiter.api.Test;
import org.understudy.raft.spi.SnapshotStore;
import org.understudy.raft.spi.kit.SnapshotStoreConformanceKit;

/** {@link MemorySnapshotStore} against the {@link SnapshotStore} contract; "reopen" is a crash copy. */
class MemorySnapshotStoreTest extends SnapshotStoreConformanceKit {

    @Override
    protected SnapshotStore newStore() {
        return new MemorySnapshotStore();
    }

    @Override
    protected SnapshotStore reopen(SnapshotStore closed) {
        return ((MemorySnapshotStore) closed).crashCopy();
    }

    @Test
    void aWriterRefusesWritesAfterCommitOrAbort() {
        SnapshotStore.Writer committed = store.create(metadata(1, 1));
        committed.commit();
        OutputStream out = committed.asOutputStream();
        assertThatThrownBy(() -> committed.write(ByteString.copyFromUtf8("late"))).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> out.write(1)).isInstanceOf(IOException.class);
        assertThatThrownBy(committed::commit).isInstanceOf(IllegalStateException.class);

        SnapshotStore.Writer aborted = store.create(metadata(2, 1));
        aborted.abort();
        assertThatThrownBy(aborted::commit).isInstanceOf(IllegalStateException.class);
        assertThat(store.latest()).contains(metadata(1, 1));
    }

    @Test
    void crashCopyHoldsCommittedSnapshotsAndIsIndependent() {
        commit(metadata(5, 1), new byte[] {5}, 1);
        MemorySnapshotStore copy = ((MemorySnapshotStore) store).crashCopy();

        commit(metadata(9, 1), new byte[] {9}, 1);

        assertThat(copy.latest()).contains(metadata(5, 1));
        assertThat(store.latest()).contains(metadata(9, 1));
    }

    @Test
    void aClosedStoreRefusesNewSnapshots() {
        SnapshotStore.Writer pending = store.create(metadata(3, 1));
        store.close();

        assertThatThrownBy(() -> store.create(metadata(4, 1))).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(pending::commit).isInstanceOf(IllegalStateException.class);
        assertThat(store.latest()).isEmpty();
    }
}
