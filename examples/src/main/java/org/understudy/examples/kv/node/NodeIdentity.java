package org.understudy.examples.kv.node;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;
import java.util.Properties;

/**
 * Who a member is: its name, its cluster's id and its member id, and the storage engine its data
 * dir was written by. Kept in {@value #FILE} in the data dir once the node has started, so a
 * restart resumes as the same member without reading {@code --initial-cluster} (RAFT-KV.md), and a
 * data dir of another member or cluster is refused with a message instead of corrupting either.
 */
public record NodeIdentity(String name, String clusterId, long memberId, String storage) {

    public static final String FILE = "raft-kv.identity";

    /** The identity recorded in {@code dataDir}, if any. */
    public static Optional<NodeIdentity> read(Path dataDir) {
        Path file = dataDir.resolve(FILE);
        Properties p = new Properties();
        try (var in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(in);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new ConfigException("cannot read " + file + ": " + e.getMessage(), e);
        }
        try {
            return Optional.of(new NodeIdentity(req(p, "name", file), req(p, "cluster", file),
                    ClusterIds.parseHex(req(p, "member", file)), req(p, "storage", file)));
        } catch (IllegalArgumentException e) {
            throw new ConfigException(file + " is damaged (" + e.getMessage() + "); it is not safe to start on this"
                    + " data dir", e);
        }
    }

    private static String req(Properties p, String key, Path file) {
        String v = p.getProperty(key);
        if (v == null || v.isBlank()) {
            throw new ConfigException(file + " is damaged: it has no '" + key + "'; it is not safe to start on this data dir");
        }
        return v;
    }

    /** Writes the identity durably (temporary file, then an atomic rename). */
    public void write(Path dataDir) {
        Path file = dataDir.resolve(FILE);
        Path tmp = dataDir.resolve(FILE + ".tmp");
        String text = "# raft-kv member identity: do not edit\n"
                + "name=" + name + "\ncluster=" + clusterId + "\nmember=" + ClusterIds.hex(memberId)
                + "\nstorage=" + storage + "\n";
        try {
            Files.createDirectories(dataDir);
            Files.writeString(tmp, text, StandardCharsets.UTF_8);
            try (var ch = java.nio.channels.FileChannel.open(tmp, java.nio.file.StandardOpenOption.WRITE)) {
                ch.force(true);
            }
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new ConfigException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }
}
