package org.understudy.raft.storage.chronicle;

import net.openhft.chronicle.bytes.BytesStore;
import net.openhft.chronicle.bytes.MappedBytesStore;
import net.openhft.posix.MAdviseFlag;
import net.openhft.posix.PosixAPI;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Asks the kernel not to read ahead in the memory-mapped regions the log writes to
 * ({@code madvise(MADV_RANDOM)}), which cuts the bytes each sync writes by about five.
 *
 * <p>Why: recent Linux kernels cache ext4 files in large folios (up to megabytes), and a folio
 * dirtied through a memory mapping is written back whole. Chronicle writes through a mapping, so
 * with read-ahead on, the page faults at the write position pull in large folios and every sync
 * rewrites up to megabytes of mostly unchanged data around the few kilobytes appended (measured
 * here: ~1.5 MB written per sync of 270 KB). Without read-ahead a fault maps one small page, and
 * a sync writes what was appended, as {@code write()} + {@code fdatasync} would.
 *
 * <p>Only an optimisation: where the call is unavailable or fails the log works as before. Reads
 * of data that is no longer in the page cache then fault page by page, which only matters for a
 * cold scan of a large segment that is still being written.
 */
final class MappedRegionAdvisor {

    private static final Logger LOG = LoggerFactory.getLogger(MappedRegionAdvisor.class);

    private BytesStore<?, ?> lastAdvised;
    private boolean unavailable;

    /** Advises {@code store}'s mapping if it is one not seen yet (the writer calls it per record, so this is a reference check). */
    void advise(BytesStore<?, ?> store) {
        if (store == lastAdvised || unavailable) {
            return;
        }
        lastAdvised = store;
        if (!(store instanceof MappedBytesStore mapped)) {
            return;
        }
        try {
            long start = mapped.start();
            long length = mapped.capacity() - start;
            int result = PosixAPI.posix().madvise(mapped.addressForRead(start), length, MAdviseFlag.MADV_RANDOM);
            if (result != 0) {
                LOG.debug("madvise(MADV_RANDOM) of {} bytes returned {}", length, result);
            }
        } catch (RuntimeException | LinkageError e) {
            unavailable = true;
            LOG.debug("madvise is unavailable; syncs may write more than was appended", e);
        }
    }
}
