package org.understudy.raft.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.understudy.raft.spi.StorageException;
import org.understudy.raft.spi.StorageException.Kind;
import org.understudy.raft.spi.StorageOptions;

class DataDirectoryTest {

    @TempDir
    Path tmp;

    private StorageOptions node(String cluster, long id) {
        return StorageOptions.of(tmp.resolve("data"), cluster, id);
    }

    @Test
    void aNewDirectoryIsClaimedAndReopensForTheSameNode() {
        Path dir = tmp.resolve("data");
        try (DataDirectory d = DataDirectory.open(dir, "mapdb", 1, node("c1", 1))) {
            assertThat(d.formatVersion()).isEqualTo(1);
            assertThat(dir.resolve(DataDirectory.IDENTITY_FILE)).exists();
        }
        try (DataDirectory d = DataDirectory.open(dir, "mapdb", 2, node("c1", 1))) {
            assertThat(d.formatVersion()).as("an older format stays readable").isEqualTo(1);
        }
    }

    @Test
    void anotherClusterNodeOrEngineIsRefused() {
        Path dir = tmp.resolve("data");
        DataDirectory.open(dir, "mapdb", 1, node("c1", 1)).close();
        assertThatThrownBy(() -> DataDirectory.open(dir, "mapdb", 1, node("c2", 1)))
                .isInstanceOfSatisfying(StorageException.class, e -> assertThat(e.kind()).isEqualTo(Kind.FOREIGN_DATA))
                .hasMessageContaining("cluster 'c1'").hasMessageContaining("cluster 'c2'");
        assertThatThrownBy(() -> DataDirectory.open(dir, "mapdb", 1, node("c1", 2)))
                .isInstanceOfSatisfying(StorageException.class, e -> assertThat(e.kind()).isEqualTo(Kind.FOREIGN_DATA))
                .hasMessageContaining("node 1").hasMessageContaining("node 2");
        assertThatThrownBy(() -> DataDirectory.open(dir, "chronicle", 1, node("c1", 1)))
                .isInstanceOfSatisfying(StorageException.class, e -> assertThat(e.kind()).isEqualTo(Kind.FOREIGN_DATA))
                .hasMessageContaining("'mapdb'");
    }

    @Test
    void aNewerFormatIsRefused() {
        Path dir = tmp.resolve("data");
        DataDirectory.open(dir, "mapdb", 3, node("c1", 1)).close();
        assertThatThrownBy(() -> DataDirectory.open(dir, "mapdb", 2, node("c1", 1)))
                .isInstanceOfSatisfying(StorageException.class, e -> assertThat(e.kind()).isEqualTo(Kind.UNSUPPORTED_FORMAT))
                .hasMessageContaining("version 3");
    }

    @Test
    void aDirectoryWithDataButNoIdentityIsRefused() throws Exception {
        Path dir = tmp.resolve("data");
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("raft-log.mapdb"), "x");
        assertThatThrownBy(() -> DataDirectory.open(dir, "mapdb", 1, node("c1", 1)))
                .isInstanceOfSatisfying(StorageException.class, e -> assertThat(e.kind()).isEqualTo(Kind.FOREIGN_DATA))
                .hasMessageContaining("raft-log.mapdb");
    }

    @Test
    void aDamagedIdentityIsCorrupt() throws Exception {
        Path dir = tmp.resolve("data");
        DataDirectory.open(dir, "mapdb", 1, node("c1", 1)).close();
        Path id = dir.resolve(DataDirectory.IDENTITY_FILE);
        Files.writeString(id, Files.readString(id).replace("node=1", "node=7"), StandardCharsets.UTF_8);
        assertThatThrownBy(() -> DataDirectory.open(dir, "mapdb", 1, node("c1", 7)))
                .isInstanceOfSatisfying(StorageException.class, e -> assertThat(e.kind()).isEqualTo(Kind.CORRUPT));
    }

    @Test
    void aDirectoryOpenTwiceIsLocked() {
        Path dir = tmp.resolve("data");
        try (DataDirectory first = DataDirectory.open(dir, "mapdb", 1, node("c1", 1))) {
            assertThatThrownBy(() -> DataDirectory.open(dir, "mapdb", 1, node("c1", 1)))
                    .isInstanceOfSatisfying(StorageException.class, e -> assertThat(e.kind()).isEqualTo(Kind.LOCKED));
        }
        DataDirectory.open(dir, "mapdb", 1, node("c1", 1)).close();
    }

    @Test
    void badOptionsAreRefusedUpFront() {
        assertThatThrownBy(() -> StorageOptions.of(tmp, "has space", 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> StorageOptions.of(tmp, "c1", 0)).isInstanceOf(IllegalArgumentException.class);
    }
}
