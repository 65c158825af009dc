package org.understudy.raft.spi;

/**
 * A storage engine failed (I/O error, full disk, corrupt data). Raft cannot continue safely on a
 * node whose storage failed, so a {@code RaftNode} that sees one stops and reports it.
 */
public class StorageException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public StorageException(String message) {
        super(message);
    }

    public StorageException(String message, Throwable cause) {
        super(message, cause);
    }
}
