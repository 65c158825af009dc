package org.understudy.raft.storage.chronicle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.understudy.raft.spi.kit.LogFixtures.entries;

import com.google.protobuf.ByteString;
import dagger.Component;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.understudy.raft.proto.SnapshotMetadata;
import org.understudy.raft.spi.LogStorage;
import org.understudy.raft.spi.SnapshotStore;
import org.understudy.raft.spi.StorageEngine;
import org.understudy.raft.spi.StorageOptions;

/** The engine opens its log and snapshots in their own folders, and Dagger finds it by name. */
class ChronicleStorageEngineTest {

    @Component(modules = ChronicleStorageModule.class)
    interface Engines {
        Map<String, StorageEngine> byName();
    }

    @TempDir
    Path root;

    @Test
    void daggerBindsTheEngineUnderItsName() {
        StorageEngine engine = DaggerChronicleStorageEngineTest_Engines.create().byName().get("chronicle");
        assertThat(engine).isInstanceOf(ChronicleStorageEngine.class);
        assertThat(engine.name()).isEqualTo(ChronicleStorageEngine.NAME);
    }

    @Test
    void logAndSnapshotsLiveInTheirOwnFoldersAndSurviveReopen() {
        StorageEngine engine = new ChronicleStorageEngine();
        StorageOptions options = StorageOptions.of(root, "engine-cluster", 4);
        SnapshotMetadata meta = SnapshotMetadata.newBuilder().setIndex(3).setTerm(1).build();
        try (LogStorage log = engine.openLog(options); SnapshotStore snapshots = engine.openSnapshots(options)) {
            log.append(entries(1, 5, 1));
            log.sync();
            try (SnapshotStore.Writer w = snapshots.create(meta)) {
                w.write(ByteString.copyFromUtf8("state"));
                w.commit();
            }
        }
        assertThat(root.resolve("log").resolve("IDENTITY")).exists();
        assertThat(root.resolve("snapshots").resolve("IDENTITY")).exists();
        try (LogStorage log = engine.openLog(options); SnapshotStore snapshots = engine.openSnapshots(options)) {
            assertThat(log.entries(1, 6, Long.MAX_VALUE)).containsExactlyElementsOf(entries(1, 5, 1));
            assertThat(snapshots.latest()).contains(meta);
        }
    }
}
