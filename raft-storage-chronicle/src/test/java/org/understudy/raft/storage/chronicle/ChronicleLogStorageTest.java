package org.understudy.raft.storage.chronicle;

import java.nio.file.Path;
import java.util.IdentityHashMap;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.understudy.raft.spi.LogStorage;
import org.understudy.raft.spi.StorageOptions;
import org.understudy.raft.spi.kit.LogStorageConformanceKit;

/**
 * The whole {@link LogStorageConformanceKit} against the Chronicle log, with small segments (256
 * KiB) so that the kit's larger tests also roll segments and, through their compactions, delete
 * them, including under the concurrent readers of the threading test.
 */
class ChronicleLogStorageTest extends LogStorageConformanceKit {

    static final ChronicleLogSettings SMALL_SEGMENTS = new ChronicleLogSettings(256 << 10);

    @TempDir
    Path root;

    private final Map<LogStorage, Path> dirs = new IdentityHashMap<>();
    private int opened;

    @Override
    protected LogStorage newStorage() {
        return open(root.resolve("log-" + ++opened));
    }

    @Override
    protected LogStorage reopen(LogStorage closed) {
        return open(dirs.get(closed));
    }

    private LogStorage open(Path dir) {
        LogStorage s = new ChronicleLogStorage(StorageOptions.of(dir, "test-cluster", 1), SMALL_SEGMENTS);
        dirs.put(s, dir);
        return s;
    }
}
