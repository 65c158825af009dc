package org.understudy.examples.kv.state;

import com.google.protobuf.InvalidProtocolBufferException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.understudy.examples.kv.proto.Delete;
import org.understudy.examples.kv.proto.KvCommand;
import org.understudy.examples.kv.proto.KvResult;
import org.understudy.examples.kv.proto.Put;
import org.understudy.raft.proto.ConfChange;
import org.understudy.raft.proto.ConfState;
import org.understudy.raft.proto.Entry;
import org.understudy.raft.spi.StateMachine;

/**
 * raft-kv's replicated state: keys mapped to a value and a revision, plus the table of recent
 * request ids. A key's revision is the Raft index of the write that stored it (unique and
 * increasing, and the same on every replica), so compare-and-set needs no counter of its own.
 *
 * <h2>Apply never throws</h2>
 * Every replica applies the same entries; if one replica threw on an entry the others accepted, the
 * replicas would diverge or stop. So an entry that is not a valid {@link KvCommand} (unparseable, no
 * operation) changes nothing, is logged as an ERROR, and yields {@code MALFORMED_COMMAND}. What a
 * key may look like (not empty, not too long) is the API layer's business, checked before a
 * command is proposed; here every well-formed command applies.
 *
 * <h2>Threads</h2>
 * {@link #apply}, {@link #applyConfChange}, {@link #snapshot} and {@link #restore} are called by the
 * Raft node from its one apply thread ({@link StateMachine} contract). The {@link KvReadView}
 * methods may be called from any thread at any time: they read a concurrent map that only the apply
 * thread writes, and a restore swaps the whole state in one volatile write.
 *
 * <h2>Determinism</h2>
 * No clocks, no randomness, no per-replica settings: the result of an entry depends only on the
 * state and the entry. The request-id table has a fixed capacity for the same reason.
 */
public final class KvStateMachine implements StateMachine<KvResult>, KvReadView {
    private static final Logger LOG = LoggerFactory.getLogger(KvStateMachine.class);

    // Read by any thread; replaced only by restore(), on the apply thread.
    private volatile KvData data = KvData.empty();
    // Apply thread only.
    private RequestDedupTable dedup;
    private final RequestIdDigest.Digester digester = new RequestIdDigest.Digester();

    /** An empty store whose request-id table holds the {@link RequestDedupTable#DEFAULT_CAPACITY} newest ids. */
    public KvStateMachine() {
        this(RequestDedupTable.DEFAULT_CAPACITY);
    }

    /** For tests of eviction: every replica of a cluster must use the same capacity. */
    KvStateMachine(int dedupCapacity) {
        this.dedup = new RequestDedupTable(dedupCapacity);
    }

    @Override
    public KvResult apply(Entry entry) {
        long index = entry.getIndex();
        KvResult result = entry.getData().isEmpty()
                ? KvResult.newBuilder().setRevision(index).build() // a new leader's no-op
                : applyCommand(entry);
        data.appliedTo(index); // after the map change: publishes it to readers
        return result;
    }

    private KvResult applyCommand(Entry entry) {
        long index = entry.getIndex();
        KvCommand command;
        try {
            command = KvCommand.parseFrom(entry.getData());
        } catch (InvalidProtocolBufferException e) {
            return malformed(index, entry.getData().size() + " bytes that are not a KvCommand (" + e.getMessage() + ")");
        }
        if (command.getOpCase() == KvCommand.OpCase.OP_NOT_SET) {
            return malformed(index, "a KvCommand without an operation (from a newer version?)");
        }
        RequestIdDigest requestId = command.getRequestId().isEmpty() ? null : digester.digest(command.getRequestId());
        if (requestId != null) {
            Optional<KvResult> first = dedup.find(requestId);
            if (first.isPresent()) {
                LOG.debug("entry {}: request id {} already applied, answering its first result", index,
                        command.getRequestId());
                return first.get();
            }
        }
        KvResult result = switch (command.getOpCase()) {
            case PUT -> put(index, command.getPut());
            case DELETE -> delete(index, command.getDelete());
            case OP_NOT_SET -> throw new AssertionError("handled above");
        };
        if (requestId != null) {
            dedup.record(requestId, result);
        }
        return result;
    }

    private KvResult put(long index, Put put) {
        KvEntry current = data.entries().get(put.getKey());
        if (put.getHasPrevRevision()) {
            long currentRevision = current == null ? 0 : current.revision();
            if (currentRevision != put.getPrevRevision()) {
                return KvResult.newBuilder()
                        .setRevision(index)
                        .setError(KvResult.ErrorCode.REVISION_MISMATCH)
                        .setCurrentRevision(currentRevision)
                        .build();
            }
        }
        data.entries().put(put.getKey(), new KvEntry(put.getValue(), index));
        return KvResult.newBuilder().setRevision(index).build();
    }

    private KvResult delete(long index, Delete delete) {
        boolean existed = data.entries().remove(delete.getKey()) != null;
        return KvResult.newBuilder().setRevision(index).setDeleted(existed).build();
    }

    private static KvResult malformed(long index, String what) {
        // Every replica logs the same: the proposer encoded something this version cannot apply.
        LOG.error("entry {}: skipped {}; nothing changed", index, what);
        return KvResult.newBuilder().setRevision(index).setError(KvResult.ErrorCode.MALFORMED_COMMAND).build();
    }

    /** A configuration change takes a log index too: the applied index follows it. */
    @Override
    public void applyConfChange(long index, ConfChange change, ConfState result) {
        data.appliedTo(index);
    }

    /** Streams the keys and the request-id table ({@link KvSnapshotFormat}); flushes, never closes {@code out}. */
    @Override
    public void snapshot(OutputStream out) throws IOException {
        KvSnapshotWriter.write(data, dedup, out);
    }

    /**
     * Replaces the whole state with the snapshot in {@code in}, all at once from the readers' view.
     * The new state is built aside and swapped in only after the CRC has checked out.
     *
     * @throws KvSnapshotFormatException for a bad magic, an unknown version, a CRC mismatch, a
     *     truncated stream or an impossible field; the current state is then kept unchanged
     */
    @Override
    public void restore(InputStream in) throws IOException {
        KvSnapshotReader.Restored restored = KvSnapshotReader.read(in, dedup.capacity());
        dedup = restored.dedup();
        data = restored.data();
        LOG.info("restored {} keys and {} request ids at applied index {}", restored.data().entries().mappingCount(),
                restored.dedup().size(), restored.data().appliedIndex());
    }

    @Override
    public Optional<KvEntry> get(String key) {
        return Optional.ofNullable(data.entries().get(key));
    }

    @Override
    public long size() {
        return data.entries().mappingCount();
    }

    @Override
    public long appliedIndex() {
        return data.appliedIndex();
    }

    /** The number of request ids remembered (for tests and metrics). Apply thread only. */
    int rememberedRequestIds() {
        return dedup.size();
    }

    @Override
    public String toString() {
        return "KvStateMachine{keys=" + size() + ", appliedIndex=" + appliedIndex() + "}";
    }
}
