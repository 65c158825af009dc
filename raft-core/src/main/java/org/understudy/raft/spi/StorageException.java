package org.understudy.raft.spi;

import java.util.Objects;

/**
 * A storage engine failed (I/O error, full disk, corrupt data, a data directory that belongs to
 * someone else). Raft cannot continue safely on a node whose storage failed, so a {@code RaftNode}
 * that sees one stops and reports it. The {@link Kind} tells an operator what to do about it.
 */
public class StorageException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** What went wrong, in terms an operator can act on. The names are stable. */
    public enum Kind {
        /** An I/O operation failed; the disk or the file system is at fault. */
        IO,
        /** The disk is full; free space and restart. */
        DISK_FULL,
        /** A record failed its checksum or did not parse somewhere other than the tail; the data needs repair or a re-sync. */
        CORRUPT,
        /** The data directory was written by another cluster or node; refusing it protects both. */
        FOREIGN_DATA,
        /** The files were written in an on-disk format this build does not read. */
        UNSUPPORTED_FORMAT,
        /** The data directory is already open, in this process or another. */
        LOCKED,
        /** An earlier write or sync failed; the storage refuses everything from then on. */
        FAILED
    }

    private final Kind kind;

    public StorageException(String message) {
        this(Kind.IO, message, null);
    }

    public StorageException(String message, Throwable cause) {
        this(Kind.IO, message, cause);
    }

    public StorageException(Kind kind, String message) {
        this(kind, message, null);
    }

    public StorageException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = Objects.requireNonNull(kind, "kind");
    }

    /** What went wrong. */
    public Kind kind() {
        return kind;
    }

    @Override
    public String toString() {
        return "StorageException[" + kind + "]: " + getMessage();
    }
}
