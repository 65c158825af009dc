package org.understudy.raft.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Stream;
import java.util.zip.CRC32C;
import org.understudy.raft.spi.StorageException;
import org.understudy.raft.spi.StorageException.Kind;
import org.understudy.raft.spi.StorageOptions;

/**
 * A storage engine's directory, claimed for one node of one cluster.
 *
 * <p>Opening one (1) takes an exclusive lock on the file {@value #LOCK_FILE}, so two processes (or
 * two stores in one process) never write the same files, and (2) checks the file
 * {@value #IDENTITY_FILE}, which names the cluster, the node, the engine and its on-disk format
 * version, against what the caller expects. A directory of another cluster, node or engine is
 * refused ({@link Kind#FOREIGN_DATA}), a newer format too ({@link Kind#UNSUPPORTED_FORMAT}): a
 * node that started on someone else's log could vote twice in a term or acknowledge entries it
 * never had. A new directory gets its identity file, durably, before the engine writes anything
 * else, so a directory that holds data but no identity is not one of ours and is refused as well.
 *
 * <p>The identity file is a few {@code key=value} lines ending in a CRC32C of the lines before
 * it; it is written to a temporary file, forced, and renamed into place.
 */
public final class DataDirectory implements AutoCloseable {

    public static final String IDENTITY_FILE = "IDENTITY";
    public static final String LOCK_FILE = "LOCK";
    private static final String MAGIC = "understudy-data-dir";

    private final Path dir;
    private final FileChannel lockChannel;
    private final FileLock lock;
    private final int formatVersion;

    private DataDirectory(Path dir, FileChannel lockChannel, FileLock lock, int formatVersion) {
        this.dir = dir;
        this.lockChannel = lockChannel;
        this.lock = lock;
        this.formatVersion = formatVersion;
    }

    /**
     * Claims {@code dir} (created when missing) for {@code engine} at {@code formatVersion} on
     * behalf of the node and cluster in {@code options}.
     *
     * @throws StorageException {@code LOCKED} when it is already open, {@code FOREIGN_DATA} when
     *     it belongs to another cluster, node or engine, {@code UNSUPPORTED_FORMAT} when it was
     *     written in a newer format, {@code CORRUPT} when its identity file is damaged
     */
    public static DataDirectory open(Path dir, String engine, int formatVersion, StorageOptions options) {
        Objects.requireNonNull(dir, "dir");
        Objects.requireNonNull(engine, "engine");
        Objects.requireNonNull(options, "options");
        try {
            Files.createDirectories(dir);
        } catch (FileAlreadyExistsException e) {
            throw new StorageException(Kind.IO, dir + " exists and is not a directory", e);
        } catch (IOException e) {
            throw new StorageException(Kind.IO, "cannot create the data directory " + dir + ": " + e.getMessage(), e);
        }
        FileChannel channel;
        try {
            channel = FileChannel.open(dir.resolve(LOCK_FILE), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw new StorageException(Kind.IO, "cannot open " + dir.resolve(LOCK_FILE) + ": " + e.getMessage(), e);
        }
        FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null;
        } catch (IOException e) {
            closeQuietly(channel);
            throw new StorageException(Kind.IO, "cannot lock " + dir.resolve(LOCK_FILE) + ": " + e.getMessage(), e);
        }
        if (lock == null) {
            closeQuietly(channel);
            throw new StorageException(Kind.LOCKED, "the data directory " + dir
                    + " is already in use by another store (in this process or another); stop it first");
        }
        try {
            int version = checkOrCreateIdentity(dir, engine, formatVersion, options);
            return new DataDirectory(dir, channel, lock, version);
        } catch (RuntimeException e) {
            closeQuietly(channel);
            throw e;
        }
    }

    private static int checkOrCreateIdentity(Path dir, String engine, int formatVersion, StorageOptions options) {
        Path identity = dir.resolve(IDENTITY_FILE);
        Map<String, String> found;
        try {
            found = parse(identity, Files.readString(identity, StandardCharsets.UTF_8));
        } catch (NoSuchFileException e) {
            found = null;
        } catch (IOException e) {
            throw new StorageException(Kind.IO, "cannot read " + identity + ": " + e.getMessage(), e);
        }
        if (found == null) {
            refuseIfHoldsData(dir);
            write(identity, engine, formatVersion, options);
            return formatVersion;
        }
        String cluster = found.get("cluster");
        String node = found.get("node");
        String theirEngine = found.get("engine");
        if (!options.clusterId().equals(cluster) || !Long.toString(options.nodeId()).equals(node)) {
            throw new StorageException(Kind.FOREIGN_DATA, "the data directory " + dir + " belongs to node " + node
                    + " of cluster '" + cluster + "', not to node " + options.nodeId() + " of cluster '"
                    + options.clusterId() + "'; give this node its own empty directory");
        }
        if (!engine.equals(theirEngine)) {
            throw new StorageException(Kind.FOREIGN_DATA, "the data directory " + dir + " was written by the '"
                    + theirEngine + "' storage engine, not '" + engine + "'; choose the same engine or an empty directory");
        }
        int version;
        try {
            version = Integer.parseInt(found.getOrDefault("format", ""));
        } catch (NumberFormatException e) {
            throw new StorageException(Kind.CORRUPT, identity + " has no valid format version");
        }
        if (version > formatVersion || version < 1) {
            throw new StorageException(Kind.UNSUPPORTED_FORMAT, "the data directory " + dir + " is in " + engine
                    + " format version " + version + "; this build reads versions 1.." + formatVersion);
        }
        return version;
    }

    private static void refuseIfHoldsData(Path dir) {
        try (Stream<Path> files = Files.list(dir)) {
            Path other = files.filter(f -> !f.getFileName().toString().equals(LOCK_FILE)
                            && !f.getFileName().toString().startsWith(IDENTITY_FILE + ".tmp"))
                    .findFirst().orElse(null);
            if (other != null) {
                throw new StorageException(Kind.FOREIGN_DATA, "the data directory " + dir + " holds " + other.getFileName()
                        + " but no " + IDENTITY_FILE + " file, so it was not created by Understudy; give this node an empty directory");
            }
        } catch (IOException e) {
            throw new StorageException(Kind.IO, "cannot list " + dir + ": " + e.getMessage(), e);
        }
    }

    private static Map<String, String> parse(Path file, String text) {
        int crcLine = text.lastIndexOf("crc32c=");
        if (!text.startsWith(MAGIC + "\n") || crcLine < 0) {
            throw new StorageException(Kind.CORRUPT, file + " is not an Understudy identity file");
        }
        String body = text.substring(0, crcLine);
        String crc = text.substring(crcLine + "crc32c=".length()).trim();
        if (!crc.equals(crcHex(body))) {
            throw new StorageException(Kind.CORRUPT, file + " fails its checksum; the directory cannot be trusted");
        }
        Map<String, String> fields = new LinkedHashMap<>();
        for (String line : body.split("\n")) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                fields.put(line.substring(0, eq), line.substring(eq + 1));
            }
        }
        return fields;
    }

    private static void write(Path identity, String engine, int formatVersion, StorageOptions options) {
        String body = MAGIC + "\n"
                + "cluster=" + options.clusterId() + "\n"
                + "node=" + options.nodeId() + "\n"
                + "engine=" + engine + "\n"
                + "format=" + formatVersion + "\n";
        byte[] bytes = (body + "crc32c=" + crcHex(body) + "\n").getBytes(StandardCharsets.UTF_8);
        Path tmp = identity.resolveSibling(IDENTITY_FILE + ".tmp");
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer buf = ByteBuffer.wrap(bytes);
            while (buf.hasRemaining()) {
                ch.write(buf);
            }
            ch.force(true);
        } catch (IOException e) {
            throw new StorageException(Kind.IO, "cannot write " + tmp + ": " + e.getMessage(), e);
        }
        try {
            try {
                Files.move(tmp, identity, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, identity, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new StorageException(Kind.IO, "cannot create " + identity + ": " + e.getMessage(), e);
        }
        syncDirectory(identity.getParent());
    }

    private static String crcHex(String body) {
        CRC32C crc = new CRC32C();
        crc.update(body.getBytes(StandardCharsets.UTF_8));
        return String.format("%08x", crc.getValue());
    }

    /**
     * Forces a directory's entries (files created, renamed or deleted in it) to disk. Linux needs
     * this for a new file to survive a power loss; where a platform cannot open a directory it
     * is a no-op.
     */
    public static void syncDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException e) {
            // Some platforms refuse to open directories; their file systems order metadata themselves.
        }
    }

    /** The directory. */
    public Path path() {
        return dir;
    }

    /** The format version the directory holds (this build's version for a new directory). */
    public int formatVersion() {
        return formatVersion;
    }

    /** Releases the lock. Idempotent. */
    @Override
    public void close() {
        try {
            if (lock.isValid()) {
                lock.release();
            }
        } catch (IOException e) {
            // The channel's close below releases it anyway.
        }
        closeQuietly(lockChannel);
    }

    private static void closeQuietly(FileChannel channel) {
        try {
            channel.close();
        } catch (IOException ignored) {
            // nothing to do
        }
    }
}
