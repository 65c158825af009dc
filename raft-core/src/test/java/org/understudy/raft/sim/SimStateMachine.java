package org.understudy.raft.sim;

import com.google.protobuf.ByteString;
import java.nio.ByteBuffer;
import org.understudy.raft.proto.Entry;
import org.understudy.raft.proto.SnapshotMetadata;

/**
 * The simulator's replicated "store": a running 64-bit digest of every entry applied, in order.
 *
 * <p>Two nodes that applied the same entries up to an index hold the same digest there, so the
 * {@link SafetyChecker} can compare whole state machines at every index in O(1), and a state
 * restored from a snapshot can be checked against what the nodes that applied entry by entry
 * computed at that index.
 *
 * <p>Invariant: entries are applied strictly in index order without gaps ({@link #apply} throws
 * otherwise, which the simulator reports as a core bug).
 */
public final class SimStateMachine {
    /** The size of {@link #snapshotData()}; a {@link SimNode}'s application data follows it in a snapshot. */
    public static final int SNAPSHOT_BYTES = 32;

    private long appliedIndex;
    private long appliedTerm;
    private long digest;
    private long commands;

    /** The state of a founding member: the empty state at the bootstrap snapshot. */
    public static SimStateMachine atBootstrap(SnapshotMetadata founding) {
        SimStateMachine sm = new SimStateMachine();
        sm.appliedIndex = founding.getIndex();
        sm.appliedTerm = founding.getTerm();
        return sm;
    }

    /** The state of a node that has never seen anything (a joiner). */
    public static SimStateMachine empty() {
        return new SimStateMachine();
    }

    /**
     * Applies one committed entry.
     *
     * @throws IllegalStateException if {@code entry} does not immediately follow the last applied index
     */
    public void apply(Entry entry) {
        if (entry.getIndex() != appliedIndex + 1) {
            throw new IllegalStateException("applied entry " + entry.getIndex() + " after " + appliedIndex
                    + ": committed entries must be handed out in order without gaps or repeats");
        }
        digest = mix(digest, entry);
        appliedIndex = entry.getIndex();
        appliedTerm = entry.getTerm();
        if (!entry.getData().isEmpty()) {
            commands++;
        }
    }

    /** The whole state as snapshot data. */
    public ByteString snapshotData() {
        ByteBuffer b = ByteBuffer.allocate(SNAPSHOT_BYTES);
        b.putLong(appliedIndex).putLong(appliedTerm).putLong(digest).putLong(commands);
        return ByteString.copyFrom(b.array());
    }

    /**
     * Replaces the state with a snapshot's.
     *
     * @throws IllegalStateException if the data was taken at another index than its metadata says
     */
    public void restore(SnapshotMetadata metadata, ByteString data) {
        ByteBuffer b = data.asReadOnlyByteBuffer();
        long index = b.getLong();
        long term = b.getLong();
        if (index != metadata.getIndex() || term != metadata.getTerm()) {
            throw new IllegalStateException("snapshot data at " + index + "/" + term
                    + " does not match its metadata " + metadata.getIndex() + "/" + metadata.getTerm());
        }
        appliedIndex = index;
        appliedTerm = term;
        digest = b.getLong();
        commands = b.getLong();
    }

    public long appliedIndex() {
        return appliedIndex;
    }

    public long appliedTerm() {
        return appliedTerm;
    }

    public long digest() {
        return digest;
    }

    /** How many non-empty entries were applied (no-ops of new leaders excluded). */
    public long commands() {
        return commands;
    }

    /** Snapshot data of the empty state at the founding snapshot (what founders store). */
    public static ByteString bootstrapData(SnapshotMetadata founding) {
        return atBootstrap(founding).snapshotData();
    }

    static long mix(long digest, Entry entry) {
        long h = digest * 0x9E3779B97F4A7C15L;
        h ^= entry.getIndex() * 0xC2B2AE3D27D4EB4FL;
        h ^= entry.getTerm() * 0x165667B19E3779F9L;
        h ^= (long) entry.getTypeValue() << 56;
        h ^= entry.getData().hashCode() * 0x27D4EB2F165667C5L;
        return Long.rotateLeft(h, 31) * 0x94D049BB133111EBL;
    }
}
