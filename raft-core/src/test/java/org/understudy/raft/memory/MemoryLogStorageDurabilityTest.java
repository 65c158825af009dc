package org.understudy.raft.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.understudy.raft.proto.ConfState;
import org.understudy.raft.proto.Entry;
import org.understudy.raft.proto.HardState;
import org.understudy.raft.proto.SnapshotMetadata;
import org.understudy.raft.spi.StorageException;

/** The simulated durability of {@link MemoryLogStorage}: crash copies, failing syncs, the sync count. */
class MemoryLogStorageDurabilityTest {

    private final MemoryLogStorage storage = new MemoryLogStorage();

    @Test
    void crashCopyLosesWhatWasAppendedAfterTheLastSync() {
        storage.append(entries(1, 5, 1));
        storage.sync();
        storage.append(entries(6, 8, 1));

        MemoryLogStorage afterCrash = storage.crashCopy();

        assertThat(afterCrash.lastIndex()).isEqualTo(5);
        assertThat(afterCrash.entries(1, 6, Long.MAX_VALUE)).containsExactlyElementsOf(entries(1, 5, 1));
        assertThat(storage.lastIndex()).as("the original keeps its unsynced tail").isEqualTo(8);
    }

    @Test
    void crashCopyOfANeverSyncedLogIsEmpty() {
        storage.append(entries(1, 5, 1));
        storage.setHardState(hardState(1, 1, 3));
        storage.compactPrefix(snapshot(2, 1));

        MemoryLogStorage afterCrash = storage.crashCopy();

        assertThat(afterCrash.firstIndex()).isEqualTo(1);
        assertThat(afterCrash.lastIndex()).isZero();
        assertThat(afterCrash.hardState()).isEqualTo(HardState.getDefaultInstance());
        assertThat(afterCrash.compactedTo()).isEqualTo(SnapshotMetadata.getDefaultInstance());
    }

    @Test
    void crashCopyKeepsTheSyncedSuffixWhenAnOverwriteWasNotSynced() {
        storage.append(entries(1, 10, 1));
        storage.sync();
        storage.append(entries(6, 7, 2));
        storage.truncateSuffix(7);

        MemoryLogStorage afterCrash = storage.crashCopy();

        assertThat(afterCrash.lastIndex()).isEqualTo(10);
        assertThat(afterCrash.entries(1, 11, Long.MAX_VALUE)).containsExactlyElementsOf(entries(1, 10, 1));
    }

    @Test
    void crashCopyLosesUnsyncedHardStateAndCompaction() {
        storage.append(entries(1, 10, 1));
        storage.setHardState(hardState(1, 2, 4));
        storage.sync();
        storage.setHardState(hardState(2, 3, 9));
        storage.compactPrefix(snapshot(6, 1));

        MemoryLogStorage afterCrash = storage.crashCopy();

        assertThat(afterCrash.hardState()).isEqualTo(hardState(1, 2, 4));
        assertThat(afterCrash.firstIndex()).isEqualTo(1);
        assertThat(afterCrash.lastIndex()).isEqualTo(10);
    }

    @Test
    void crashCopyKeepsSyncedCompactionAndSnapshotInstall() {
        storage.append(entries(1, 10, 1));
        storage.compactPrefix(snapshot(4, 1));
        storage.sync();
        assertThat(storage.crashCopy().firstIndex()).isEqualTo(5);

        storage.compactPrefix(snapshot(40, 3)); // a snapshot from the leader, past the log
        storage.sync();
        MemoryLogStorage afterCrash = storage.crashCopy();

        assertThat(afterCrash.compactedTo()).isEqualTo(snapshot(40, 3));
        assertThat(afterCrash.firstIndex()).isEqualTo(41);
        assertThat(afterCrash.lastIndex()).isEqualTo(40);
    }

    @Test
    void crashCopyAndOriginalAreIndependent() {
        storage.append(entries(1, 5, 1));
        storage.sync();
        MemoryLogStorage copy = storage.crashCopy();

        copy.append(entries(3, 4, 2));
        copy.sync();
        storage.append(entries(6, 6, 1));

        assertThat(storage.entries(1, 7, Long.MAX_VALUE)).containsExactlyElementsOf(entries(1, 6, 1));
        assertThat(copy.lastIndex()).isEqualTo(4);
        assertThat(copy.crashCopy().term(4)).isEqualTo(2);
        assertThat(storage.crashCopy().term(4)).isEqualTo(1);
    }

    @Test
    void crashCopyWorksOnAClosedStorage() {
        storage.append(entries(1, 3, 1));
        storage.sync();
        storage.close();

        assertThat(storage.crashCopy().lastIndex()).isEqualTo(3);
        assertThatThrownBy(() -> storage.append(entries(4, 4, 1))).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(storage::sync).isInstanceOf(IllegalStateException.class);
        assertThat(storage.lastIndex()).as("reads still answer").isEqualTo(3);
    }

    @Test
    void failSyncsMakesSyncThrowAndLeavesTheDurableImageAlone() {
        storage.append(entries(1, 3, 1));
        storage.sync();
        storage.append(entries(4, 6, 1));
        storage.failSyncs(true);

        assertThatThrownBy(storage::sync).isInstanceOf(StorageException.class).hasMessageContaining("failSyncs");
        assertThat(storage.crashCopy().lastIndex()).isEqualTo(3);
        assertThat(storage.syncCount()).isEqualTo(1);

        storage.failSyncs(false);
        storage.sync();
        assertThat(storage.crashCopy().lastIndex()).isEqualTo(6);
        assertThat(storage.syncCount()).isEqualTo(2);
    }

    @Test
    void syncCountCountsSuccessfulSyncsOnly() {
        assertThat(storage.syncCount()).isZero();
        storage.sync();
        storage.sync();
        storage.failSyncs(true);
        assertThatThrownBy(storage::sync).isInstanceOf(StorageException.class);

        assertThat(storage.syncCount()).isEqualTo(2);
        assertThat(storage.crashCopy().syncCount()).as("a crash copy starts counting afresh").isZero();
    }

    /**
     * Random writes, syncs and crashes checked against a naive model that copies the whole log at
     * every sync. Catches mistakes in the incremental bookkeeping of the durable image.
     */
    @Test
    void crashCopiesMatchANaiveModelUnderRandomOperations() {
        for (long seed = 0; seed < 300; seed++) {
            runAgainstModel(seed);
        }
    }

    private static void runAgainstModel(long seed) {
        Random random = new Random(seed);
        MemoryLogStorage log = new MemoryLogStorage();
        NaiveLog live = new NaiveLog();
        NaiveLog durable = live.copy();
        for (int step = 0; step < 150; step++) {
            String what;
            int op = random.nextInt(100);
            long first = live.firstIndex();
            long last = live.lastIndex();
            if (op < 40) {
                long start = Math.max(1, first - 2 + random.nextInt((int) (last - first + 4)));
                List<Entry> batch = entries(start, start + random.nextInt(5), 1 + random.nextInt(4));
                what = "append " + start + ".." + batch.get(batch.size() - 1).getIndex();
                log.append(batch);
                live.append(batch);
            } else if (op < 50) {
                long from = first + random.nextInt((int) (last - first + 2));
                what = "truncateSuffix " + from;
                log.truncateSuffix(from);
                live.truncateSuffix(from);
            } else if (op < 62) {
                long index = Math.max(0, first - 2 + random.nextInt((int) (last - first + 6)));
                boolean matching = index >= first && index <= last && random.nextBoolean();
                long term = matching ? live.term(index) : 1 + random.nextInt(4);
                what = "compactPrefix " + index + "/" + term;
                log.compactPrefix(snapshot(index, term));
                live.compactPrefix(snapshot(index, term));
            } else if (op < 72) {
                HardState hs = hardState(random.nextInt(9), random.nextInt(4), random.nextInt(50));
                what = "setHardState " + hs.getTerm();
                log.setHardState(hs);
                live.hardState = hs;
            } else if (op < 92) {
                what = "sync";
                log.sync();
                durable = live.copy();
            } else {
                what = "crash";
                log = log.crashCopy();
                live = durable.copy();
            }
            String context = "seed " + seed + " step " + step + " (" + what + ")";
            assertSame(live, log, "live log after " + context);
            assertSame(durable, log.crashCopy(), "crash copy after " + context);
        }
    }

    private static void assertSame(NaiveLog expected, MemoryLogStorage actual, String context) {
        assertThat(actual.hardState()).as(context).isEqualTo(expected.hardState);
        assertThat(actual.compactedTo()).as(context).isEqualTo(expected.compactedTo);
        assertThat(actual.firstIndex()).as(context).isEqualTo(expected.firstIndex());
        assertThat(actual.lastIndex()).as(context).isEqualTo(expected.lastIndex());
        assertThat(actual.entries(actual.firstIndex(), actual.lastIndex() + 1, Long.MAX_VALUE)).as(context)
                .containsExactlyElementsOf(expected.entries);
    }

    /** The log semantics written as plainly as possible. */
    private static final class NaiveLog {
        HardState hardState = HardState.getDefaultInstance();
        SnapshotMetadata compactedTo = SnapshotMetadata.getDefaultInstance();
        List<Entry> entries = new ArrayList<>();

        long firstIndex() {
            return compactedTo.getIndex() + 1;
        }

        long lastIndex() {
            return compactedTo.getIndex() + entries.size();
        }

        long term(long index) {
            return index == compactedTo.getIndex() ? compactedTo.getTerm()
                    : entries.get((int) (index - firstIndex())).getTerm();
        }

        void append(List<Entry> batch) {
            for (Entry e : batch) {
                if (e.getIndex() >= firstIndex()) {
                    truncateSuffix(e.getIndex());
                    entries.add(e);
                }
            }
        }

        void truncateSuffix(long from) {
            while (lastIndex() >= from) {
                entries.remove(entries.size() - 1);
            }
        }

        void compactPrefix(SnapshotMetadata snap) {
            if (snap.getIndex() <= compactedTo.getIndex()) {
                return;
            }
            boolean holds = snap.getIndex() <= lastIndex() && term(snap.getIndex()) == snap.getTerm();
            List<Entry> rest = holds
                    ? new ArrayList<>(entries.subList((int) (snap.getIndex() - compactedTo.getIndex()), entries.size()))
                    : new ArrayList<>();
            compactedTo = snap;
            entries = rest;
        }

        NaiveLog copy() {
            NaiveLog copy = new NaiveLog();
            copy.hardState = hardState;
            copy.compactedTo = compactedTo;
            copy.entries = new ArrayList<>(entries);
            return copy;
        }
    }

    private static List<Entry> entries(long from, long to, long term) {
        List<Entry> out = new ArrayList<>();
        for (long i = from; i <= to; i++) {
            out.add(Entry.newBuilder().setIndex(i).setTerm(term).setData(ByteString.copyFromUtf8("e" + i + "t" + term))
                    .build());
        }
        return out;
    }

    private static HardState hardState(long term, long vote, long commit) {
        return HardState.newBuilder().setTerm(term).setVote(vote).setCommit(commit).build();
    }

    private static SnapshotMetadata snapshot(long index, long term) {
        return SnapshotMetadata.newBuilder().setIndex(index).setTerm(term)
                .setConfState(ConfState.newBuilder().addVoters(1)).build();
    }
}
