package org.understudy.bench.storage;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Where the storage benchmarks put their files.
 *
 * <p>The base folder is the system property {@value #PROPERTY}; without it, a folder under
 * {@code java.io.tmpdir}, unless that is a RAM file system, in which case
 * {@code <working dir>/target/bench-data}. A sync on tmpfs costs nothing, so figures taken there
 * would say nothing about a disk: the folder must be on the disk the data would live on (run.sh
 * points it at {@code bench/target/bench-data}, next to the repository).
 *
 * <p>Each benchmark works in a fresh folder below the base and deletes it when done. Public because
 * the replication benchmarks ({@code org.understudy.bench.replication}) keep their nodes' data in
 * the same place, under the same rules.
 */
public final class BenchDirectory {

    /** System property naming the base folder. */
    public static final String PROPERTY = "bench.dir";

    private static final Set<String> RAM_FILE_SYSTEMS = Set.of("tmpfs", "ramfs");

    private BenchDirectory() {}

    /** The base folder, created if missing. */
    public static Path base() {
        String configured = System.getProperty(PROPERTY);
        Path base;
        if (configured != null && !configured.isBlank()) {
            base = Path.of(configured);
        } else {
            base = Path.of(System.getProperty("java.io.tmpdir"), "understudy-bench");
            if (isOnRamFileSystem(base.getParent())) {
                base = Path.of(System.getProperty("user.dir"), "target", "bench-data");
            }
        }
        try {
            Files.createDirectories(base);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the benchmark folder " + base + " (set -D" + PROPERTY + ")", e);
        }
        if (isOnRamFileSystem(base)) {
            System.err.println("WARNING: " + base + " is on a RAM file system: sync costs nothing there,"
                    + " so storage figures will not reflect a disk. Set -D" + PROPERTY + " to a folder on a disk.");
        }
        // Chronicle unpacks native helpers through JNA; keep them beside the data, not in /tmp.
        if (System.getProperty("jna.tmpdir") == null) {
            System.setProperty("jna.tmpdir", base.resolve("jna").toString());
        }
        return base;
    }

    /** A new, empty folder below the base whose name starts with {@code prefix}. */
    public static Path createTemp(String prefix) {
        Path base = base();
        try {
            return Files.createTempDirectory(base, prefix + "-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a folder in " + base, e);
        }
    }

    /** Deletes {@code dir} and everything below it; nothing happens if it does not exist. */
    public static void delete(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + dir, e);
        }
    }

    /** The file system type of {@code path}'s store, e.g. {@code ext4} or {@code tmpfs}. */
    static String fileSystemType(Path path) {
        try {
            FileStore store = Files.getFileStore(path);
            return store.type();
        } catch (IOException e) {
            return "unknown";
        }
    }

    private static boolean isOnRamFileSystem(Path path) {
        return path != null && Files.exists(path)
                && RAM_FILE_SYSTEMS.contains(fileSystemType(path).toLowerCase(Locale.ROOT));
    }
}
