package org.understudy.raft.storage.mapdb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.understudy.raft.spi.kit.LogFixtures.entries;

import com.google.protobuf.ByteString;
import dagger.Component;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.understudy.raft.spi.LogStorage;
import org.understudy.raft.spi.SnapshotStore;
import org.understudy.raft.spi.StorageEngine;
import org.understudy.raft.spi.StorageOptions;
import org.understudy.raft.spi.kit.LogFixtures;

/** The engine puts the log and the snapshots in their own folders, and Dagger finds it by name. */
class MapDbStorageEngineTest {

    @Component(modules = MapDbStorageModule.class)
    interface Engines {
        Map<String, StorageEngine> byName();
    }

    @TempDir
    Path dataDir;

    @Test
    void daggerBindsTheEngineUnderItsName() {
        StorageEngine engine = DaggerMapDbStorageEngineTest_Engines.create().byName().get("mapdb");

        assertThat(engine).isInstanceOf(MapDbStorageEngine.class);
        assertThat(engine.name()).isEqualTo(MapDbStorageEngine.NAME);
    }

    @Test
    void logAndSnapshotsLiveInTheirOwnFoldersAndSurviveAReopen() {
        StorageEngine engine = new MapDbStorageEngine();
        StorageOptions options = StorageOptions.of(dataDir, "c", 1);
        try (LogStorage log = engine.openLog(options); SnapshotStore snapshots = engine.openSnapshots(options)) {
            log.append(entries(1, 3, 1));
            log.sync();
            try (SnapshotStore.Writer w = snapshots.create(LogFixtures.snapshot(2, 1))) {
                w.write(ByteString.copyFromUtf8("state"));
                w.commit();
            }
        }

        assertThat(dataDir.resolve("log").resolve(LogFiles.MAIN)).exists();
        assertThat(dataDir.resolve("snapshots").resolve(SnapshotFiles.committedName(2))).exists();
        try (LogStorage log = engine.openLog(options); SnapshotStore snapshots = engine.openSnapshots(options)) {
            assertThat(log.lastIndex()).isEqualTo(3);
            assertThat(snapshots.latest()).contains(LogFixtures.snapshot(2, 1));
        }
    }
}
