package org.understudy.raft.storage.mapdb;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.mapdb.DBException;
import org.understudy.raft.spi.StorageException;
import org.understudy.raft.spi.StorageException.Kind;

/**
 * Turns what MapDB, the JDK and our own checks throw into a {@link StorageException} whose
 * {@link Kind} tells an operator what to do, and whose message names the file.
 */
final class StorageErrors {

    /** Below this much free space a fault on a mapped page is taken for a full disk. */
    private static final long LOW_SPACE_BYTES = 64L << 20;

    private StorageErrors() {}

    /**
     * The exception to throw for {@code cause}, which happened while doing {@code what} to
     * {@code file}. {@code reading} says whether the file's content was being interpreted: then
     * an unexpected exception from MapDB (an index out of bounds, a negative size...) means the
     * bytes are not what MapDB wrote, so it is reported as {@link Kind#CORRUPT}.
     */
    static StorageException translate(String what, Path file, Throwable cause, boolean reading) {
        if (cause instanceof StorageException se) {
            return se;
        }
        Kind kind = kindOf(cause, reading);
        String hint = switch (kind) {
            case DISK_FULL -> "; free disk space and restart";
            case CORRUPT -> "; the file is damaged: restore this node from a replica (wipe its data directory)";
            case LOCKED -> "; another process has it open";
            default -> "";
        };
        return new StorageException(kind, "cannot " + what + " " + file + ": " + describe(cause) + hint, cause);
    }

    static Kind kindOf(Throwable cause, boolean reading) {
        for (Throwable t = cause; t != null; t = t.getCause()) {
            if (t instanceof IOException && t.getMessage() != null && t.getMessage().contains("No space left on device")) {
                return Kind.DISK_FULL;
            }
        }
        for (Throwable t = cause; t != null; t = t.getCause()) {
            if (t instanceof DBException.FileLocked) {
                return Kind.LOCKED;
            }
            if (t instanceof DBException.VolumeEOF || t instanceof DBException.DataCorruption
                    || t instanceof DBException.WrongFormat || t instanceof DBException.GetVoid
                    || t instanceof DBException.SerializationError || t instanceof DBException.NewMapDBFormat) {
                return Kind.CORRUPT;
            }
            if (t instanceof DBException.VolumeIOError || t instanceof IOException) {
                return Kind.IO;
            }
        }
        // The JVM reports a fault in mapped memory (a file cut short under a mapping) as an
        // InternalError; MapDB reports its own broken invariants with assorted runtime exceptions.
        return reading ? Kind.CORRUPT : Kind.IO;
    }

    /**
     * A write into the memory-mapped {@code file} failed. The JVM reports a fault on a mapped
     * page as an {@link InternalError}; on a sparse file the usual cause is a full disk, which
     * the free space tells.
     */
    static StorageException mappedWriteFailed(Path file, Throwable cause) {
        if (cause instanceof InternalError) {
            long free = -1;
            try {
                free = Files.getFileStore(file).getUsableSpace();
            } catch (IOException | RuntimeException ignored) {
                // unknown: report as I/O
            }
            if (free >= 0 && free < LOW_SPACE_BYTES) {
                return new StorageException(Kind.DISK_FULL, "cannot write " + file + ": the disk has only " + free
                        + " bytes free; free disk space and restart (the commit is in the journal and is redone on open)",
                        cause);
            }
        }
        return translate("apply a journaled commit to", file, cause, false);
    }

    private static String describe(Throwable t) {
        String message = t.getMessage();
        return t.getClass().getSimpleName() + (message == null ? "" : " (" + message + ")");
    }
}
