package org.understudy.raft.spi.kit;

import com.google.protobuf.ByteString;
import java.util.ArrayList;
import java.util.List;
import org.understudy.raft.proto.ConfState;
import org.understudy.raft.proto.Entry;
import org.understudy.raft.proto.EntryType;
import org.understudy.raft.proto.SnapshotMetadata;

/**
 * The entries the crash kit writes: type, size and every byte of the data are a function of
 * {@code (seed, index, term)}. The parent never has to be told what the child wrote: from an
 * entry's index and term it knows the whole entry, so a torn, mixed-up or stale entry shows.
 *
 * <p>Sizes: 98% of entries carry 0..4 KiB, 2% carry 4..64 KiB (large records cross page and
 * segment boundaries, where torn writes happen); one in sixteen is a configuration change.
 */
public final class CrashEntries {

    private static final int SMALL_MAX = 4096;
    private static final int LARGE_EXTRA_MAX = 60 * 1024;

    private CrashEntries() {}

    /** The one entry the kit ever writes at {@code index} in {@code term}. */
    public static Entry entry(long seed, long index, long term) {
        long h = hash(seed, index, term);
        int size = Math.floorMod(h, 100) < 2
                ? SMALL_MAX + 1 + (int) Math.floorMod(h >>> 7, (long) LARGE_EXTRA_MAX)
                : (int) Math.floorMod(h >>> 7, (long) SMALL_MAX + 1);
        EntryType type = ((h >>> 40) & 15) == 0 ? EntryType.ENTRY_CONF_CHANGE : EntryType.ENTRY_NORMAL;
        byte[] data = new byte[size];
        long word = 0;
        for (int i = 0; i < size; i++) {
            if ((i & 7) == 0) {
                word = mix(h + (i + 1) * 0x9E3779B97F4A7C15L);
            }
            data[i] = (byte) (word >>> ((i & 7) * 8));
        }
        return Entry.newBuilder().setIndex(index).setTerm(term).setType(type).setData(ByteString.copyFrom(data)).build();
    }

    /** {@link #entry} for every index in {@code from..to} (inclusive), all in {@code term}. */
    public static List<Entry> entries(long seed, long from, long to, long term) {
        List<Entry> out = new ArrayList<>((int) Math.max(0, to - from + 1));
        for (long i = from; i <= to; i++) {
            out.add(entry(seed, i, term));
        }
        return out;
    }

    /**
     * The snapshot metadata the kit compacts with. The configuration depends on the index, so a
     * store that kept an older compaction point's configuration with a newer index is caught.
     */
    public static SnapshotMetadata snapshot(long index, long term) {
        ConfState conf = ConfState.newBuilder().addVoters(1).addVoters(2).addVoters(3)
                .addLearners(4 + Math.floorMod(index, 5)).build();
        return SnapshotMetadata.newBuilder().setIndex(index).setTerm(term).setConfState(conf).build();
    }

    /** A stateless 64-bit mixer (the SplitMix64 finalizer): nearby inputs give unrelated outputs. */
    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    private static long hash(long seed, long index, long term) {
        return mix(mix(mix(seed) ^ index) + term);
    }
}
